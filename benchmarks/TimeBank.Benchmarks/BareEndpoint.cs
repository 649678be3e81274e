using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using TimeBank.Contracts.V1;

namespace TimeBank.Benchmarks;

/// <summary>
/// The gateway's ceiling on this machine: Kestrel over h2c answering every request with one fixed gRPC answer
/// (a GetBalance response's bytes, status 0 in the trailers), after reading the request. No gRPC layer, no
/// grains, no storage: h2load against it says what HTTP/2 on Kestrel costs here, and TimeBank's own figures
/// are read against it. Runs until stopped.
/// </summary>
/// <remarks><c>--bare-endpoint [--port 5099]</c>.</remarks>
internal static class BareEndpoint
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var index = Array.IndexOf(args, "--port");
        var port = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 5099;
        var message = new GetBalanceResponse { VolunteerId = "lg-0000.1", HoursMinutes = 1_440, Points = 240, HoursAvailableMinutes = 1_440, PointsAvailable = 240 }.ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http2));
        await using var app = builder.Build();
        app.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        });
        output.WriteLine($"bare endpoint: h2c on 127.0.0.1:{port}, one fixed {frame.Length}-byte gRPC answer to every request");
        await app.RunAsync();
        return 0;
    }
}
