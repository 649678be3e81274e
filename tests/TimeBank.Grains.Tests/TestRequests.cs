using TimeBank.Contracts.V1;

namespace TimeBank.Grains.Tests;

/// <summary>Request keys for grain tests: one calling key unless a test says otherwise.</summary>
internal static class TestRequests
{
    public const string CallerKeyId = "test-key";

    public static RequestKey Key(string requestId, string callerKeyId = CallerKeyId) => new(callerKeyId, requestId);

    /// <summary>A request key never used before, for calls whose request id does not matter to the test.</summary>
    public static RequestKey NewKey() => new(CallerKeyId, Guid.NewGuid().ToString("N"));

    public static ErrorReason? Reason<T>(this Result<T> result)
        where T : class
        => result.Failure?.Reason;
}
