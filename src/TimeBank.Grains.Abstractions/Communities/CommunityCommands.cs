namespace TimeBank.Grains.Communities;

/// <summary>What a community decides for itself.</summary>
/// <param name="PointsPerHour">Points per hour of service, 0 to 10,000.</param>
/// <param name="Categories">The community's own service categories, besides the defaults.</param>
/// <param name="MaxMinutesPerDeposit">Most minutes one deposit may credit, 1 to 1,440.</param>
/// <param name="HoursCreditLimitMinutes">How far below zero a volunteer's hours may go, 0 to 43,200 minutes.</param>
/// <param name="HoldExpiry">How long a hold on points stays before it lapses, 1 minute to 30 days.</param>
public sealed record PolicySettings(long PointsPerHour, string[] Categories, long MaxMinutesPerDeposit, long HoursCreditLimitMinutes, TimeSpan HoldExpiry)
{
    public bool SameAs(PolicySettings other)
        => other is not null && PointsPerHour == other.PointsPerHour && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal)
           && MaxMinutesPerDeposit == other.MaxMinutesPerDeposit && HoursCreditLimitMinutes == other.HoursCreditLimitMinutes && HoldExpiry == other.HoldExpiry;
}

/// <param name="Policy">Null for the server's default policy.</param>
public sealed record CreateCommunity(RequestKey Request, string DisplayName, PolicySettings? Policy);

public sealed record UpdatePolicy(RequestKey Request, PolicySettings Policy);
