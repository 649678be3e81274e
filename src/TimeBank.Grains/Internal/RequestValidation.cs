using TimeBank.Contracts.V1;

namespace TimeBank.Grains.Internal;

/// <summary>Checks several grains make alike on a request before anything else, each answering with its catalog reason.</summary>
internal static class RequestValidation
{
    /// <summary>A request for one volunteer (a sign-up, a claim): the caller's request id and the volunteer's id.</summary>
    public static Failure? VolunteerRequest(RequestKey request, string volunteerId)
    {
        if (!Identifiers.IsValidRequestId(request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", request.RequestId));
        }

        return Identifiers.IsValidId(volunteerId) ? null : Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", volunteerId));
    }
}
