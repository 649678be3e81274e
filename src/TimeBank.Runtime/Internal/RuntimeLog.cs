using Microsoft.Extensions.Logging;

namespace TimeBank.Runtime.Internal;

internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Activation of {GrainId} failed; its queued calls get the error.")]
    public static partial void ActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Activation of {GrainId} discarded after a failed state write; {Redirected} queued call(s) go to a fresh activation.")]
    public static partial void Discarded(ILogger logger, GrainId grainId, int redirected);

    [LoggerMessage(3, LogLevel.Warning, "Deactivation of {GrainId} threw; the activation is gone all the same.")]
    public static partial void DeactivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Collected {Count} idle activation(s).")]
    public static partial void Collected(ILogger logger, int count);

    [LoggerMessage(5, LogLevel.Error, "Idle collection failed.")]
    public static partial void CollectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Grain call refused: it would wait on itself ({Cycle}).")]
    public static partial void CycleRefused(ILogger logger, string cycle);

    [LoggerMessage(7, LogLevel.Warning, "A reminder of {GrainId} failed; it stays due and comes again.")]
    public static partial void ReminderFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Looking for due reminders failed; the next poll tries again.")]
    public static partial void ReminderPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "A reminder is due for {GrainId}, whose grain type is not registered here.")]
    public static partial void ReminderForUnknownGrain(ILogger logger, string grainId);
}
