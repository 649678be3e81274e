using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using TimeBank.Contracts.V1;

namespace TimeBank.Server.Tests;

/// <summary>
/// Requests a well-behaved client library would not send, made by hand and sent over real HTTP/2 to the
/// real server: each must end with a clear status and change nothing.
/// </summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("cut before the final deflate block")]
    [InlineData("missing its CRC-32 and size")]
    [InlineData("a compressed flag on an empty body")]
    public async Task A_compressed_deposit_that_is_not_one_whole_gzip_member_is_refused_and_credits_nothing(string broken)
    {
        await using var running = await RunningServer.StartAsync();
        await running.Client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "reg", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        var deposit = new DepositHoursRequest { RequestId = "gz-1", VolunteerId = "ana", ActivityId = string.Concat(Enumerable.Repeat("park-", 10)) + "x", Minutes = 5 };
        var member = Gzip(deposit.ToByteArray());
        byte[] payload = broken switch
        {
            "cut before the final deflate block" => member[..(member.Length - 12)],
            "missing its CRC-32 and size" => member[..^8],
            _ => [],
        };

        var (status, _) = await PostAsync(running, VolunteerServiceMethods.DepositHours.FullName, Frame(1, payload), gzip: true);

        Assert.Equal("13", status); // INTERNAL: the handler never ran
        Assert.Equal(0, (await running.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);

        var (whole, _) = await PostAsync(running, VolunteerServiceMethods.DepositHours.FullName, Frame(1, member), gzip: true);
        Assert.Equal("0", whole); // the same deposit, whole, is served
        Assert.Equal(5, (await running.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);
    }

    [Fact]
    public async Task A_display_name_that_is_not_utf8_is_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var running = await RunningServer.StartAsync();
        var request = new RegisterVolunteerRequest { RequestId = "reg", VolunteerId = "ana", DisplayName = "ANA", CommunityId = "riverside" }.ToByteArray();
        var at = request.AsSpan().IndexOf("ANA"u8);
        request[at + 1] = 0xC3; // "A\xC3A": a lone lead byte, not UTF-8
        request[at + 2] = 0x28;

        var (status, message) = await PostAsync(running, VolunteerServiceMethods.RegisterVolunteer.FullName, Frame(0, request), gzip: false);

        Assert.Equal("3", status); // INVALID_ARGUMENT
        Assert.Contains("display_name", message, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<Rpc.RpcException>(() => running.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" }));
        Assert.Equal(ErrorReasons.VolunteerNotFound.Code, error.Reason); // registered with U+FFFD? No: not at all
    }

    private static async Task<(string? Status, string Message)> PostAsync(RunningServer running, string path, byte[] body, bool gzip)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(running.Address, path))
        {
            Version = HttpVersion.Version20, // h2c with prior knowledge, as gRPC clients speak it
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RunningServer.AdminKey);
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        string? Read(string name) => response.Headers.TryGetValues(name, out var v) ? v.First() : response.TrailingHeaders.TryGetValues(name, out var t) ? t.First() : null;
        return (Read("grpc-status"), Uri.UnescapeDataString(Read("grpc-message") ?? ""));
    }

    private static byte[] Frame(byte flag, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
