using TimeBank.Runtime;
using TimeBank.Storage;

namespace TimeBank.Grains.Internal;

/// <summary>What a saga driver (a transfer, a reversal, a sale, a refund) does when one of its steps throws.</summary>
internal static class SagaSteps
{
    /// <summary>
    /// True when the step is to be asked again later, the saga staying under way: its outcome is unknown (the
    /// call timed out), it could not be asked now (a call cycle), or nothing of it was stored because it was
    /// decided on a copy that is behind another process's (its answer, refusals included, is written against
    /// the state version it was decided on, and that copy now reloads). Every step is keyed, so asking again
    /// never makes one twice.
    /// </summary>
    public static bool AskAgainLater(Exception e) => e is GrainCallTimeoutException or GrainCallCycleException or StaleStateException;
}
