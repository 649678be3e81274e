using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Funds;

/// <summary>
/// Money out, as the committee decides: a member proposes an allocation for one of the fund's purposes; the
/// members vote, once each; when the quorum approves, the money is reserved (held pending, from the purpose's
/// earmark first, then from money not earmarked) in the same write as the deciding vote; when the quorum can
/// no longer be reached, or the money is no longer there, it is rejected; an open proposal lapses after the
/// fund's proposal lifetime. An approved allocation is paid out (the holds posted) or cancelled (released).
/// </summary>
public sealed partial class FundGrain
{
    private const string LapsesReminder = "lapses";

    public const int MaxProposalTextLength = 1_000;

    /// <summary>A reservation is ended by a payout or a cancellation, never by time; its timeout only has to lie beyond any fund's life.</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromDays(36500);

    public async Task<Result<ProposalView>> ProposeAllocationAsync(ProposeAllocation command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidDisplayName(command.Recipient))
        {
            return Failure.Of(ErrorReasons.InvalidRecipient);
        }

        if (ValidateMoney(command.Amount, "amount") is { } badAmount)
        {
            return badAmount;
        }

        if (string.IsNullOrWhiteSpace(command.Text) || command.Text.Length > MaxProposalTextLength || command.Text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return Failure.Of(ErrorReasons.InvalidProposalText, ("max", MaxProposalTextLength));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        return await MutateAsync(command.Request, command, Result<ProposalView> (c, changes) =>
        {
            if (!IsMember(c.Member))
            {
                return Failure.Of(ErrorReasons.NotACommitteeMember, ("member", c.Member.Id), ("fund_id", FundId));
            }

            if (!State.Purposes.Contains(c.Purpose, StringComparer.Ordinal))
            {
                return Failure.Of(ErrorReasons.UnknownPurpose, ("value", c.Purpose), ("fund_id", FundId));
            }

            var available = AvailableFor(c.Purpose);
            if (c.Amount > available)
            {
                return Failure.Of(ErrorReasons.InsufficientFunds, ("account", $"fund/{FundId} for {c.Purpose}"), ("available", available), ("amount", c.Amount));
            }

            var number = ++State.LastProposalNumber;
            var proposal = new StoredProposal
            {
                Proposer = c.Member.Id, Recipient = c.Recipient.Trim(), Amount = c.Amount, Purpose = c.Purpose, Text = c.Text.Trim(),
                Status = ProposalStatus.Open, ProposedAt = changes.Now, LapsesAt = changes.Now + State.ProposalLifetime,
            };
            State.Proposals[number] = proposal;
            Decide(number, proposal, changes); // a committee of one with a quorum it cannot reach rejects at once
            changes.StateWasChanged();
            ScheduleLapses();
            return View(number, proposal);
        });
    }

