using System.IO.Pipelines;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Health.V1;
using TimeBank.Rpc.Internal;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.Framing;

/// <summary>Text is stored exactly as sent or refused: a string field that is not UTF-8 never reaches a handler.</summary>
public sealed class Utf8FieldTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static readonly TheoryData<byte[]> NotUtf8 = new()
    {
        new byte[] { 0xC3, 0x28 },              // a lead byte without its continuation
        new byte[] { 0xFF },                    // never valid
        new byte[] { 0xE2, 0x82 },              // cut short
        new byte[] { 0xED, 0xA0, 0x80 },        // an encoded surrogate
        new byte[] { (byte)'o', (byte)'k', 0x80 }, // a stray continuation after ASCII
    };

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public async Task A_string_field_that_is_not_utf8_is_INVALID_ARGUMENT_naming_the_field(byte[] text)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(HealthCheckRequest.Parser, Field(1, text)));

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_UTF8"), (error.StatusCode, error.Reason));
        Assert.Equal("service", Assert.Single(error.FieldViolations).Field);
    }

    [Fact]
    public async Task A_map_value_that_is_not_utf8_is_named_inside_its_map()
    {
        // ErrorInfo.metadata is map<string, string>: entry = message { 1: key, 2: value }.
        byte[] entry = [.. Field(1, "k"u8.ToArray()), .. Field(2, [0xC3, 0x28])];
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(ErrorInfo.Parser, [.. Field(1, "R"u8.ToArray()), .. Field(3, entry)]));

        Assert.Equal("metadata.value", Assert.Single(error.FieldViolations).Field);
    }

    [Fact]
    public async Task Valid_text_in_every_script_passes_untouched()
    {
        var text = "Wang Fang 王芳 😀 Ελένη \u0000 end";
        var read = await ReadAsync(HealthCheckRequest.Parser, new HealthCheckRequest { Service = text }.ToByteArray());

        Assert.Equal(text, read.Service);
    }

    [Fact]
    public void Bytes_fields_and_unknown_fields_may_hold_any_bytes()
    {
        // google.rpc.Status: details is repeated Any, whose value is bytes; field 9 is unknown.
        byte[] any = [.. Field(1, "x"u8.ToArray()), .. Field(2, [0xFF, 0xFE])];
        byte[] status = [.. Field(3, any), .. Field(9, [0xC3, 0x28])];

        Assert.Null(Utf8Fields.FindInvalid(status, Google.Rpc.Status.Descriptor));
    }

    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), (byte)value.Length, .. value];

    private static async Task<T> ReadAsync<T>(MessageParser<T> parser, byte[] message)
        where T : class, IMessage<T>
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Frames.Build(0, message), Token);
        await pipe.Writer.CompleteAsync();
        return (await new MessageReader<T>(pipe.Reader, parser, 4096, null, "Received").ReadNextAsync(Token))!;
    }
}
