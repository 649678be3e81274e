namespace TimeBank.Storage.Reports;

/// <summary>
/// An amount a write adds to a running total, stored in the same transaction as the write, so a total never
/// lags the rows it counts. The storage knows nothing of what is counted: <paramref name="Scope"/> (a
/// community), <paramref name="Name"/> (a figure), <paramref name="Period"/> (a month) and
/// <paramref name="Key"/> (a category) only name the counter.
/// </summary>
public readonly record struct Tally(string Scope, string Name, string Period, string Key, long Amount);

/// <summary>One counter's total over the periods a query asked for, summed over the scopes it covered.</summary>
public readonly record struct TallySum(string Name, string Period, string Key, long Amount);
