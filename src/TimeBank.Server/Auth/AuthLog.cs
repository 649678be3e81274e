namespace TimeBank.Server.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(101, LogLevel.Error, "Key {KeyId} has the unknown role '{Role}' in the database; it is refused.")]
    public static partial void UnreadableKey(ILogger logger, string keyId, string role);

    [LoggerMessage(102, LogLevel.Warning, "Reloading API keys failed; the keys in memory stay until the next try.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "First start: created the admin key {KeyId}; it is in {Path} (readable by this user only). Move it somewhere safe.")]
    public static partial void AdminKeyCreated(ILogger logger, string keyId, string path);

    [LoggerMessage(104, LogLevel.Information, "First start: the admin key {KeyId} from TimeBank:AdminKey is stored.")]
    public static partial void AdminKeyConfigured(ILogger logger, string keyId);

    [LoggerMessage(105, LogLevel.Information, "An admin key exists already; TimeBank:AdminKey is not used.")]
    public static partial void AdminKeyIgnored(ILogger logger);

    [LoggerMessage(106, LogLevel.Information, "Another server process stored the first admin key at the same time; this one created none.")]
    public static partial void AdminKeyRaceLost(ILogger logger);
}
