using TimeBank.Storage;
using TimeBank.Storage.Keys;

namespace TimeBank.Server.Auth;

/// <summary>
/// The first start: with no admin key in the database, store one, from <c>TimeBank:AdminKey</c> when set,
/// otherwise a new one written to <c>&lt;data folder&gt;/admin.key</c> (mode 0600) and never logged. The
/// key is stored with a fixed request record, so two processes starting at once on one database store
/// exactly one; a restart finds the admin key and creates nothing.
/// </summary>
public static class AdminKeyBootstrap
{
    public const string FileName = "admin.key";
    public const string BootstrapCaller = "bootstrap";
    private const string BootstrapRequest = "first-admin-key";

    /// <returns>The path of the key file written, or null when none was (a key existed, or came from configuration).</returns>
    public static async Task<string?> EnsureAsync(
        IApiKeyStore store, string dataDirectory, string? configuredKey, TimeProvider clock, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        var existing = await store.ReadAllKeysAsync(cancellationToken);
        if (existing.Any(k => k.Role == RoleNames.Of(Role.Admin)))
        {
            if (!string.IsNullOrEmpty(configuredKey))
            {
                AuthLog.AdminKeyIgnored(logger);
            }

            return null;
        }

        ApiKeyToken token;
        if (string.IsNullOrEmpty(configuredKey))
        {
            token = ApiKeyToken.Generate();
        }
        else if (!ApiKeyToken.TryParse(configuredKey.Trim(), out token!, out var problem))
        {
            throw new ConfigurationProblemException(
                $"TimeBank:AdminKey is not a TimeBank key ({problem}); leave it unset and the server writes a new one to {Path.Combine(dataDirectory, FileName)}.");
        }

        var now = UnixMicroseconds.Truncate(clock.GetUtcNow());
        var key = new StoredApiKey(token.KeyId, token.HashSecret(), RoleNames.Of(Role.Admin), "", "", "First admin key", now, BootstrapCaller, null, null);
        var record = new RequestRecord(BootstrapCaller, BootstrapRequest, "Bootstrap/FirstAdminKey", "keys", Array.Empty<byte>(), Array.Empty<byte>(), now);
        string? pending = null;
        if (string.IsNullOrEmpty(configuredKey))
        {
            // The file first (under a temporary name), then the database, then the rename: a crash between
            // leaves the key findable, never a stored admin key that nobody holds.
            Directory.CreateDirectory(dataDirectory);
            pending = Path.Combine(dataDirectory, $"{FileName}.{token.KeyId}.tmp");
            await WriteOwnerOnlyAsync(pending, token.Reveal() + "\n", cancellationToken);
        }

        try
        {
            await store.CreateKeyAsync(key, record, cancellationToken);
        }
        catch (DuplicateRequestException)
        {
            if (pending is not null)
            {
                File.Delete(pending);
            }

            AuthLog.AdminKeyRaceLost(logger);
            return null;
        }

        if (pending is null)
        {
            AuthLog.AdminKeyConfigured(logger, token.KeyId);
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        File.Move(pending, path, overwrite: true);
        AuthLog.AdminKeyCreated(logger, token.KeyId, path);
        return path;
    }

    private static async Task WriteOwnerOnlyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600, set as the file is created
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }
}
