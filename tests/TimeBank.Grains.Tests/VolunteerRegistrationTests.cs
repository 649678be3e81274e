using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;

namespace TimeBank.Grains.Tests;

public sealed class VolunteerRegistrationTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Registering_twice_alike_changes_nothing_and_differently_is_refused(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");

        var first = await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "  Ana Li ", "riverside"));
        Assert.True(first.Succeeded);
        Assert.True(first.Value.Created);
        Assert.Equal("Ana Li", first.Value.Volunteer.DisplayName);

        var again = await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana Li", "riverside"));
        Assert.False(again.Value!.Created);
        Assert.Equal(first.Value.Volunteer, again.Value.Volunteer);

        Assert.Equal(ErrorReasons.VolunteerIdTaken, (await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Someone Else", "riverside"))).Reason());
        Assert.Equal(ErrorReasons.VolunteerIdTaken, (await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana Li", "hillside"))).Reason());

        await test.RestartAsync();
        var afterRestart = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana Li", "riverside"));
        Assert.False(afterRestart.Value!.Created);
        Assert.Equal(first.Value.Volunteer, afterRestart.Value.Volunteer);
    }

    public static readonly TheoryData<string, string, string, string, string> BadRegistrations = GrainTestHost.OnEveryProvider(
        ("ana", "", "riverside", ErrorReasons.InvalidDisplayName.Code),
        ("ana", "   ", "riverside", ErrorReasons.InvalidDisplayName.Code),
        ("ana", "Ana\u0000", "riverside", ErrorReasons.InvalidDisplayName.Code),
        ("ana", "Ana", "", ErrorReasons.InvalidCommunityId.Code),
        ("ana", "Ana", "river side", ErrorReasons.InvalidCommunityId.Code),
        ("ana", "Ana", "community/x", ErrorReasons.InvalidCommunityId.Code),
        ("-ana", "Ana", "riverside", ErrorReasons.InvalidVolunteerId.Code),
        ("ana/../x", "Ana", "riverside", ErrorReasons.InvalidVolunteerId.Code));

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registrations_are_refused_with_their_reason_and_store_nothing(string provider, string id, string name, string community, string expected)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>(id).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), name, community));

        Assert.Equal(expected, result.Reason()?.Code);
        Assert.Null(result.Value);
        Assert.Null(await test.Storage.ReadStateAsync($"volunteer/{id}", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_name_of_201_characters_is_refused_and_200_accepted(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        Assert.Equal(ErrorReasons.InvalidDisplayName, (await test.Host.GetGrain<IVolunteerGrain>("a").RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), new string('x', 201), "c"))).Reason());
        Assert.True((await test.Host.GetGrain<IVolunteerGrain>("a").RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), new string('x', 200), "c"))).Succeeded);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Asking_for_an_unregistered_balance_says_not_found_and_writes_nothing(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>("ghost").GetBalanceAsync();

        Assert.Equal(ErrorReasons.VolunteerNotFound, result.Reason());
        Assert.Null(await test.Storage.ReadStateAsync("volunteer/ghost", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Lookups_of_unregistered_volunteers_keep_no_activation_resident(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana", "riverside"));

        for (var batch = 0; batch < 4; batch++)
        {
            var lookups = Enumerable.Range(batch * 500, 500).Select(async i =>
            {
                var ghost = test.Host.GetGrain<IVolunteerGrain>($"ghost-{i}");
                Assert.Equal(ErrorReasons.VolunteerNotFound, (await ghost.GetBalanceAsync()).Reason());
                Assert.False((await ghost.GetOwnerAsync()).Exists);
                Assert.Equal(ErrorReasons.VolunteerNotFound, (await ghost.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 5))).Reason());
            });
            await Task.WhenAll(lookups);
        }

        for (var i = 0; i < 200 && test.Host.ActivationCount > 1 + GrainTestHost.Communities.Count; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1 + GrainTestHost.Communities.Count, test.Host.ActivationCount); // ana, who is registered, and the communities; none of the 2,000 ghosts
    }
}
