using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Communities;

public sealed class CommunityGrain(TimeBankGrainOptions options, PolicyCache policies) : TimeBankGrain<CommunityState>, ICommunityGrain
{
    public const string TypeName = "community";

    private string CommunityId => GrainId.Key;

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(CommunityId) : GrainOwner.None);

    public async Task<Result<CommunityCreation>> CreateCommunityAsync(CreateCommunity command)
    {
        if (!Identifiers.IsValidId(CommunityId))
        {
            return Failure.Of(ErrorReasons.InvalidCommunityId, ("value", CommunityId));
        }

        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidDisplayName(command.DisplayName))
        {
            return Failure.Of(ErrorReasons.InvalidDisplayName);
        }

        var policy = command.Policy ?? CommunityPolicies.Default(options.PointsPerHour);
        if (CommunityPolicies.Validate(policy) is { } invalid)
        {
            return invalid;
        }

        return await MutateAsync(command.Request, command, Result<CommunityCreation> (c, changes) =>
        {
            var displayName = c.DisplayName.Trim();
            if (StateExists)
            {
                return State.DisplayName == displayName
                    ? new CommunityCreation(Profile(), Created: false)
                    : Failure.Of(ErrorReasons.CommunityIdTaken, ("community_id", CommunityId));
            }

            State.DisplayName = displayName;
            State.CreatedAt = changes.Now;
            SetPolicy(policy, changes);
            return new CommunityCreation(Profile(), Created: true);
        });
    }

    public Task<Result<CommunityProfile>> GetCommunityAsync()
        => Task.FromResult<Result<CommunityProfile>>(StateExists ? Profile() : NotFound());

    public async Task<Result<CommunityProfile>> UpdatePolicyAsync(UpdatePolicy command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (command.Policy is null)
        {
            return Failure.Of(ErrorReasons.PolicyMissing);
        }

        if (CommunityPolicies.Validate(command.Policy) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return NotFound();
        }

        var updated = await MutateAsync(command.Request, command, Result<CommunityProfile> (c, changes) =>
        {
            if (!State.Policy!.SameAs(c.Policy))
            {
                SetPolicy(c.Policy, changes);
            }

            return Profile();
        });
        if (updated.Succeeded && StateExists)
        {
            await GetPolicyAsync(); // publishes what is now stored, so this host's next deposit applies it
        }

        return updated;
    }

    public Task<Result<PolicySnapshot>> GetPolicyAsync()
    {
        if (!StateExists)
        {
            return Task.FromResult<Result<PolicySnapshot>>(NotFound());
        }

        var snapshot = new PolicySnapshot(State.PolicyVersion, State.Policy!, CommunityPolicies.AllCategories(State.Policy!));
        policies.Publish(CommunityId, snapshot);
        return Task.FromResult<Result<PolicySnapshot>>(snapshot);
    }

    private void SetPolicy(PolicySettings policy, Changes changes)
    {
        State.Policy = policy;
        State.PolicyVersion++;
        State.PolicyUpdatedAt = changes.Now;
        State.PolicyHistory.Add(new PolicyVersionRecord(State.PolicyVersion, policy, changes.Now, changes.ActorKeyId));
        changes.StateWasChanged();
    }

    private Failure NotFound() => Failure.Of(ErrorReasons.CommunityNotFound, ("community_id", CommunityId));

    private CommunityProfile Profile() => new(
        CommunityId, State.DisplayName, State.Policy!, CommunityPolicies.AllCategories(State.Policy!), State.PolicyVersion, State.CreatedAt, State.PolicyUpdatedAt);
}
