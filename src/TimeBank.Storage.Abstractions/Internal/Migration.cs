namespace TimeBank.Storage;

/// <summary>One numbered schema step. <paramref name="FillsJournalChains"/>: after its SQL, the provider computes
/// the chain hash of every journal row that has none (journals written before tamper evidence).</summary>
internal sealed record Migration(int Version, string Name, string Sql, bool FillsJournalChains = false);
