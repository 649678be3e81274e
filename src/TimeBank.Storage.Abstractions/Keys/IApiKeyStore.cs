namespace TimeBank.Storage.Keys;

/// <summary>
/// Where API keys live. Keys are few (one per app, terminal, committee member...) and read on every call,
/// so the server keeps them all in memory and reloads them whole on a short timer; writes are rare and go
/// straight to the database, each with the caller's request record in the same transaction.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Every key, revoked ones included.</summary>
    Task<IReadOnlyList<StoredApiKey>> ReadAllKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new key and, when given, the request record that asked for it.</summary>
    /// <exception cref="DuplicateRequestException">The request id is already recorded for its caller; nothing is stored.</exception>
    /// <exception cref="StaleStateException">A key with this id exists already; nothing is stored.</exception>
    Task CreateKeyAsync(StoredApiKey key, RequestRecord? request, CancellationToken cancellationToken = default);

    /// <summary>Marks a key revoked at <paramref name="revokedAt"/> (a key revoked before keeps its first time).
    /// Returns the key as stored afterwards, or null when there is no such key (then nothing is stored).</summary>
    /// <exception cref="DuplicateRequestException">The request id is already recorded for its caller; nothing is stored.</exception>
    Task<StoredApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken = default);

    /// <summary>Records when keys were last used (later times win), in one write.</summary>
    Task RecordKeyUseAsync(IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> lastUsed, CancellationToken cancellationToken = default);
}
