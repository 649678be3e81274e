namespace TimeBank.Storage.Tests;

internal static class Rows
{
    public static readonly byte[] Hash = [1, 2, 3, 4];

    public static JournalEntry Entry(long sequence, string requestId, int leg = 0, long amount = 60) => new(
        Sequence: sequence,
        RequestId: requestId,
        Leg: leg,
        Ledger: 1,
        DebitAccount: "community/c/hours-issued",
        CreditAccount: "volunteer/v/hours",
        Amount: amount,
        Code: 1,
        Reference: "activity-1",
        BalanceAfter: amount * sequence,
        RecordedAt: UnixMicroseconds.Truncate(new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero).AddTicks(1234567)),
        RequestHash: Hash);

    public static RequestRecord Request(string key, string requestId, string target, string operation = "Test/Op", byte fingerprint = 7) => new(
        key, requestId, operation, target, new byte[] { fingerprint, 1, 2 }, Payload($"result of {requestId}"),
        UnixMicroseconds.Truncate(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero).AddTicks(7654321)));

    public static byte[] Payload(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
