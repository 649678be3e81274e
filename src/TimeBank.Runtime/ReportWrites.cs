using TimeBank.Storage.Reports;

namespace TimeBank.Runtime;

/// <summary>What a state write adds for reports (stored with it, atomically): running totals, marks of taking part, and the grain's standing.</summary>
public sealed record ReportWrites(IReadOnlyList<Tally> Tallies, IReadOnlyList<ActiveMark> Marks, Standing? Standing);
