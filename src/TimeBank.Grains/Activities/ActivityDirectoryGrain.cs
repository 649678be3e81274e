using System.Globalization;
using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Activities;

/// <summary>
/// A community's activity list. Kept whole in memory (a pilot's twenty thousand activities a year are a few
/// megabytes) and sorted at read time by start time, then id, which is also what a page token names.
/// </summary>
public sealed class ActivityDirectoryGrain : TimeBankGrain<ActivityDirectoryState>, IActivityDirectoryGrain
{
    public const string TypeName = "activity-directory";

    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    public async Task<Result<ActivityList>> ListActivitiesAsync(ListActivities query)
    {
        if (!StateExists && await GrainFactory.GetGrain<Communities.ICommunityGrain>(GrainId.Key).GetPolicyAsync() is { Succeeded: false } missing)
        {
            return missing.Failure; // no list yet: say so only when the community itself does not exist
        }

        return List(query);
    }

    private Result<ActivityList> List(ListActivities query)
    {
        if (query.PageSize is < 0 or > MaxPageSize)
        {
            return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_size"), ("rule", $"0 to {MaxPageSize}; got {query.PageSize}"));
        }

        (long Ticks, string Id)? after = null;
        if (query.PageToken.Length > 0)
        {
            if (ParseToken(query.PageToken) is not { } parsed)
            {
                return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_token"), ("rule", "not a token this RPC returned"));
            }

            after = parsed;
        }

        if (query.FromTime is { } from && query.ToTime is { } to && from >= to)
        {
            return Failure.Of(ErrorReasons.InvalidTimeRange, ("from", from.ToString("O")), ("to", to.ToString("O")));
        }

        var size = query.PageSize == 0 ? DefaultPageSize : query.PageSize;
        var matching = State.Activities.Values.Select(a => a.Listing)
            .Where(a => query.Category.Length == 0 || a.Category == query.Category)
            .Where(a => query.Status is not { } status || a.Status == status)
            .Where(a => query.FromTime is not { } from || a.StartsAt >= from)
            .Where(a => query.ToTime is not { } to || a.StartsAt < to)
            .Where(a => after is not { } last || a.StartsAt.UtcTicks > last.Ticks || (a.StartsAt.UtcTicks == last.Ticks && string.CompareOrdinal(a.ActivityId, last.Id) > 0))
            .OrderBy(a => a.StartsAt.UtcTicks).ThenBy(a => a.ActivityId, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        var next = matching.Count > size ? Token(matching[size - 1]) : "";
        return new ActivityList(matching.Take(size).ToArray(), next);
    }

    public async Task<Result<ActivityListing>> RecordListingAsync(RecordListing command)
        => await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<ActivityListing> (c, changes) =>
        {
            if (State.Activities.GetValueOrDefault(c.Listing.ActivityId) is { } kept && kept.Version >= c.Version)
            {
                return kept.Listing; // a late or repeated report: the newer one stays
            }

            State.Activities[c.Listing.ActivityId] = new ListedActivity(c.Listing, c.Version);
            changes.StateWasChanged();
            return c.Listing;
        });

    private static string Token(ActivityListing last) => string.Create(CultureInfo.InvariantCulture, $"{last.StartsAt.UtcTicks}.{last.ActivityId}");

    private static (long Ticks, string Id)? ParseToken(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && Identifiers.IsValidId(token[(dot + 1)..])
            ? (ticks, token[(dot + 1)..])
            : null;
    }
}
