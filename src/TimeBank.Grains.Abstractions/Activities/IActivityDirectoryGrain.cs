using TimeBank.Runtime;

namespace TimeBank.Grains.Activities;

/// <summary>
/// A community's list of its activities, keyed by community id: what ListActivities reads. Each activity
/// reports itself here after each change of its own; a report carries the activity's listing version, so a
/// late or repeated one never undoes a newer one.
/// </summary>
public interface IActivityDirectoryGrain : IGrainWithStringKey
{
    Task<Result<ActivityList>> ListActivitiesAsync(ListActivities query);

    /// <summary>An activity's report of itself; called by the activity's grain only.</summary>
    Task<Result<ActivityListing>> RecordListingAsync(RecordListing command);
}

/// <param name="PageSize">1-500; 0 means 50.</param>
/// <param name="PageToken">Empty for the first page; else the previous page's <see cref="ActivityList.NextPageToken"/>.</param>
/// <param name="Category">Empty for every category.</param>
/// <param name="FromTime">Activities starting at or after this time; null for no bound.</param>
/// <param name="ToTime">Activities starting before this time; null for no bound.</param>
/// <param name="Status">Null for every status.</param>
public sealed record ListActivities(
    int PageSize = 0, string PageToken = "", string Category = "", DateTimeOffset? FromTime = null, DateTimeOffset? ToTime = null, ActivityStatus? Status = null);

/// <param name="Version">The activity's listing version: a report older than the one kept is ignored.</param>
public sealed record RecordListing(RequestKey Request, ActivityListing Listing, long Version);

public sealed record ActivityListing(
    string ActivityId, string Category, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, ActivityStatus Status, bool OpenToOtherCommunities);

public sealed record ActivityList(IReadOnlyList<ActivityListing> Activities, string NextPageToken);
