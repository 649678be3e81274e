using TimeBank.Contracts.V1;
using TimeBank.Ledger;

namespace TimeBank.Grains.Communities;

/// <summary>The policy's defaults and limits, in one place.</summary>
public static class CommunityPolicies
{
    /// <summary>The categories every community has, from the pilots.</summary>
    public static readonly IReadOnlyList<string> DefaultCategories = ["elder-care", "culture", "environment", "self-governance", "youth"];

    public const int MaxOwnCategories = 50;
    public const int MaxCategoryLength = 64;
    public const long MaxHoursCreditLimitMinutes = 30 * 24 * 60;
    public static readonly TimeSpan MinHoldExpiry = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxHoldExpiry = TimeSpan.FromDays(30);
    public static readonly TimeSpan DefaultHoldExpiry = TimeSpan.FromMinutes(15);

    public static PolicySettings Default(long pointsPerHour) => new(pointsPerHour, [], Amounts.MaxMinutesPerDeposit, 0, DefaultHoldExpiry);

    /// <summary>The defaults followed by the community's own categories.</summary>
    public static string[] AllCategories(PolicySettings policy) => [.. DefaultCategories, .. policy.Categories];

    /// <summary>Categories: 1-64 of a-z 0-9 -, starting with a letter or digit.</summary>
    public static bool IsValidCategory(string? value)
        => !string.IsNullOrEmpty(value) && value.Length <= MaxCategoryLength && char.IsAsciiLetterOrDigit(value[0])
           && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>The first thing wrong with a policy, or null; the own categories repeat no default.</summary>
    public static Failure? Validate(PolicySettings policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.PointsPerHour is < 0 or > Amounts.MaxPointsPerHour)
        {
            return Failure.Of(ErrorReasons.PointsPerHourOutOfRange, ("value", policy.PointsPerHour), ("max", Amounts.MaxPointsPerHour));
        }

        if (policy.Categories.Length > MaxOwnCategories)
        {
            return Failure.Of(ErrorReasons.TooManyCategories, ("count", policy.Categories.Length), ("max", MaxOwnCategories));
        }

        var seen = new HashSet<string>(DefaultCategories, StringComparer.Ordinal);
        foreach (var category in policy.Categories)
        {
            if (!IsValidCategory(category))
            {
                return Failure.Of(ErrorReasons.InvalidCategory, ("value", category), ("problem", "not 1-64 of a-z 0-9 -"));
            }

            if (!seen.Add(category))
            {
                return Failure.Of(ErrorReasons.InvalidCategory, ("value", category), ("problem", "listed twice, or a default category"));
            }
        }

        if (policy.MaxMinutesPerDeposit is < 1 or > Amounts.MaxMinutesPerDeposit)
        {
            return Failure.Of(ErrorReasons.MaxMinutesOutOfRange, ("value", policy.MaxMinutesPerDeposit), ("max", Amounts.MaxMinutesPerDeposit));
        }

        if (policy.HoursCreditLimitMinutes is < 0 or > MaxHoursCreditLimitMinutes)
        {
            return Failure.Of(ErrorReasons.CreditLimitOutOfRange, ("value", policy.HoursCreditLimitMinutes), ("max", MaxHoursCreditLimitMinutes));
        }

        return policy.HoldExpiry < MinHoldExpiry || policy.HoldExpiry > MaxHoldExpiry
            ? Failure.Of(ErrorReasons.HoldExpiryOutOfRange, ("value", policy.HoldExpiry))
            : null;
    }
}
