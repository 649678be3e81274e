namespace TimeBank.Storage;

/// <summary>
/// A write carried a request record whose (caller key, request id) is already stored: another write with
/// the same id committed first (a retry racing its original, or the id reused for something else).
/// Nothing of this write is stored; the writer reads the stored record to tell which.
/// </summary>
public sealed class DuplicateRequestException : Exception
{
    public DuplicateRequestException()
        : base("The request id is already recorded for this caller.")
    {
    }

    public DuplicateRequestException(string message)
        : base(message)
    {
    }

    public DuplicateRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DuplicateRequestException(string callerKeyId, string requestId)
        : base($"Request '{requestId}' of key '{callerKeyId}' is already recorded.")
    {
        CallerKeyId = callerKeyId;
        RequestId = requestId;
    }

    public string? CallerKeyId { get; }

    public string? RequestId { get; }
}
