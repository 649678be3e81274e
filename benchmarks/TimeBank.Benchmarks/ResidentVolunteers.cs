using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using TimeBank.Grains;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.InMemory;

namespace TimeBank.Benchmarks;

/// <summary>
/// Resident bytes per active volunteer: a million volunteers' states are put in in-memory storage (as a
/// database would hold them: registered, with a deposit's balances), then each volunteer is activated by a
/// GetBalance and the reference dropped; a full GC before and after, and the growth of the managed heap divided
/// by the count is what an active volunteer costs the server (its activation, its state object, its key, the
/// directory's entry). Storage's own bytes are in the "before".
/// </summary>
/// <remarks><c>--resident-volunteers [--count 1000000]</c>.</remarks>
internal static class ResidentVolunteers
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var index = Array.IndexOf(args, "--count");
        var count = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 1_000_000;
        var storage = new InMemoryGrainStorage();
        var serializer = new JsonGrainStateSerializer();
        var clock = Stopwatch.StartNew();
        for (var v = 0; v < count; v++)
        {
            var state = new VolunteerState
            {
                DisplayName = $"Volunteer {v}",
                CommunityId = "riverside",
                RegisteredAt = DateTimeOffset.UnixEpoch.AddDays(20_000),
                Hours = new AccountBalance { CreditsPosted = 90 },
                Points = new AccountBalance { CreditsPosted = 15 },
                JournalSequence = 2,
                JournalHash = new byte[32],
            };
            await storage.WriteStateAsync(new StateWrite(Key(v), 0, serializer.Serialize(state), StateWrite.NoJournal));
        }

        output.WriteLine($"resident volunteers: {count:N0} volunteer states stored in {clock.Elapsed.TotalSeconds:F1} s");
        await using var host = new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ReminderPollInterval = TimeSpan.Zero })
            .AddTimeBankGrains(new TimeBankGrainOptions());
        await ActivateAsync(host, 1_000); // warm-up: JIT and type loading outside the measurement
        var before = GC.GetTotalMemory(forceFullCollection: true);
        clock.Restart();
        await ActivateAsync(host, count);
        var elapsed = clock.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var active = host.ActivationCount;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resident volunteers: {active:N0} activations after {count:N0} GetBalance calls in {elapsed.TotalSeconds:F1} s; managed heap {before / 1048576.0:F0} MiB -> {after / 1048576.0:F0} MiB: {(after - before) / (double)(count - 1_000):F0} bytes per active volunteer; process working set {Environment.WorkingSet / 1048576.0:F0} MiB"));
        return active >= count ? 0 : 1;
    }

    private static string Key(int v) => $"{VolunteerGrain.TypeName}/v{v:D7}";

    /// <summary>Not inlined, so no reference to a grain outlives it on the caller's frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task ActivateAsync(GrainHost host, int count)
    {
        for (var v = 0; v < count; v++)
        {
            var balance = await host.GetGrain<IVolunteerGrain>($"v{v:D7}").GetBalanceAsync();
            if (!balance.Succeeded)
            {
                throw new InvalidOperationException($"v{v:D7}: {balance.Failure}");
            }
        }
    }
}
