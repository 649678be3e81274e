namespace TimeBank.Storage.Reports;

/// <summary>
/// A change to one member's standing in a ranking (a volunteer's hours in a community for a month, a year or
/// all time), stored in the same transaction as the write that caused it. <paramref name="Amount"/> is what
/// the member is ranked by; <paramref name="Events"/> counts what made the member take part (a ranking's
/// members with events are its active ones; a correction alone adds none).
/// </summary>
public readonly record struct StandingChange(string Scope, string Period, string Member, long Amount, long Events);

/// <summary>A member's standing as stored: totals of the changes made to it.</summary>
public readonly record struct Standing(string Scope, string Member, long Amount, long Events);
