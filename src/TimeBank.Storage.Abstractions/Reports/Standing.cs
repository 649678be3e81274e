namespace TimeBank.Storage.Reports;

/// <summary>
/// A grain's standing in its scope's rankings (a volunteer's minutes in their community), as the grain's own state
/// holds it: the amount this month, this year and all time. Stored in the grain's state row, in the same
/// statement that writes its state, so keeping it costs no row of its own; a write without one leaves it as it was.
/// </summary>
/// <param name="Month">The month <paramref name="MonthAmount"/> is for (<c>2026-12</c>); a ranking of another month leaves this grain out.</param>
/// <param name="Year">The year <paramref name="YearAmount"/> is for (<c>2026</c>).</param>
public sealed record Standing(string Scope, string Member, string Month, long MonthAmount, string Year, long YearAmount, long AllAmount);

/// <summary>
/// That a member took part in a period of a scope (a volunteer credited service in a month, a year, ever): written
/// once, the first time, in the transaction of the write that made it true. A period's active members are its marks.
/// </summary>
public readonly record struct ActiveMark(string Scope, string Period, string Member);

/// <summary>Which of a standing's amounts a ranking orders by.</summary>
public enum StandingPeriod
{
    Month,
    Year,
    AllTime,
}

/// <summary>A member in a ranking: whose, and the amount it is ranked by.</summary>
public readonly record struct RankedMember(string Scope, string Member, long Amount);
