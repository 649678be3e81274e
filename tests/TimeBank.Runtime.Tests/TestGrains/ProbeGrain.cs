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

public sealed class ProbeGrainReference(GrainReferenceContext context) : GrainReference(context), IProbeGrain
{
    public Task<bool> ExistsAsync() => InvokeAsync(static (IProbeGrain g, byte _) => g.ExistsAsync(), (byte)0);

    public Task<long> CreateAsync() => InvokeAsync(static (IProbeGrain g, byte _) => g.CreateAsync(), (byte)0);
}
