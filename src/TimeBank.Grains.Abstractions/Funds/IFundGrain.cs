using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Grains.Funds;

/// <summary>
/// One community micro-fund: its money in the money ledger (donations in, allocations reserved and paid
/// out), its pledges, and the proposals its committee votes on. Keyed by fund id; owned by its community and,
/// for committee members' keys, by itself.
/// </summary>
public interface IFundGrain : IGrainWithStringKey, IScopedGrain
{
    Task<Result<FundCreation>> CreateFundAsync(CreateFund command);

    Task<Result<CommitteeUpdate>> UpdateCommitteeAsync(UpdateCommittee command);

    Task<Result<DonationReceipt>> DonateAsync(Donate command);

    Task<Result<PledgeView>> CreatePledgeAsync(CreatePledge command);

    Task<Result<PledgeList>> ListPledgesAsync();

    Task<Result<ProposalView>> ProposeAllocationAsync(ProposeAllocation command);

    Task<Result<ProposalView>> VoteAsync(Vote command);

    Task<Result<ProposalView>> PayOutAsync(PayOut command);

    Task<Result<ProposalView>> CancelAllocationAsync(CancelAllocation command);

    Task<Result<FundView>> GetFundAsync();

    Task<Result<ProposalList>> ListProposalsAsync(ListProposals query);

    Task<Result<Statement>> GetFundStatementAsync(GetFundStatement query);
}
