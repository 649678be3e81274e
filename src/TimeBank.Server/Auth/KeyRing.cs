using System.Collections.Concurrent;
using System.Collections.Frozen;
using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Storage.Keys;

namespace TimeBank.Server.Auth;

/// <summary>
/// Every API key, in memory: checking a call's key is a dictionary lookup by key id and a constant-time
/// hash comparison, never a query. Keys are reloaded whole from the database every
/// <see cref="KeyRingOptions.RefreshInterval"/> (keys are few), which bounds how long a key revoked by
/// another server process keeps working here; a change made through this process applies at once.
/// </summary>
public sealed class KeyRing : IAsyncDisposable
{
    /// <summary>Longest authorization header looked at; a longer one is refused without reading it.</summary>
    public const int MaxHeaderLength = 256;

    private const string Scheme = "Bearer ";

    private readonly IApiKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly KeyRingOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _applyGate = new();
    private readonly ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private FrozenDictionary<string, Entry> _keys = FrozenDictionary<string, Entry>.Empty;
    private long _lastFlush;
    private int _refreshing;

    private KeyRing(IApiKeyStore store, TimeProvider clock, KeyRingOptions options, ILogger logger)
    {
        _store = store;
        _clock = clock;
        _options = options;
        _logger = logger;
        _lastFlush = clock.GetTimestamp();
        _timer = clock.CreateTimer(static s => ((KeyRing)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Count => _keys.Count;

    public static async Task<KeyRing> LoadAsync(IApiKeyStore store, TimeProvider clock, KeyRingOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var ring = new KeyRing(store, clock ?? TimeProvider.System, options, logger);
        await ring.RefreshAsync(cancellationToken);
        ring._timer.Change(options.RefreshInterval, options.RefreshInterval);
        return ring;
    }

    /// <summary>The caller behind an <c>authorization</c> header value, or why there is none.</summary>
    public Result<Caller> Authenticate(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return Failure.Of(ErrorReasons.KeyMissing);
        }

        if (authorization.Length > MaxHeaderLength)
        {
            return Failure.Of(ErrorReasons.KeyMalformed, ("problem", $"the header is {authorization.Length} characters; a key header is at most {MaxHeaderLength}"));
        }

        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Of(ErrorReasons.KeyMalformed, ("problem", "the header does not start with 'Bearer '"));
        }

        if (!ApiKeyToken.TryParse(authorization.AsSpan(Scheme.Length).Trim().ToString(), out var token, out var problem))
        {
            return Failure.Of(ErrorReasons.KeyMalformed, ("problem", problem));
        }

        // A wrong secret reads as an unknown key, and only the holder of the secret learns it was revoked.
        if (!_keys.TryGetValue(token.KeyId, out var entry) || !token.Matches(entry.Key.SecretHash.Span))
        {
            return Failure.Of(ErrorReasons.KeyUnknown);
        }

        if (entry.Key.RevokedAt is not null)
        {
            return Failure.Of(ErrorReasons.KeyRevoked, ("key_id", token.KeyId));
        }

        _lastUsed[token.KeyId] = _clock.GetUtcNow().UtcTicks;
        return entry.Caller;
    }

    /// <summary>Takes a key just created or revoked through this process into effect at once.</summary>
    public void Apply(StoredApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_applyGate)
        {
            var keys = new Dictionary<string, Entry>(_keys, StringComparer.Ordinal);
            if (Entry.From(key) is { } entry)
            {
                keys[key.KeyId] = entry;
            }

            _keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>Reloads every key from the database (also what the timer does).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _store.ReadAllKeysAsync(cancellationToken);
        var keys = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var key in stored)
        {
            if (Entry.From(key) is { } entry)
            {
                keys[key.KeyId] = entry;
            }
            else
            {
                AuthLog.UnreadableKey(_logger, key.KeyId, key.Role);
            }
        }

        lock (_applyGate)
        {
            _keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>Writes the last-used times gathered since the previous flush.</summary>
    public async Task FlushLastUsedAsync(CancellationToken cancellationToken = default)
    {
        _lastFlush = _clock.GetTimestamp();
        if (_lastUsed.IsEmpty)
        {
            return;
        }

        var batch = new List<KeyValuePair<string, DateTimeOffset>>();
        foreach (var keyId in _lastUsed.Keys)
        {
            if (_lastUsed.TryRemove(keyId, out var ticks))
            {
                batch.Add(new(keyId, new DateTimeOffset(ticks, TimeSpan.Zero)));
            }
        }

        await _store.RecordKeyUseAsync(batch, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        try
        {
            await FlushLastUsedAsync();
        }
        catch (Exception e) when (e is Storage.StorageUnavailableException or ObjectDisposedException)
        {
            AuthLog.RefreshFailed(_logger, e);
        }
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return; // the previous refresh is still running
        }

        _ = RefreshFromTimerAsync();
    }

    private async Task RefreshFromTimerAsync()
    {
        try
        {
            await RefreshAsync();
            if (_clock.GetElapsedTime(_lastFlush) >= _options.LastUsedFlushInterval)
            {
                await FlushLastUsedAsync();
            }
        }
        catch (Exception e)
        {
            // The keys in memory stay as they were; the next tick tries again.
            AuthLog.RefreshFailed(_logger, e);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private sealed record Entry(StoredApiKey Key, Caller Caller)
    {
        public static Entry? From(StoredApiKey key)
            => RoleNames.TryParse(key.Role, out var role)
                ? new Entry(key, new Caller(key.KeyId, role, key.Scope, key.Member.Length == 0 ? null : key.Member, key.DisplayName))
                : null;
    }
}
