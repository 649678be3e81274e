namespace TimeBank.Contracts.V1;

/// <summary>
/// The machine-readable reasons sent in google.rpc.ErrorInfo (domain <see cref="Domain"/>). Clients
/// switch on these, never on message text. Never renamed once released.
/// </summary>
public static class ErrorReasons
{
    public const string Domain = "timebank.v1";

    public const string InvalidVolunteerId = "INVALID_VOLUNTEER_ID";
    public const string InvalidDisplayName = "INVALID_DISPLAY_NAME";
    public const string InvalidCommunityId = "INVALID_COMMUNITY_ID";
    public const string InvalidRequestId = "INVALID_REQUEST_ID";
    public const string InvalidActivityId = "INVALID_ACTIVITY_ID";
    public const string MinutesNotPositive = "MINUTES_NOT_POSITIVE";
    public const string MinutesTooLarge = "MINUTES_TOO_LARGE";
    public const string VolunteerNotFound = "VOLUNTEER_NOT_FOUND";
    public const string VolunteerIdTaken = "VOLUNTEER_ID_TAKEN";
    public const string RequestIdReused = "REQUEST_ID_REUSED";
    public const string ConcurrentUpdate = "CONCURRENT_UPDATE";
    public const string StorageUnavailable = "STORAGE_UNAVAILABLE";
    public const string StorageRejected = "STORAGE_REJECTED";
}
