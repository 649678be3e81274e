namespace TimeBank.Storage.Keys;

/// <summary>
/// An API key as stored: everything but its secret, of which only a SHA-256 hash is kept. Role and scope
/// are kept as their wire names, so the storage layer needs no knowledge of what they mean.
/// </summary>
public sealed record StoredApiKey(
    string KeyId,
    ReadOnlyMemory<byte> SecretHash,
    string Role,
    string Scope,
    string Member,
    string DisplayName,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);
