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

        var first = await ana.RegisterAsync(new RegisterVolunteer("  Ana Li ", "riverside"));
        Assert.Equal(RegisterVolunteerStatus.Registered, first.Status);
        Assert.Equal("Ana Li", first.Volunteer!.DisplayName);

        var again = await ana.RegisterAsync(new RegisterVolunteer("Ana Li", "riverside"));
        Assert.Equal(RegisterVolunteerStatus.AlreadyRegistered, again.Status);
        Assert.Equal(first.Volunteer, again.Volunteer);

        Assert.Equal(RegisterVolunteerStatus.VolunteerIdTaken, (await ana.RegisterAsync(new RegisterVolunteer("Someone Else", "riverside"))).Status);
        Assert.Equal(RegisterVolunteerStatus.VolunteerIdTaken, (await ana.RegisterAsync(new RegisterVolunteer("Ana Li", "hillside"))).Status);

        await test.RestartAsync();
        var afterRestart = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterAsync(new RegisterVolunteer("Ana Li", "riverside"));
        Assert.Equal(RegisterVolunteerStatus.AlreadyRegistered, afterRestart.Status);
        Assert.Equal(first.Volunteer, afterRestart.Volunteer);
    }

    public static readonly TheoryData<string, string, string, string, RegisterVolunteerStatus> BadRegistrations = GrainTestHost.OnEveryProvider(
        ("ana", "", "riverside", RegisterVolunteerStatus.InvalidDisplayName),
        ("ana", "   ", "riverside", RegisterVolunteerStatus.InvalidDisplayName),
        ("ana", "Ana\u0000", "riverside", RegisterVolunteerStatus.InvalidDisplayName),
        ("ana", "Ana", "", RegisterVolunteerStatus.InvalidCommunityId),
        ("ana", "Ana", "river side", RegisterVolunteerStatus.InvalidCommunityId),
        ("ana", "Ana", "community/x", RegisterVolunteerStatus.InvalidCommunityId),
        ("-ana", "Ana", "riverside", RegisterVolunteerStatus.InvalidVolunteerId),
        ("ana/../x", "Ana", "riverside", RegisterVolunteerStatus.InvalidVolunteerId));

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registrations_are_refused_with_their_reason_and_store_nothing(string provider, string id, string name, string community, RegisterVolunteerStatus expected)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>(id).RegisterAsync(new RegisterVolunteer(name, community));

        Assert.Equal(expected, result.Status);
        Assert.Null(result.Volunteer);
        Assert.Null(await test.Storage.ReadStateAsync($"volunteer/{id}", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_name_of_201_characters_is_refused_and_200_accepted(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        Assert.Equal(RegisterVolunteerStatus.InvalidDisplayName, (await test.Host.GetGrain<IVolunteerGrain>("a").RegisterAsync(new RegisterVolunteer(new string('x', 201), "c"))).Status);
        Assert.Equal(RegisterVolunteerStatus.Registered, (await test.Host.GetGrain<IVolunteerGrain>("a").RegisterAsync(new RegisterVolunteer(new string('x', 200), "c"))).Status);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Asking_for_an_unregistered_balance_says_not_found_and_writes_nothing(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>("ghost").GetBalanceAsync();

        Assert.Equal(GetBalanceStatus.VolunteerNotFound, result.Status);
        Assert.Null(await test.Storage.ReadStateAsync("volunteer/ghost", TestContext.Current.CancellationToken));
    }
}
