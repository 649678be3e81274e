using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<string> RelayAsync(string[] path)
    {
        if (path.Length == 0)
        {
            return GrainId.Key;
        }

        var rest = await GrainFactory.GetGrain<IRelayGrain>(path[0]).RelayAsync(path[1..]);
        return $"{GrainId.Key}>{rest}";
    }

    public async Task<string> RelayAfterAsync((TaskCompletionSource Gate, string[] Path) arg)
    {
        await arg.Gate.Task;
        return await RelayAsync(arg.Path);
    }

    public async Task<string> HoldAsync(TaskCompletionSource gate)
    {
        await gate.Task;
        return GrainId.Key;
    }
}
