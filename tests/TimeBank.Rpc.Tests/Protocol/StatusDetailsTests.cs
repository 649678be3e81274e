using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc.Tests.Protocol;

public sealed class StatusDetailsTests
{
    [Fact]
    public void Reason_and_domain_survive_a_round_trip()
    {
        var encoded = StatusDetails.Encode(StatusCode.FailedPrecondition, "nope", "INSUFFICIENT_HOURS", "timebank.ledger");

        Assert.Equal(("INSUFFICIENT_HOURS", "timebank.ledger"), StatusDetails.Decode(encoded));
    }

    [Fact]
    public void Field_violations_travel_as_a_google_rpc_BadRequest_beside_the_reason()
    {
        var encoded = StatusDetails.Encode(StatusCode.InvalidArgument, "minutes must be positive", "MINUTES_NOT_POSITIVE", "timebank.v1", [new FieldViolation("minutes", "must be positive")]);

        var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(encoded!)));
        var badRequest = status.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();
        Assert.Equal(("minutes", "must be positive"), (badRequest.FieldViolations.Single().Field, badRequest.FieldViolations.Single().Description));
        Assert.Equal([new FieldViolation("minutes", "must be positive")], StatusDetails.DecodeFieldViolations(encoded));
        Assert.Equal(("MINUTES_NOT_POSITIVE", "timebank.v1"), StatusDetails.Decode(encoded));
        Assert.Empty(StatusDetails.DecodeFieldViolations(StatusDetails.Encode(StatusCode.NotFound, "x", "R", "d")));
        Assert.Empty(StatusDetails.DecodeFieldViolations("not base64 at all!"));
    }

    [Fact]
    public void The_value_is_a_google_rpc_Status_with_the_same_code_and_message_as_the_trailers()
    {
        // Any gRPC client that knows the rich error model must read what we send.
        var encoded = StatusDetails.Encode(StatusCode.FailedPrecondition, "nope", "SOME_REASON", "test");

        var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(encoded!)));

        Assert.Equal((int)StatusCode.FailedPrecondition, status.Code);
        Assert.Equal("nope", status.Message);
        var info = Assert.Single(status.Details).Unpack<ErrorInfo>();
        Assert.Equal("SOME_REASON", info.Reason);
        Assert.Equal("test", info.Domain);
    }

    [Fact]
    public void The_value_is_emitted_without_base64_padding()
    {
        // The spec: -bin values should be sent unpadded (and must be accepted either way).
        for (var length = 1; length <= 4; length++)
        {
            var encoded = StatusDetails.Encode(StatusCode.Aborted, "", new string('r', length), null);
            Assert.DoesNotContain('=', encoded!);
            Assert.Equal(new string('r', length), StatusDetails.Decode(encoded).Reason);
        }
    }

    [Fact]
    public void A_padded_value_is_accepted_too()
    {
        var encoded = StatusDetails.Encode(StatusCode.Aborted, "x", "R", "D")!;

        Assert.Equal(("R", "D"), StatusDetails.Decode(Padded(encoded)));
    }

    [Fact]
    public void No_reason_means_no_details_trailer()
        => Assert.Null(StatusDetails.Encode(StatusCode.NotFound, "missing", null, "test"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("!!! not base64 !!!")]
    [InlineData("A")]
    [InlineData("AAAA")] // valid base64, but not a protobuf Status
    [InlineData("/////w")]
    public void Garbage_decodes_to_nothing(string? value)
        => Assert.Equal((null, null), StatusDetails.Decode(value));

    [Fact]
    public void A_status_without_an_ErrorInfo_decodes_to_nothing()
    {
        var status = new Google.Rpc.Status { Code = 5, Message = "no details" };
        status.Details.Add(Any.Pack(new StringValue { Value = "other" }));

        Assert.Equal((null, null), StatusDetails.Decode(Convert.ToBase64String(status.ToByteArray())));
    }

    private static string Padded(string value) => value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
}
