using System.Net;
using System.Net.Http.Headers;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// A bare HttpClient speaking HTTP/2 to the test server, for what <see cref="Client.GrpcChannel"/> hides:
/// which of headers and trailers the status came in, hand-built (and broken) request bodies.
/// </summary>
internal sealed class RawGrpcClient(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler())
    {
        BaseAddress = address,

        // Far beyond any deadline a test sets: a status must come from the server, this only stops a hang.
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<RawResponse> PostAsync(
        string path, byte[] body, string contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        // Trailers are only complete once the body has been read to its end.
        return new RawResponse(
            response.StatusCode,
            response.Version,
            Flatten(response.Headers.Concat(response.Content.Headers)),
            Flatten(response.TrailingHeaders),
            responseBody);
    }

    public void Dispose() => _http.Dispose();

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
        => headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
}
