using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

/// <summary>A stateful grain that writes only when asked: looking one up leaves nothing stored.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task<bool> ExistsAsync();

    Task<long> CreateAsync();
}

public sealed class ProbeState
{
    public long Created { get; set; }
}

public sealed class ProbeGrain : Grain<ProbeState>, IProbeGrain
{
    public Task<bool> ExistsAsync() => Task.FromResult(StateExists);

    public async Task<long> CreateAsync()
    {
        State.Created++;
        await WriteStateAsync();
        return State.Created;
    }
}
