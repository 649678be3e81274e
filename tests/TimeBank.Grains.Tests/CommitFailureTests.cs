using TimeBank.Grains.Volunteers;
using TimeBank.Storage;

namespace TimeBank.Grains.Tests;

/// <summary>A commit that fails fails every call in it; their grains reload what the database really holds.</summary>
public sealed class CommitFailureTests
{
    public static readonly TheoryData<string> Databases = ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_failed_commit_fails_every_call_in_it_and_their_grains_reload(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider, lockWait: TimeSpan.FromSeconds(1));
        var volunteers = Enumerable.Range(0, 20).Select(i => test.Host.GetGrain<IVolunteerGrain>($"v{i}")).ToArray();
        foreach (var (volunteer, i) in volunteers.Select((v, i) => (v, i)))
        {
            await volunteer.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), $"V{i}", "riverside"));
            await volunteer.DepositHoursAsync(new DepositHours(TestRequests.Key($"first-{i}"), "act", 30));
        }

        await using (await test.HoldWriteLockAsync())
        {
            // Sent together: they queue into the same blocked commit(s), and every one of them must fail.
            var attempts = volunteers.Select(v => Attempt(v.DepositHoursAsync(new DepositHours(TestRequests.Key($"second-{v}"), "act", 45)))).ToArray();
            Assert.All(await Task.WhenAll(attempts), error => Assert.IsType<StorageUnavailableException>(error));
        }

        foreach (var volunteer in volunteers)
        {
            // Memory had counted 75 minutes; the database holds 30, and so does the reloaded grain.
            Assert.Equal(30, (await volunteer.GetBalanceAsync()).Value!.HoursMinutes);
            var retry = await volunteer.DepositHoursAsync(new DepositHours(TestRequests.Key($"second-{volunteer}"), "act", 45));
            Assert.True(retry.Succeeded, retry.ToString());
            Assert.Equal(75, (await volunteer.GetBalanceAsync()).Value!.HoursMinutes);
        }

        await test.RestartAsync();
        Assert.Equal(75, (await test.Host.GetGrain<IVolunteerGrain>("v7").GetBalanceAsync()).Value!.HoursMinutes);
    }

    private static async Task<Exception?> Attempt(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
