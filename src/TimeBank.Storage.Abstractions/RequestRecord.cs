namespace TimeBank.Storage;

/// <summary>
/// The first answer to one caller's mutation, stored in the same transaction as its effect. Idempotency is
/// by (<see cref="CallerKeyId"/>, <see cref="RequestId"/>) across every operation and target, as a transfer
/// id is in TigerBeetle: a retry finds this record and gets <see cref="Result"/> again; the same pair with
/// another <see cref="Operation"/>, <see cref="Target"/> or <see cref="Fingerprint"/> is a reused id.
/// </summary>
/// <param name="Operation">What was asked, e.g. <c>VolunteerService/DepositHours</c>.</param>
/// <param name="Target">What it was asked of, e.g. <c>volunteer/ana</c>.</param>
/// <param name="Fingerprint">SHA-256 of the request's content.</param>
/// <param name="Result">The serialized first answer, returned as is to a retry.</param>
public sealed record RequestRecord(
    string CallerKeyId,
    string RequestId,
    string Operation,
    string Target,
    ReadOnlyMemory<byte> Fingerprint,
    ReadOnlyMemory<byte> Result,
    DateTimeOffset RecordedAt)
{
    /// <summary>True when <paramref name="other"/> asks the same thing of the same target.</summary>
    public bool SameRequestAs(RequestRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Operation == other.Operation && Target == other.Target && Fingerprint.Span.SequenceEqual(other.Fingerprint.Span);
    }
}
