using Microsoft.Extensions.Logging;

namespace TimeBank.Storage.Internal;

internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Storage {Provider} ready at {Location}; {Applied} migration(s) applied.")]
    public static partial void SchemaReady(ILogger logger, string provider, string location, int applied);

    [LoggerMessage(2, LogLevel.Error, "Storage {Provider}: a batch of {Count} write(s) failed to commit.")]
    public static partial void BatchFailed(ILogger logger, string provider, int count, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Storage {Provider}: rollback after a failed commit also failed.")]
    public static partial void RollbackFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Storage {Provider}: a batch of {Count} write(s) hit {SqlState}; committing each write alone to isolate it.")]
    public static partial void BatchIsolated(ILogger logger, string provider, int count, string sqlState);

    [LoggerMessage(5, LogLevel.Warning, "Storage {Provider}: a background checkpoint failed; the writer's own checkpoint still bounds the log.")]
    public static partial void CheckpointFailed(ILogger logger, string provider, Exception exception);
}
