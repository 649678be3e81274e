using TimeBank.Storage.Reports;

namespace TimeBank.Runtime;

/// <summary>What a state write adds to the running totals and standings reports read (stored with it, atomically).</summary>
public sealed record ReportWrites(IReadOnlyList<Tally> Tallies, IReadOnlyList<StandingChange> Standings);
