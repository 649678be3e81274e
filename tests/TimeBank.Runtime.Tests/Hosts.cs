using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage;

namespace TimeBank.Runtime.Tests;

internal static class Hosts
{
    /// <summary>A host with the counter grain; no collection timer unless asked, so tests decide when.</summary>
    public static GrainHost Create(IGrainStorage storage, TimeProvider? clock = null, GrainHostOptions? options = null, DeactivationLog? deactivations = null)
    {
        var host = new GrainHost(storage, options ?? new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ReminderPollInterval = TimeSpan.Zero }, clock);
        host.AddGrainType<ICounterGrain>("counter", () => new CounterGrain(deactivations));
        host.AddGrainType<IRelayGrain>("relay", () => new RelayGrain());
        host.AddGrainType<IProbeGrain>("probe", () => new ProbeGrain());
        host.AddGrainType<IAlarmGrain>("alarm", () => new AlarmGrain());
        return host;
    }
}
