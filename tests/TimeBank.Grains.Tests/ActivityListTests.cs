using TimeBank.Contracts.V1;
using TimeBank.Grains.Activities;
using ActivityListing = TimeBank.Grains.Activities.ActivityListing;
using ActivityStatus = TimeBank.Grains.Activities.ActivityStatus;

namespace TimeBank.Grains.Tests;

public sealed class ActivityListTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 21, 9, 0, 0, TimeSpan.Zero);

    private static PublishActivity Publication(string category, int day, string community = "riverside") => new(
        TestRequests.NewKey(), community, category, $"Activity {category} {day}", "", "Hall", Monday.AddDays(day), Monday.AddDays(day).AddHours(2), 60, 10,
        Monday.AddDays(day - 1), false);

    private static async Task PublishAsync(GrainTestHost test, string id, PublishActivity publication)
        => Assert.True((await test.Host.GetGrain<IActivityGrain>(id).PublishActivityAsync(publication)).Succeeded);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_communitys_activities_list_by_start_with_filters_and_pages(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await PublishAsync(test, "c-wed", Publication("culture", 2));
        await PublishAsync(test, "e-mon", Publication("environment", 0));
        await PublishAsync(test, "c-mon", Publication("culture", 0));
        await PublishAsync(test, "y-fri", Publication("youth", 4));
        await PublishAsync(test, "elsewhere", Publication("culture", 1, community: "hillside"));
        Assert.True((await test.Host.GetGrain<IActivityGrain>("y-fri").CancelActivityAsync(new CancelActivity(TestRequests.NewKey()))).Succeeded);

        await test.RestartAsync();
        var list = test.Host.GetGrain<IActivityDirectoryGrain>("riverside");
        async Task<string[]> IdsAsync(ListActivities query) => (await list.ListActivitiesAsync(query)).Value!.Activities.Select(a => a.ActivityId).ToArray();

        Assert.Equal(["c-mon", "e-mon", "c-wed", "y-fri"], await IdsAsync(new ListActivities()));
        Assert.Equal(["c-mon", "c-wed"], await IdsAsync(new ListActivities(Category: "culture")));
        Assert.Equal(["y-fri"], await IdsAsync(new ListActivities(Status: ActivityStatus.Cancelled)));
        Assert.Equal(["c-wed"], await IdsAsync(new ListActivities(FromTime: Monday.AddDays(1), ToTime: Monday.AddDays(3))));

        var first = (await list.ListActivitiesAsync(new ListActivities(PageSize: 3))).Value!;
        var second = (await list.ListActivitiesAsync(new ListActivities(PageSize: 3, PageToken: first.NextPageToken))).Value!;
        Assert.Equal(["c-mon", "e-mon", "c-wed", "y-fri"], first.Activities.Concat(second.Activities).Select(a => a.ActivityId));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(new ActivityListing("y-fri", "youth", "Activity youth 4", Monday.AddDays(4), Monday.AddDays(4).AddHours(2), ActivityStatus.Cancelled, false), second.Activities[0]);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_publication_whose_report_was_cut_off_reaches_the_list_from_the_reminder(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = s => s == "activity.stored" ? throw new InvalidOperationException("crash") : Task.CompletedTask });
        await PublishAsync(test, "tea", Publication("elder-care", 0));
        Assert.Empty((await test.Host.GetGrain<IActivityDirectoryGrain>("riverside").ListActivitiesAsync(new ListActivities())).Value!.Activities);

        await test.RestartAsync();
        await TransferHoursTests.WaitUntilAsync(async () =>
            (await test.Host.GetGrain<IActivityDirectoryGrain>("riverside").ListActivitiesAsync(new ListActivities())).Value!.Activities.Count == 1);
    }

    public static readonly TheoryData<string, string> BadQueries = new()
    {
        { "page-size", ErrorReasons.InvalidPage.Code },
        { "token", ErrorReasons.InvalidPage.Code },
        { "range", ErrorReasons.InvalidTimeRange.Code },
        { "community", ErrorReasons.CommunityNotFound.Code },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_queries_are_refused_with_their_reason(string fault, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        await PublishAsync(test, "tea", Publication("elder-care", 0));
        var (community, query) = fault switch
        {
            "page-size" => ("riverside", new ListActivities(PageSize: 501)),
            "token" => ("riverside", new ListActivities(PageToken: "garbage")),
            "range" => ("riverside", new ListActivities(FromTime: Monday, ToTime: Monday)),
            _ => ("atlantis", new ListActivities()),
        };

        Assert.Equal(expected, (await test.Host.GetGrain<IActivityDirectoryGrain>(community).ListActivitiesAsync(query)).Reason()?.Code);
    }
}
