using TimeBank.Grains.Internal;
using TimeBank.Ledger;

namespace TimeBank.Grains.Funds;

/// <summary>A fund's stored state: what it is, its committee, its money, pledges and proposals.</summary>
public sealed class FundState : IJournaledState
{
    public string CommunityId { get; set; } = "";

    public FundKind Kind { get; set; }

    public string Name { get; set; } = "";

    public string Currency { get; set; } = "";

    public List<string> Purposes { get; set; } = [];

    public List<string> Members { get; set; } = [];

    public int Quorum { get; set; }

    public TimeSpan ProposalLifetime { get; set; }

    public string Donor { get; set; } = "";

    public string StatedPurpose { get; set; } = "";

    public long Target { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The fund's own accounts (general, and one per earmarked purpose), by account name.</summary>
    public Dictionary<string, AccountBalance> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reservations of approved allocations (pending transfers), by id, with how each ended.</summary>
    public Dictionary<string, PendingTransfer> Pending { get; set; } = new(StringComparer.Ordinal);

    public long PaidOut { get; set; }

    public long LastProposalNumber { get; set; }

    /// <summary>By number.</summary>
    public SortedDictionary<long, StoredProposal> Proposals { get; set; } = [];

    public SortedDictionary<string, StoredPledge> Pledges { get; set; } = new(StringComparer.Ordinal);

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed class StoredProposal
{
    public string Proposer { get; set; } = "";

    public string Recipient { get; set; } = "";

    public long Amount { get; set; }

    public string Purpose { get; set; } = "";

    public string Text { get; set; } = "";

    public ProposalStatus Status { get; set; }

    /// <summary>By member, in the order cast.</summary>
    public List<StoredVote> Votes { get; set; } = [];

    public DateTimeOffset ProposedAt { get; set; }

    public DateTimeOffset LapsesAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string OutcomeReason { get; set; } = "";

    /// <summary>The reservations made at approval: from the purpose's earmark and from general money (transfer ids).</summary>
    public string EarmarkHoldId { get; set; } = "";

    public long ReservedFromEarmark { get; set; }

    public string GeneralHoldId { get; set; } = "";

    public long ReservedFromGeneral { get; set; }

    public string PaymentReference { get; set; } = "";

    public DateTimeOffset? PaidAt { get; set; }

    public string CancelReason { get; set; } = "";
}

public sealed record StoredVote(string Member, bool Approve, DateTimeOffset CastAt);

public sealed class StoredPledge
{
    public string Donor { get; set; } = "";

    public long Amount { get; set; }

    public PledgePeriod Period { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public string Earmark { get; set; } = "";

    /// <summary>Which due dates (by index: 0 is the first) were fulfilled, by which donation's transfer id.</summary>
    public SortedDictionary<int, string> Fulfilled { get; set; } = [];
}
