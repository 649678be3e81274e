using TimeBank.Runtime;
using TimeBank.Storage.InMemory;

namespace TimeBank.Benchmarks.Grains;

internal static class BenchmarkHost
{
    /// <summary>A host on in-memory storage with the counter grain registered and idle collection off.</summary>
    public static GrainHost Create()
    {
        var host = new GrainHost(new InMemoryGrainStorage(), new GrainHostOptions { CollectionQuantum = TimeSpan.Zero });
        host.AddGrainType<ICounterGrain>(CounterGrain.TypeName, static () => new CounterGrain());
        return host;
    }
}
