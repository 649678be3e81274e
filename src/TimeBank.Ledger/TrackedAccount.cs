namespace TimeBank.Ledger;

/// <summary>
/// An account a book keeps totals for. <paramref name="Limit"/> is how far below zero its credit balance may
/// go through debits (0: never below zero; null: no limit, for the system's issuing accounts).
/// </summary>
public sealed record TrackedAccount(LedgerKind Ledger, AccountBalance Balance, long? Limit);