    public async Task<Result<ProposalView>> VoteAsync(Vote command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (ParseProposalId(command.ProposalId) is not { } number)
        {
            return Failure.Of(ErrorReasons.InvalidProposalId, ("value", command.ProposalId));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        return await MutateAsync(command.Request, command, Result<ProposalView> (c, changes) =>
        {
            if (!IsMember(c.Member))
            {
                return Failure.Of(ErrorReasons.NotACommitteeMember, ("member", c.Member.Id), ("fund_id", FundId));
            }

            if (!State.Proposals.TryGetValue(number, out var proposal))
            {
                return Failure.Of(ErrorReasons.ProposalNotFound, ("proposal_id", c.ProposalId), ("fund_id", FundId));
            }

            if (proposal.Status != ProposalStatus.Open || changes.Now >= proposal.LapsesAt)
            {
                var status = proposal.Status == ProposalStatus.Open ? ProposalStatus.Lapsed : proposal.Status;
                return Failure.Of(ErrorReasons.ProposalDecided, ("proposal_id", c.ProposalId), ("status", StatusName(status)));
            }

            if (proposal.Votes.Any(v => v.Member == c.Member.Id))
            {
                return Failure.Of(ErrorReasons.VoteAlreadyCast, ("member", c.Member.Id), ("proposal_id", c.ProposalId));
            }

            if (c.Approve && proposal.Proposer == c.Member.Id)
            {
                return Failure.Of(ErrorReasons.ProposerCannotApprove, ("member", c.Member.Id), ("proposal_id", c.ProposalId));
            }

            proposal.Votes.Add(new StoredVote(c.Member.Id, c.Approve, changes.Now));
            Decide(number, proposal, changes);
            changes.StateWasChanged();
            ScheduleLapses();
            return View(number, proposal);
        });
    }

    public async Task<Result<ProposalView>> PayOutAsync(PayOut command)
    {
        if (ValidateDecision(command.Request, command.ProposalId) is { } invalid)
        {
            return invalid;
        }

        if (!IsPaymentReference(command.PaymentReference))
        {
            return Failure.Of(ErrorReasons.InvalidPaymentReference, ("max", MaxPaymentReferenceLength));
        }

        return await EndAllocationAsync(command.Request, command, command.ProposalId, payOut: true, command.PaymentReference);
    }

    public async Task<Result<ProposalView>> CancelAllocationAsync(CancelAllocation command)
    {
        if (ValidateDecision(command.Request, command.ProposalId) is { } invalid)
        {
            return invalid;
        }

        if (!Identifiers.IsValidDisplayName(command.Reason))
        {
            return Failure.Of(ErrorReasons.InvalidReason, ("max", Identifiers.MaxDisplayNameLength));
        }

        return await EndAllocationAsync(command.Request, command, command.ProposalId, payOut: false, command.Reason.Trim());
    }

    public Task<Result<ProposalList>> ListProposalsAsync(ListProposals query)
    {
        if (query.Status is { } status && !Enum.IsDefined(status))
        {
            return Task.FromResult<Result<ProposalList>>(Failure.Of(ErrorReasons.InvalidProposalStatus, ("value", (int)status)));
        }

        var now = Clock.GetUtcNow();
        Result<ProposalList> result = StateExists
            ? new ProposalList(State.Proposals.Reverse().Select(p => View(p.Key, p.Value, now)).Where(p => query.Status is null || p.Status == query.Status).ToArray())
            : Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        return Task.FromResult(result);
    }

    /// <summary>Posts an approved allocation's holds (a payout) or voids them (a cancellation), once.</summary>
    private async Task<Result<ProposalView>> EndAllocationAsync<TCommand>(RequestKey request, TCommand command, string proposalId, bool payOut, string note, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        var number = ParseProposalId(proposalId)!.Value;
        return await MutateAsync(request, request.CallerKeyId, lookUpFirst: false, command, Result<ProposalView> (_, changes) =>
        {
            if (!State.Proposals.TryGetValue(number, out var proposal))
            {
                return Failure.Of(ErrorReasons.ProposalNotFound, ("proposal_id", proposalId), ("fund_id", FundId));
            }

            if (proposal.Status == ProposalStatus.PaidOut)
            {
                return Failure.Of(ErrorReasons.AllocationPaidOut, ("proposal_id", proposalId), ("payment_reference", proposal.PaymentReference));
            }

            if (proposal.Status != ProposalStatus.Approved)
            {
                return Failure.Of(ErrorReasons.ProposalNotApproved, ("proposal_id", proposalId), ("status", StatusName(proposal.Status)));
            }

            var book = Book();
            foreach (var (holdId, amount) in new[] { (proposal.EarmarkHoldId, proposal.ReservedFromEarmark), (proposal.GeneralHoldId, proposal.ReservedFromGeneral) })
            {
                if (amount == 0)
                {
                    continue;
                }

                var pending = State.Pending[holdId];
                var end = new Move(LedgerKind.Money, pending.DebitAccount, pending.CreditAccount, amount, payOut ? TransferCode.Payout : TransferCode.Allocation,
                    ProposalId(number), Category: proposal.Purpose, Memo: note, Kind: payOut ? TransferKind.PostPending : TransferKind.VoidPending, PendingId: holdId);
                LedgerFailures.Require(changes.Apply(book, end), end);
            }

            if (payOut)
            {
                proposal.Status = ProposalStatus.PaidOut;
                proposal.PaymentReference = note;
                proposal.PaidAt = changes.Now;
                State.PaidOut = checked(State.PaidOut + proposal.Amount);
            }
            else
            {
                proposal.Status = ProposalStatus.Cancelled;
                proposal.CancelReason = note;
            }

            return View(number, proposal);
        }, operation);
    }

    /// <summary>
    /// Decides an open proposal if its votes (those of members of the committee of now) already decide it:
    /// approved, with its money reserved, once as many as the quorum approve; rejected once too few are left
    /// who could still approve, or when the money is no longer there. True when it was decided.
    /// </summary>
    private bool Decide(long number, StoredProposal proposal, Changes changes)
    {
        var counted = proposal.Votes.Where(v => State.Members.Contains(v.Member, StringComparer.Ordinal)).ToArray();
        var approvals = counted.Count(v => v.Approve);
        var couldStillApprove = State.Members.Count(m => m != proposal.Proposer && counted.All(v => v.Member != m));
        if (approvals >= State.Quorum)
        {
            if (!Reserve(number, proposal, changes))
            {
                Reject(proposal, ErrorReasons.InsufficientFunds.Code, changes);
                return true;
            }

            proposal.Status = ProposalStatus.Approved;
            proposal.DecidedAt = changes.Now;
            return true;
        }

        if (approvals + couldStillApprove < State.Quorum)
        {
            Reject(proposal, ErrorReasons.QuorumUnreachable.Code, changes);
            return true;
        }

        return false;
    }

    /// <summary>Holds the proposal's amount: from its purpose's earmark first, then from money not earmarked. False (and nothing held) when they do not cover it.</summary>
    private bool Reserve(long number, StoredProposal proposal, Changes changes)
    {
        var earmark = AccountNames.FundEarmark(FundId, proposal.Purpose);
        var fromEarmark = Math.Min(proposal.Amount, Math.Max(0, Account(earmark).AvailableCredit));
        var fromGeneral = proposal.Amount - fromEarmark;
        if (fromGeneral > Account(AccountNames.FundGeneral(FundId)).AvailableCredit)
        {
            return false;
        }

        var book = Book();
        foreach (var (account, amount, isEarmark) in new[] { (earmark, fromEarmark, true), (AccountNames.FundGeneral(FundId), fromGeneral, false) })
        {
            if (amount == 0)
            {
                continue;
            }

            var id = changes.NextTransferId;
            var hold = new Move(LedgerKind.Money, account, AccountNames.FundPayees(FundId), amount, TransferCode.Allocation, ProposalId(number),
                Category: proposal.Purpose, Memo: proposal.Recipient, Kind: TransferKind.Pending, Timeout: changes.Now + ReservationLifetime);
            LedgerFailures.Require(changes.Apply(book, hold), hold);
            if (isEarmark)
            {
                (proposal.EarmarkHoldId, proposal.ReservedFromEarmark) = (id, amount);
            }
            else
            {
                (proposal.GeneralHoldId, proposal.ReservedFromGeneral) = (id, amount);
            }
        }

        return true;
    }

    private static void Reject(StoredProposal proposal, string reason, Changes changes)
    {
        proposal.Status = ProposalStatus.Rejected;
        proposal.OutcomeReason = reason;
        proposal.DecidedAt = changes.Now;
    }

    /// <summary>Marks open proposals past their lifetime as lapsed, one write each, then sets the reminder for the next.</summary>
    private async Task LapseProposalsAsync()
    {
        var now = Clock.GetUtcNow();
        foreach (var number in State.Proposals.Where(p => p.Value.Status == ProposalStatus.Open && p.Value.LapsesAt <= now).Select(p => p.Key).ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await MutateAsync(new RequestKey(SystemCallers.Funds, $"{FundId}/{ProposalId(number)}/lapse"), SystemCallers.Funds, lookUpFirst: false, number,
                Result<ProposalView> (n, changes) =>
                {
                    var proposal = State.Proposals[n];
                    if (proposal.Status != ProposalStatus.Open)
                    {
                        return View(n, proposal);
                    }

                    proposal.Status = ProposalStatus.Lapsed;
                    proposal.DecidedAt = changes.Now;
                    changes.StateWasChanged();
                    ScheduleLapses();
                    return View(n, proposal);
                });
        }

        if (!StateDiscarded)
        {
            ScheduleLapses(); // stored by the host after this call when nothing above wrote
        }
    }

    private void ScheduleLapses()
    {
        var next = State.Proposals.Values.Where(p => p.Status == ProposalStatus.Open).Select(p => (DateTimeOffset?)p.LapsesAt).Min();
        if (next is { } due)
        {
            SetReminder(LapsesReminder, due);
        }
        else
        {
            ClearReminder(LapsesReminder);
        }
    }

    /// <summary>What a proposal for <paramref name="purpose"/> may still take: the purpose's earmark and money not earmarked.</summary>
    private long AvailableFor(string purpose)
        => Account(AccountNames.FundEarmark(FundId, purpose)).AvailableCredit + Account(AccountNames.FundGeneral(FundId)).AvailableCredit;

    private bool IsMember(CallerMember member) => member.Id.Length > 0 && State.Members.Contains(member.Id, StringComparer.Ordinal);

    private ProposalView View(long number, StoredProposal p) => View(number, p, DateTimeOffset.MinValue);

    /// <summary>The proposal as callers see it; an open one past its lifetime shows as lapsed even before the reminder has marked it.</summary>
    private ProposalView View(long number, StoredProposal p, DateTimeOffset now)
    {
        var lapsed = p.Status == ProposalStatus.Open && now >= p.LapsesAt;
        var votes = p.Votes.Select(v => new ProposalVote(v.Member, v.Approve, v.CastAt, p.Status != ProposalStatus.Open || State.Members.Contains(v.Member, StringComparer.Ordinal))).ToArray();
        return new ProposalView(ProposalId(number), FundId, p.Proposer, p.Recipient, p.Amount, p.Purpose, p.Text, lapsed ? ProposalStatus.Lapsed : p.Status, votes,
            p.ProposedAt, p.LapsesAt, lapsed ? p.LapsesAt : p.DecidedAt, p.OutcomeReason, p.ReservedFromEarmark, p.ReservedFromGeneral, p.PaymentReference, p.PaidAt);
    }

    private static string ProposalId(long number) => $"p{number}";

    private static long? ParseProposalId(string value)
        => value is ['p', .. var digits] && long.TryParse(digits, System.Globalization.NumberStyles.None, null, out var number) && number > 0 && value == ProposalId(number)
            ? number
            : null;

    private static string StatusName(ProposalStatus status) => status switch
    {
        ProposalStatus.Open => "OPEN",
        ProposalStatus.Approved => "APPROVED",
        ProposalStatus.Rejected => "REJECTED",
        ProposalStatus.Lapsed => "LAPSED",
        ProposalStatus.PaidOut => "PAID_OUT",
        _ => "CANCELLED",
    };

    private Failure? ValidateDecision(RequestKey request, string proposalId)
    {
        if (!Identifiers.IsValidRequestId(request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", request.RequestId));
        }

        return ParseProposalId(proposalId) is null ? Failure.Of(ErrorReasons.InvalidProposalId, ("value", proposalId)) : null;
    }

}
