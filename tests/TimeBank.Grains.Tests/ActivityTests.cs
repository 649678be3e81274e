using TimeBank.Contracts.V1;
using TimeBank.Grains.Activities;
using TimeBank.Grains.Volunteers;
using TimeBank.Testing;
using ActivityStatus = TimeBank.Grains.Activities.ActivityStatus;
using SignUpStatus = TimeBank.Grains.Activities.SignUpStatus;

namespace TimeBank.Grains.Tests;

public sealed class ActivityTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 20, 9, 0, 0, TimeSpan.Zero);

    private static PublishActivity Publication(int capacity = 3, string community = "riverside", bool open = false) => new(
        TestRequests.NewKey(), community, "elder-care", "Tea with elders", "Bring cups.\nAnd songs.", "Community hall", Start, Start.AddHours(2), 90,
        capacity, Start.AddDays(-1), open);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task An_activity_is_published_once_and_read_back(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var tea = test.Host.GetGrain<IActivityGrain>("tea");

        var published = await tea.PublishActivityAsync(Publication());
        Assert.True(published.Succeeded, published.ToString());
        Assert.True(published.Value.Created);
        Assert.False((await tea.PublishActivityAsync(Publication())).Value!.Created);
        Assert.Equal(ErrorReasons.ActivityIdTaken, (await tea.PublishActivityAsync(Publication(capacity: 4))).Reason());

        await test.RestartAsync();
        var read = (await test.Host.GetGrain<IActivityGrain>("tea").GetActivityAsync()).Value!;
        Assert.Equal(published.Value.Activity, read.Activity);
        Assert.Equal(("Bring cups.\nAnd songs.", ActivityStatus.Open, 3), (read.Activity.Description, read.Activity.Status, read.Activity.Capacity));
        Assert.Equal(ErrorReasons.ActivityNotFound, (await test.Host.GetGrain<IActivityGrain>("nothing").GetActivityAsync()).Reason());
    }

    public static readonly TheoryData<string, string> BadPublications = new()
    {
        { "title", ErrorReasons.InvalidTitle.Code },
        { "description", ErrorReasons.InvalidDescription.Code },
        { "description-control", ErrorReasons.InvalidDescription.Code },
        { "place", ErrorReasons.InvalidPlace.Code },
        { "ends-before-start", ErrorReasons.ActivityTimesInvalid.Code },
        { "no-start", ErrorReasons.ActivityTimesInvalid.Code },
        { "deadline-after-start", ErrorReasons.ActivityTimesInvalid.Code },
        { "minutes-zero", ErrorReasons.MinutesPerVolunteerOutOfRange.Code },
        { "minutes-above-policy", ErrorReasons.MinutesPerVolunteerOutOfRange.Code },
        { "capacity-zero", ErrorReasons.CapacityOutOfRange.Code },
        { "capacity-huge", ErrorReasons.CapacityOutOfRange.Code },
        { "category", ErrorReasons.UnknownCategory.Code },
        { "community", ErrorReasons.CommunityNotFound.Code },
        { "community-id", ErrorReasons.InvalidCommunityId.Code },
        { "request-id", ErrorReasons.InvalidRequestId.Code },
    };

    [Theory]
    [MemberData(nameof(BadPublications))]
    public async Task Bad_publications_are_refused_with_their_reason_and_publish_nothing(string fault, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var good = Publication();
        var bad = fault switch
        {
            "title" => good with { Title = "   " },
            "description" => good with { Description = new string('d', 2_001) },
            "description-control" => good with { Description = "bell\a" },
            "place" => good with { Place = new string('p', 201) },
            "ends-before-start" => good with { EndsAt = Start.AddMinutes(-1) },
            "no-start" => good with { StartsAt = default },
            "deadline-after-start" => good with { SignUpDeadline = Start.AddMinutes(1) },
            "minutes-zero" => good with { MinutesPerVolunteer = 0 },
            "minutes-above-policy" => good with { MinutesPerVolunteer = 1_441 },
            "capacity-zero" => good with { Capacity = 0 },
            "capacity-huge" => good with { Capacity = 100_001 },
            "category" => good with { Category = "knitting" },
            "community" => good with { CommunityId = "atlantis" },
            "community-id" => good with { CommunityId = "bad id" },
            "request-id" => good with { Request = TestRequests.Key("has space") },
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        var tea = test.Host.GetGrain<IActivityGrain>("tea");
        Assert.Equal(expected, (await tea.PublishActivityAsync(bad)).Reason()?.Code);
        Assert.Equal(ErrorReasons.ActivityNotFound, (await tea.GetActivityAsync()).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Places_go_in_arrival_order_then_the_waiting_list_and_a_withdrawal_promotes_the_first_waiting(string provider)
    {
        var clock = new ManualClock(); // 2026-11-22, well before the activity
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var tea = test.Host.GetGrain<IActivityGrain>("tea");
        Assert.True((await tea.PublishActivityAsync(Publication(capacity: 2))).Succeeded);
        foreach (var v in new[] { "ana", "ben", "cai", "dan" })
        {
            await TransferHoursTests.VolunteerAsync(test, v, "riverside");
        }

        Assert.Equal(new SignUpPlace("tea", "ana", SignUpStatus.SignedUp, 0), (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "ana"))).Value);
        Assert.Equal(SignUpStatus.SignedUp, (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "ben"))).Value!.Status);
        Assert.Equal(new SignUpPlace("tea", "cai", SignUpStatus.Waiting, 1), (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "cai"))).Value);
        Assert.Equal(new SignUpPlace("tea", "dan", SignUpStatus.Waiting, 2), (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "dan"))).Value);
        Assert.Equal(new SignUpPlace("tea", "dan", SignUpStatus.Waiting, 2), (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "dan"))).Value); // again: where dan stands

        Assert.Equal(new Withdrawal("tea", "ana", "cai"), (await tea.WithdrawAsync(new Withdraw(TestRequests.NewKey(), "ana"))).Value);
        Assert.Equal(new Withdrawal("tea", "dan", ""), (await tea.WithdrawAsync(new Withdraw(TestRequests.NewKey(), "dan"))).Value);
        Assert.Equal(ErrorReasons.NotSignedUp, (await tea.WithdrawAsync(new Withdraw(TestRequests.NewKey(), "dan"))).Reason());

        await test.RestartAsync();
        tea = test.Host.GetGrain<IActivityGrain>("tea");
        var details = (await tea.GetActivityAsync()).Value!;
        Assert.Equal(["ben", "cai"], details.SignedUpVolunteerIds);
        Assert.Empty(details.WaitingVolunteerIds);

        clock.Advance(Start.AddDays(-1).AddMinutes(1) - clock.GetUtcNow());
        Assert.Equal(ErrorReasons.SignUpClosed, (await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "ana"))).Reason());
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ErrorReasons.ActivityStarted, (await tea.WithdrawAsync(new Withdraw(TestRequests.NewKey(), "ben"))).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Sign_ups_are_refused_for_cancelled_activities_closed_communities_and_unknown_volunteers(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider, clock: new ManualClock());
        var local = test.Host.GetGrain<IActivityGrain>("local");
        var open = test.Host.GetGrain<IActivityGrain>("open");
        Assert.True((await local.PublishActivityAsync(Publication())).Succeeded);
        Assert.True((await open.PublishActivityAsync(Publication(open: true))).Succeeded);
        await TransferHoursTests.VolunteerAsync(test, "eve", "hillside");

        Assert.Equal(ErrorReasons.NotOpenToCommunity, (await local.SignUpAsync(new SignUp(TestRequests.NewKey(), "eve"))).Reason());
        Assert.Equal(SignUpStatus.SignedUp, (await open.SignUpAsync(new SignUp(TestRequests.NewKey(), "eve"))).Value!.Status);
        Assert.Equal(ErrorReasons.VolunteerNotFound, (await local.SignUpAsync(new SignUp(TestRequests.NewKey(), "ghost"))).Reason());
        Assert.Equal(ErrorReasons.InvalidVolunteerId, (await local.SignUpAsync(new SignUp(TestRequests.NewKey(), "bad id"))).Reason());
        Assert.Equal(ErrorReasons.ActivityNotFound, (await test.Host.GetGrain<IActivityGrain>("none").SignUpAsync(new SignUp(TestRequests.NewKey(), "eve"))).Reason());

        var cancelled = await open.CancelActivityAsync(new CancelActivity(TestRequests.NewKey(), "rain"));
        Assert.Equal(ActivityStatus.Cancelled, cancelled.Value!.Activity.Status);
        Assert.Equal(ActivityStatus.Cancelled, (await open.CancelActivityAsync(new CancelActivity(TestRequests.NewKey()))).Value!.Activity.Status);
        await TransferHoursTests.VolunteerAsync(test, "fay", "hillside");
        Assert.Equal(ErrorReasons.ActivityCancelled, (await open.SignUpAsync(new SignUp(TestRequests.NewKey(), "fay"))).Reason());
        Assert.Equal(ErrorReasons.InvalidReason, (await local.CancelActivityAsync(new CancelActivity(TestRequests.NewKey(), new string('r', 201)))).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_thousand_concurrent_sign_ups_for_fifty_places_fill_them_exactly_and_queue_the_rest_in_arrival_order(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider, clock: new ManualClock());
        var tea = test.Host.GetGrain<IActivityGrain>("tea");
        Assert.True((await tea.PublishActivityAsync(Publication(capacity: 50))).Succeeded);
        var volunteers = Enumerable.Range(0, 1_000).Select(i => $"v{i:D4}").ToArray();
        await Task.WhenAll(volunteers.Select(v => test.Host.GetGrain<IVolunteerGrain>(v).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), v, "riverside"))));

        var answers = await Task.WhenAll(volunteers.Select(v => Task.Run(() => tea.SignUpAsync(new SignUp(TestRequests.NewKey(), v)), TestContext.Current.CancellationToken)));

        var details = (await tea.GetActivityAsync()).Value!;
        Assert.Equal(50, details.SignedUpVolunteerIds.Count);
        Assert.Equal(950, details.WaitingVolunteerIds.Count);
        Assert.Equal(1_000, details.SignedUpVolunteerIds.Concat(details.WaitingVolunteerIds).Distinct().Count());
        foreach (var answer in answers.Select(a => a.Value!))
        {
            // Each answer says where its volunteer landed, and the lists are the order they were served in.
            Assert.Equal(answer.Status == SignUpStatus.SignedUp, details.SignedUpVolunteerIds.Contains(answer.VolunteerId));
            if (answer.Status == SignUpStatus.Waiting)
            {
                Assert.Equal(answer.VolunteerId, details.WaitingVolunteerIds[answer.WaitingPosition - 1]);
            }
        }

        var leaving = details.SignedUpVolunteerIds.Take(10).ToArray();
        var promoted = new List<string>();
        foreach (var v in leaving)
        {
            promoted.Add((await tea.WithdrawAsync(new Withdraw(TestRequests.NewKey(), v))).Value!.PromotedVolunteerId);
        }

        Assert.Equal(details.WaitingVolunteerIds.Take(10), promoted);
        var after = (await tea.GetActivityAsync()).Value!;
        Assert.Equal(details.SignedUpVolunteerIds.Skip(10).Concat(promoted), after.SignedUpVolunteerIds);
        Assert.Equal(details.WaitingVolunteerIds.Skip(10), after.WaitingVolunteerIds);
    }
}
