using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TimeBank.Server.Auth;
using TimeBank.Storage.InMemory;
using TimeBank.Storage.Keys;

namespace TimeBank.Benchmarks;

/// <summary>
/// What checking a call's key costs on the hot path: <see cref="KeyRing.Authenticate"/> on a header, with
/// 1,000 keys in memory (parse the token, find the key by id, SHA-256 the secret, compare in constant time,
/// note the last use), against the baseline of a bare dictionary lookup by key id.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class KeyCheck
{
    private readonly Dictionary<string, StoredApiKey> _plain = new(StringComparer.Ordinal);
    private KeyRing _ring = null!;
    private string _header = "";
    private string _keyId = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var store = new InMemoryGrainStorage();
        for (var i = 0; i < 1_000; i++)
        {
            var token = ApiKeyToken.Generate();
            var key = new StoredApiKey(token.KeyId, token.HashSecret(), "app", "riverside", "", $"app {i}", DateTimeOffset.UtcNow, "bench", null, null);
            await store.CreateKeyAsync(key, null);
            _plain[key.KeyId] = key;
            _header = "Bearer " + token.Reveal();
            _keyId = token.KeyId;
        }

        _ring = await KeyRing.LoadAsync(store, TimeProvider.System, new KeyRingOptions { RefreshInterval = TimeSpan.FromHours(1) }, NullLogger.Instance);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _ring.DisposeAsync();

    [Benchmark(Baseline = true)]
    public StoredApiKey? Dictionary_lookup() => _plain.GetValueOrDefault(_keyId);

    [Benchmark]
    public bool Authenticate_header() => _ring.Authenticate(_header).Succeeded;
}
