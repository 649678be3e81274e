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

    /// <summary>What a credit-normal account can still spend: posted balance less pending debits.</summary>
    public long AvailableCredit => checked(CreditsPosted - DebitsPosted - DebitsPending);

    public void PostCredit(long amount)
    {
        Amounts.EnsurePositive(amount);
        CreditsPosted = checked(CreditsPosted + amount);
    }

    public void PostDebit(long amount)
    {
        Amounts.EnsurePositive(amount);
        DebitsPosted = checked(DebitsPosted + amount);
    }
}
