using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Grains.Volunteers;
using TimeBank.Rpc;
using TimeBank.Runtime;
using TimeBank.Server.Internal;

namespace TimeBank.Server.Services;

/// <summary>
/// <c>timebank.v1.VolunteerService</c>: translates messages to grain commands and named grain statuses to
/// gRPC statuses. No rules live here; they are the grain's.
/// </summary>
internal sealed class VolunteerApi(IGrainFactory grains)
{
    public void AddTo(GrpcServiceRegistry registry)
    {
        registry.AddUnary(VolunteerServiceMethods.RegisterVolunteer, RegisterVolunteerAsync);
        registry.AddUnary(VolunteerServiceMethods.DepositHours, DepositHoursAsync);
        registry.AddUnary(VolunteerServiceMethods.GetBalance, GetBalanceAsync);
    }

    public async Task<RegisterVolunteerResponse> RegisterVolunteerAsync(RegisterVolunteerRequest request, ServerCallContext context)
    {
        var volunteer = Volunteer(request.VolunteerId);
        var result = await volunteer.RegisterAsync(new RegisterVolunteer(request.DisplayName, request.CommunityId));
        return result.Status switch
        {
            RegisterVolunteerStatus.Registered => new RegisterVolunteerResponse { Volunteer = ToMessage(result.Volunteer!), Created = true },
            RegisterVolunteerStatus.AlreadyRegistered => new RegisterVolunteerResponse { Volunteer = ToMessage(result.Volunteer!), Created = false },
            RegisterVolunteerStatus.InvalidVolunteerId => throw InvalidVolunteerId(request.VolunteerId),
            RegisterVolunteerStatus.InvalidDisplayName => throw Errors.InvalidArgument(
                ErrorReasons.InvalidDisplayName.Code, $"display_name must be 1-{Identifiers.MaxDisplayNameLength} characters, not blank, without control characters."),
            RegisterVolunteerStatus.InvalidCommunityId => throw Errors.InvalidArgument(
                ErrorReasons.InvalidCommunityId.Code, $"community_id '{request.CommunityId}' is not a valid id (1-{Identifiers.MaxIdLength} of A-Z a-z 0-9 . _ -)."),
            RegisterVolunteerStatus.VolunteerIdTaken => throw Errors.AlreadyExists(
                ErrorReasons.VolunteerIdTaken.Code, $"Volunteer '{request.VolunteerId}' is already registered with another name or community."),
            _ => throw new InvalidOperationException($"Unhandled status {result.Status}."),
        };
    }

    public async Task<DepositHoursResponse> DepositHoursAsync(DepositHoursRequest request, ServerCallContext context)
    {
        var volunteer = Volunteer(request.VolunteerId);
        var result = await volunteer.DepositHoursAsync(new DepositHours(request.RequestId, request.ActivityId, request.Minutes));
        return result.Status switch
        {
            DepositHoursStatus.Deposited or DepositHoursStatus.AlreadyDeposited => new DepositHoursResponse
            {
                RequestId = result.Receipt!.RequestId,
                MinutesCredited = result.Receipt.MinutesCredited,
                PointsAwarded = result.Receipt.PointsAwarded,
                RecordedAt = Timestamp.FromDateTimeOffset(result.Receipt.RecordedAt),
            },
            DepositHoursStatus.InvalidRequestId => throw Errors.InvalidArgument(
                ErrorReasons.InvalidRequestId.Code, $"request_id must be 1-{Identifiers.MaxRequestIdLength} printable ASCII characters without spaces."),
            DepositHoursStatus.InvalidActivityId => throw Errors.InvalidArgument(
                ErrorReasons.InvalidActivityId.Code, $"activity_id '{request.ActivityId}' is not a valid id (1-{Identifiers.MaxIdLength} of A-Z a-z 0-9 . _ -)."),
            DepositHoursStatus.MinutesNotPositive => throw Errors.InvalidArgument(
                ErrorReasons.MinutesNotPositive.Code, $"minutes must be positive; got {request.Minutes}."),
            DepositHoursStatus.MinutesTooLarge => throw Errors.InvalidArgument(
                ErrorReasons.MinutesTooLarge.Code, $"minutes must be at most {Ledger.Amounts.MaxMinutesPerDeposit} (one day) per deposit; got {request.Minutes}."),
            DepositHoursStatus.VolunteerNotFound => throw VolunteerNotFound(request.VolunteerId),
            DepositHoursStatus.RequestIdReused => throw Errors.AlreadyExists(
                ErrorReasons.RequestIdReused.Code, $"request_id '{request.RequestId}' was already used for a different deposit."),
            _ => throw new InvalidOperationException($"Unhandled status {result.Status}."),
        };
    }

    public async Task<GetBalanceResponse> GetBalanceAsync(GetBalanceRequest request, ServerCallContext context)
    {
        var result = await Volunteer(request.VolunteerId).GetBalanceAsync();
        return result.Status switch
        {
            GetBalanceStatus.Ok => new GetBalanceResponse
            {
                VolunteerId = result.Balance!.VolunteerId,
                HoursMinutes = result.Balance.HoursMinutes,
                Points = result.Balance.Points,
            },
            GetBalanceStatus.VolunteerNotFound => throw VolunteerNotFound(request.VolunteerId),
            _ => throw new InvalidOperationException($"Unhandled status {result.Status}."),
        };
    }

    private static RpcException InvalidVolunteerId(string id)
        => Errors.InvalidArgument(ErrorReasons.InvalidVolunteerId.Code, $"volunteer_id '{Truncate(id)}' is not a valid id (1-{Identifiers.MaxIdLength} of A-Z a-z 0-9 . _ -, starting with a letter or digit).");

    private static RpcException VolunteerNotFound(string id)
        => Errors.NotFound(ErrorReasons.VolunteerNotFound.Code, $"Volunteer '{id}' is not registered.");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "...";

    private static Contracts.V1.Volunteer ToMessage(VolunteerProfile profile) => new()
    {
        VolunteerId = profile.VolunteerId,
        DisplayName = profile.DisplayName,
        CommunityId = profile.CommunityId,
        RegisteredAt = Timestamp.FromDateTimeOffset(profile.RegisteredAt),
    };

    /// <summary>The grain for a valid id; a malformed id never activates anything.</summary>
    private IVolunteerGrain Volunteer(string volunteerId)
        => Identifiers.IsValidId(volunteerId) ? grains.GetGrain<IVolunteerGrain>(volunteerId) : throw InvalidVolunteerId(volunteerId);
}
