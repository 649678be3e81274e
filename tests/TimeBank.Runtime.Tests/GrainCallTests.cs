using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage.InMemory;

namespace TimeBank.Runtime.Tests;

/// <summary>
/// Calls between grains are bounded: a call that would wait on itself is refused at once, a call that gets
/// no answer times out, and the grains involved stay usable. Nothing here may hang: every wait is bounded.
/// </summary>
public sealed class GrainCallTests
{
    private static readonly TimeSpan NeverLongerThan = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_chain_of_calls_between_grains_answers()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());
        Assert.Equal("a>b>c", await Relay(host, "a").RelayAsync(["b", "c"]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
    }

    public static readonly TheoryData<string, string[], string> Cycles = new()
    {
        { "a", ["a"], "relay/a -> relay/a" },                          // a grain calling itself
        { "a", ["b", "a"], "relay/b -> relay/a -> relay/b" },            // a calls b, b's turn calls a
        { "a", ["b", "c", "a"], "relay/c -> relay/a -> relay/b -> relay/c" }, // three grains
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public async Task A_call_that_would_wait_on_itself_is_refused_at_once_and_the_grains_stay_usable(string first, string[] path, string cycle)
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage(), options: new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ResponseTimeout = TimeSpan.FromMinutes(5) });

        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => Relay(host, first).RelayAsync(path).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));

        Assert.Contains(cycle, error.Message, StringComparison.Ordinal);
        foreach (var key in path.Append(first).Distinct())
        {
            Assert.Equal(key, await Relay(host, key).RelayAsync([]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Two_turns_calling_each_other_at_the_same_moment_end_with_one_refused_never_a_hang()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage(), options: new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ResponseTimeout = TimeSpan.FromMinutes(5) });
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each turn is started by an outside caller and holds until both are in; then each calls the other.
        var fromA = Relay(host, "a").RelayAfterAsync((go, ["b"]));
        var fromB = Relay(host, "b").RelayAfterAsync((go, ["a"]));
        go.SetResult();
        var outcomes = await Task.WhenAll(Outcome(fromA), Outcome(fromB)).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken);

        Assert.Contains("cycle", outcomes);
        Assert.All(outcomes, o => Assert.True(o is "cycle" or "a>b" or "b>a", o));
        Assert.Equal("a", await Relay(host, "a").RelayAsync([]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
        Assert.Equal("b", await Relay(host, "b").RelayAsync([]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_times_out_and_the_callee_goes_on()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage(), options: new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ResponseTimeout = TimeSpan.FromMilliseconds(300) });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Relay(host, "busy").HoldAsync(release); // an outside caller keeps busy's turn open

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => Relay(host, "a").RelayAsync(["busy"]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));

        Assert.Equal(new GrainId("relay", "busy"), error.Target);
        release.SetResult();
        Assert.Equal("busy", await held.WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
        Assert.Equal("a>busy", await Relay(host, "a").RelayAsync(["busy"]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Many_pairs_calling_each_other_both_ways_under_load_all_end_and_stay_usable()
    {
        var long_ = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1";
        var (pairs, rounds) = long_ ? (1_000, 50) : (200, 5);
        await using var host = Hosts.Create(new InMemoryGrainStorage(), options: new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ResponseTimeout = TimeSpan.FromMinutes(5) });

        var counts = new Dictionary<string, int>();
        for (var round = 0; round < rounds; round++)
        {
            var calls = Enumerable.Range(0, pairs).SelectMany(p => new[]
            {
                Outcome(Task.Run(() => Relay(host, $"x{p}").RelayAsync([$"y{p}"]))),
                Outcome(Task.Run(() => Relay(host, $"y{p}").RelayAsync([$"x{p}"]))),
                Outcome(Task.Run(() => Relay(host, $"x{p}").RelayAsync([$"y{p}", $"x{p}"]))), // always a cycle
            });
            foreach (var outcome in await Task.WhenAll(calls).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken))
            {
                var kind = outcome == "cycle" ? "cycle" : outcome.Contains('>', StringComparison.Ordinal) ? "answered" : outcome;
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }

        Assert.Equal(["answered", "cycle"], counts.Keys.Order());
        Assert.True(counts["cycle"] >= pairs * rounds, $"every x->y->x call must be refused: {counts["cycle"]}");
        for (var p = 0; p < pairs; p++)
        {
            Assert.Equal($"x{p}", await Relay(host, $"x{p}").RelayAsync([]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
            Assert.Equal($"y{p}", await Relay(host, $"y{p}").RelayAsync([]).WaitAsync(NeverLongerThan, TestContext.Current.CancellationToken));
        }
    }

    private static IRelayGrain Relay(GrainHost host, string key) => host.GetGrain<IRelayGrain>(key);

    private static async Task<string> Outcome(Task<string> call)
    {
        try
        {
            return await call;
        }
        catch (GrainCallCycleException)
        {
            return "cycle";
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }
}
