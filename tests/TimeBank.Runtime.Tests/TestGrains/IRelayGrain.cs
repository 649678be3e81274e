using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

/// <summary>A grain that calls other grains from inside its turn, to test bounded and cycle-checked calls.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Calls each grain of <paramref name="path"/> in turn, each calling the next; returns the keys visited.</summary>
    Task<string> RelayAsync(string[] path);

    /// <summary>Waits for <paramref name="gate"/> inside its turn, then relays along <paramref name="path"/>.</summary>
    Task<string> RelayAfterAsync((TaskCompletionSource Gate, string[] Path) arg);

    /// <summary>A turn that ends only when <paramref name="gate"/> completes.</summary>
    Task<string> HoldAsync(TaskCompletionSource gate);
}
