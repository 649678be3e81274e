using System.Diagnostics;
using System.Globalization;
using TimeBank.Grains;
using TimeBank.Grains.Activities;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Benchmarks;

/// <summary>
/// A confirmation of <c>--attendees</c> volunteers (default 500), end to end and durable: one
/// <c>ConfirmAttendance</c> call through the grain host, from the call to its answer, which comes after the
/// confirmation is recorded, every attendee's deposit is committed on its volunteer and the credits are
/// marked. As a baseline in the same run, one plain deposit for each attendee, all sent at once (the credits
/// without the activity's bookkeeping). Each round starts on fresh storage: an activity, its attendees registered and signed up, the
/// clock moved past the start, then the timed call. Every round ends by checking each attendee's balance.
/// </summary>
internal static class AttendanceConfirmation
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var attendees = IntOption(args, "--attendees", 500);
        var rounds = IntOption(args, "--rounds", 3);
        var postgres = StringOption(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES");
        var providers = (StringOption(args, "--providers") ?? "sqlite,postgres").Split(',');
        output.WriteLine($"attendance confirmation: {attendees} attendees, {rounds} rounds per storage, {Environment.ProcessorCount} cores");
        foreach (var provider in providers)
        {
            if (provider == "postgres" && string.IsNullOrEmpty(postgres))
            {
                output.WriteLine("postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                continue;
            }

            var times = new List<(double Confirm, double Deposits)>();
            for (var round = 0; round < rounds; round++)
            {
                times.Add(await MeasureAsync(provider, postgres, attendees));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider}: confirmation {string.Join(" / ", times.Select(t => $"{t.Confirm:F0}"))} ms; baseline, the same {attendees} volunteers' plain deposits sent at once: "
                + $"{string.Join(" / ", times.Select(t => $"{t.Deposits:F0}"))} ms; ratio {string.Join(" / ", times.Select(t => $"{t.Confirm / t.Deposits:F2}"))}"));
        }

        return 0;
    }

    /// <summary>The confirmation's time, and as its baseline in the same run on the same storage, the time of one plain deposit for each attendee, all sent at once.</summary>
    private static async Task<(double Confirm, double Deposits)> MeasureAsync(string provider, string? postgres, int count)
    {
        var clock = new MovableClock();
        await using var storage = await DurableDeposits.OpenAsync(provider, postgres, maxBatchSize: 256, TimeSpan.Zero);
        await using var host = new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero }, clock)
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = 10 });
        var key = 0;
        RequestKey Key() => new("bench", $"r{++key}");
        await host.GetGrain<ICommunityGrain>("riverside").CreateCommunityAsync(new CreateCommunity(Key(), "Riverside", Policy: null));
        var start = clock.GetUtcNow().AddDays(1);
        var activity = host.GetGrain<IActivityGrain>("river-cleanup");
        await activity.PublishActivityAsync(new PublishActivity(
            Key(), "riverside", "environment", "River clean-up", "", "East bank", start, start.AddHours(3), 120, count, start.AddHours(-1), false));
        var volunteers = Enumerable.Range(0, count).Select(i => $"v{i}").ToArray();
        await Task.WhenAll(volunteers.Select((v, i) => host.GetGrain<IVolunteerGrain>(v).RegisterVolunteerAsync(new RegisterVolunteer(new RequestKey("bench", $"reg-{i}"), v, "riverside"))));
        foreach (var v in volunteers)
        {
            await activity.SignUpAsync(new SignUp(Key(), v));
        }

        clock.MoveTo(start.AddHours(3));
        var command = new ConfirmAttendance(Key(), volunteers.Select(v => new AttendanceEntry(v, 120)).ToArray());
        var timer = Stopwatch.StartNew();
        var confirmed = await activity.ConfirmAttendanceAsync(command);
        var elapsed = timer.Elapsed.TotalMilliseconds;
        if (!confirmed.Succeeded || confirmed.Value.Credited.Count != count)
        {
            throw new InvalidOperationException($"The confirmation did not complete: {confirmed}");
        }

        foreach (var v in volunteers)
        {
            if ((await host.GetGrain<IVolunteerGrain>(v).GetBalanceAsync()).Value!.HoursMinutes != 120)
            {
                throw new InvalidOperationException($"{v} was not credited exactly 120 minutes.");
            }
        }

        timer.Restart();
        await Task.WhenAll(volunteers.Select(v => host.GetGrain<IVolunteerGrain>(v).DepositHoursAsync(new DepositHours(new RequestKey("bench", $"baseline-{v}"), "park", 120))));
        return (elapsed, timer.Elapsed.TotalMilliseconds);
    }

    private static int IntOption(string[] args, string name, int fallback)
        => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string? StringOption(string[] args, string name)
        => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    /// <summary>The system clock, moved forward when told (past an activity's start without waiting a day).</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

        public void MoveTo(DateTimeOffset when) => _offset += when - GetUtcNow();
    }
}
