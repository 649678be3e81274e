using System.Net;
using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>Requests refused before any handler runs: unknown methods, wrong content types, unknown encodings.</summary>
public sealed class RequestValidationTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static readonly byte[] EchoBody = Frames.Plain(new HealthCheckRequest { Service = "ping" });

    [Fact]
    public async Task An_unknown_method_is_UNIMPLEMENTED_as_a_trailers_only_response()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync("/test.Probe/NoSuchMethod", EchoBody);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("12", response.Headers["grpc-status"]);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.Empty(response.Trailers);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task An_unknown_method_is_UNIMPLEMENTED_for_the_channel()
    {
        using var channel = server.CreateChannel();
        var missing = new Method<HealthCheckRequest, HealthCheckRequest>(
            MethodType.Unary, "test.Probe", "NoSuchMethod", HealthCheckRequest.Parser, HealthCheckRequest.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(
            () => channel.UnaryAsync(missing, new HealthCheckRequest(), new CallOptions(CancellationToken: TestContext.Current.CancellationToken)));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")] // a prefix of the right type is not the right type
    public async Task A_content_type_that_is_not_gRPC_is_refused_with_HTTP_415(string contentType)
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, EchoBody, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task The_variants_of_the_gRPC_content_type_are_accepted(string contentType)
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, EchoBody, contentType);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("ping", Assert.Single(response.Messages(HealthCheckRequest.Parser)).Service);
    }

    [Fact]
    public async Task An_unsupported_grpc_encoding_is_UNIMPLEMENTED_and_names_the_supported_ones()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, EchoBody, headers: ("grpc-encoding", "snappy"));

        Assert.Equal("12", response.Headers["grpc-status"]);
        Assert.Contains("gzip", response.Headers["grpc-accept-encoding"], StringComparison.Ordinal);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task A_gzip_compressed_request_is_accepted()
    {
        using var raw = server.CreateRawClient();
        var request = new HealthCheckRequest { Service = string.Concat(Enumerable.Repeat("squeeze ", 64)) };

        var response = await raw.PostAsync(TestService.Echo.FullName, Frames.Gzipped(request), headers: ("grpc-encoding", "gzip"));

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(request, Assert.Single(response.Messages(HealthCheckRequest.Parser)));
    }

    [Fact]
    public async Task An_uncompressed_message_is_accepted_on_a_gzip_call()
    {
        // The flag is per message: a sender may leave any message uncompressed.
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, EchoBody, headers: ("grpc-encoding", "gzip"));

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("ping", Assert.Single(response.Messages(HealthCheckRequest.Parser)).Service);
    }

    [Fact]
    public async Task A_compressed_message_on_a_call_without_an_encoding_is_INTERNAL()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, Frames.Gzipped(new HealthCheckRequest { Service = "ping" }));

        Assert.Equal(13, response.GrpcStatus);
    }
}
