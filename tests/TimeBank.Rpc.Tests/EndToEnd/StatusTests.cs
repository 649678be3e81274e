using System.Text;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>How a handler's failure reaches the caller: code, message, details, and what is never sent.</summary>
public sealed class StatusTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static CallOptions Options => new(CancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_handler_exception_is_UNKNOWN_with_a_fixed_message()
    {
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Throw, new HealthCheckRequest(), Options));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("Exception was thrown by handler.", error.Detail);
    }

    [Fact]
    public async Task A_handler_exceptions_text_is_never_sent_but_is_logged()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Throw.FullName, Frames.Plain(new HealthCheckRequest()));

        Assert.Equal(2, response.GrpcStatus);
        Assert.DoesNotContain("secret internals", response.AllMetadataText, StringComparison.Ordinal);
        Assert.DoesNotContain("secret internals", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == "secret internals");
    }

    [Fact]
    public async Task A_mapped_conflict_is_logged_as_information_and_a_mapped_outage_as_an_error_with_its_exception()
    {
        // A conflict (ABORTED) is what contention looks like and the caller retries it: worth a line, not an error.
        using var channel = server.CreateChannel();
        var conflict = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Throw, new HealthCheckRequest { Service = "conflict" }, Options));
        var outage = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Throw, new HealthCheckRequest { Service = "outage" }, Options));

        Assert.Equal((StatusCode.Aborted, StatusCode.Unavailable), (conflict.StatusCode, outage.StatusCode));
        var conflictLog = Assert.Single(server.Logs.Entries, e => e.Message.Contains("lost a race for the row", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Information, null), (conflictLog.Level, conflictLog.Exception));
        Assert.Contains("test.Probe/Throw", conflictLog.Message, StringComparison.Ordinal);
        var outageLog = Assert.Single(server.Logs.Entries, e => e.Exception is OutageException);
        Assert.Equal(LogLevel.Error, outageLog.Level);
    }

    [Fact]
    public async Task An_RpcException_from_a_handler_reaches_the_caller_with_its_code_message_and_reason()
    {
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Refuse, new HealthCheckRequest(), Options));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("nope", error.Detail);
        Assert.Equal("SOME_REASON", error.Reason);
        Assert.Equal("test", error.Domain);
    }

    [Fact]
    public async Task An_RpcException_is_sent_as_status_message_and_status_details()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Refuse.FullName, Frames.Plain(new HealthCheckRequest()));

        Assert.Equal(9, response.GrpcStatus);
        Assert.Equal("nope", response.GrpcMessage);
        var details = response.Headers.GetValueOrDefault("grpc-status-details-bin") ?? response.Trailers["grpc-status-details-bin"];
        Assert.Equal(("SOME_REASON", "test"), Internal.StatusDetails.Decode(details));
    }

    [Fact]
    public async Task A_status_without_a_reason_reaches_the_caller_without_one()
    {
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.FailWith, new HealthCheckRequest { Service = "plain" }, Options));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("plain", error.Detail);
        Assert.Null(error.Reason);
        Assert.Null(error.Domain);
    }

    [Fact]
    public async Task A_non_ASCII_status_message_is_percent_encoded_on_the_wire()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.FailWith.FullName, Frames.Plain(new HealthCheckRequest { Service = "时间银行 100%" }));

        Assert.Equal(10, response.GrpcStatus);
        Assert.Equal("%E6%97%B6%E9%97%B4%E9%93%B6%E8%A1%8C 100%25", response.GrpcMessage);
        Assert.All(response.AllMetadataText, c => Assert.True(c is '\n' or (>= ' ' and <= '~'), $"'{c}' is not printable ASCII"));
    }

    [Fact]
    public async Task A_non_ASCII_status_message_is_decoded_by_the_channel()
    {
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(
            () => channel.UnaryAsync(TestService.FailWith, new HealthCheckRequest { Service = "时间银行 100%" }, Options));

        Assert.Equal("时间银行 100%", error.Detail);
    }
}
