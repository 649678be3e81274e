namespace TimeBank.Ledger;

/// <summary>
/// The four running totals of one account, as TigerBeetle keeps them. Posted amounts are final;
/// pending amounts are holds that will be posted or voided. All arithmetic is checked.
/// </summary>
public sealed class AccountBalance
{
    public long DebitsPosted { get; set; }

    public long CreditsPosted { get; set; }

    public long DebitsPending { get; set; }

    public long CreditsPending { get; set; }

    /// <summary>Balance of a credit-normal account (a volunteer's hours or points): credits less debits.</summary>
    public long CreditBalance => checked(CreditsPosted - DebitsPosted);

    /// <summary>What a credit-normal account can still spend: posted balance less pending debits (holds).</summary>
    public long AvailableCredit => checked(CreditsPosted - DebitsPosted - DebitsPending);

    public AccountBalance Copy() => new() { DebitsPosted = DebitsPosted, CreditsPosted = CreditsPosted, DebitsPending = DebitsPending, CreditsPending = CreditsPending };

    public override string ToString() => $"debits {DebitsPosted} (+{DebitsPending} pending), credits {CreditsPosted} (+{CreditsPending} pending)";
}
