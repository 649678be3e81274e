using System.Diagnostics;
using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Rpc.Client;

namespace TimeBank.LoadGen;

/// <summary>
/// What one operation came to: its final status, the ABORTED answers retried on the way, and what it moved
/// (for the consistency check at the end).
/// </summary>
internal readonly record struct Outcome(
    StatusCode Status, RpcException? Failure, int Retries, long MinutesDeposited = 0, long PointsAwarded = 0, long PointsPosted = 0, long MoneyDonated = 0, long MoneyReserved = 0)
{
    public bool Failed => Status != StatusCode.OK;

    public static Outcome Ok(int retries) => new(StatusCode.OK, null, retries);

    public static Outcome Of(RpcException failure, int retries) => new(failure.StatusCode, failure, retries);
}

/// <summary>
/// ABORTED is the server saying "retry this same request" (TRANSFER_IN_PROGRESS, CONCURRENT_UPDATE): the
/// request is resent with the same request id, so it still takes effect at most once, and the operation's
/// latency runs until the final answer.
/// </summary>
internal static class Retrying
{
    /// <summary>How long an operation keeps retrying ABORTED before it counts as failed.</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(10);

    public static async Task<(T? Response, RpcException? Failure, int Retries)> CallAsync<T>(Func<CallOptions, Task<T>> call, CallOptions options)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        for (var retries = 0; ; retries++)
        {
            try
            {
                return (await call(options), null, retries);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted && Stopwatch.GetElapsedTime(started) < RetryBudget)
            {
                // The first retry goes at once (the work usually finished meanwhile), later ones back off to 100 ms.
                if (retries > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, 1 << Math.Min(retries - 1, 7))));
                }
            }
            catch (RpcException e)
            {
                return (null, e, retries);
            }
            catch (Exception e)
            {
                // The channel turns transport failures into RpcException; anything else is counted, not thrown,
                // so one odd failure shows in the report instead of ending the run.
                return (null, new RpcException(StatusCode.Unknown, $"{e.GetType().Name}: {e.Message}"), retries);
            }
        }
    }

    /// <summary>The same, for setup: a failure ends the run.</summary>
    public static async Task<T> CallOrThrowAsync<T>(Func<CallOptions, Task<T>> call, CallOptions options)
        where T : class
    {
        var (response, failure, _) = await CallAsync(call, options);
        return response ?? throw failure!;
    }
}

/// <summary>The operations of the mix, each over one connection with a fresh request id per mutation.</summary>
internal sealed class Workload(TimeBankClient client, CallKeys keys, IReadOnlyList<string> volunteers, Venues venues)
{
    private const int MaxDepositMinutes = 120;
    private const int MaxDonation = 10_000;

    public Task<Outcome> RunAsync(Operation operation, Random random) => operation switch
    {
        Operation.Deposit => DepositAsync(random),
        Operation.Balance => BalanceAsync(random),
        Operation.Transfer => TransferAsync(random),
        Operation.Hold => HoldAndPostAsync(random),
        Operation.Redeem => RedeemAsync(random),
        Operation.Donate => DonateAsync(random),
        Operation.Vote => ProposeAndApproveAsync(random),
    };

    /// <summary>
    /// A new id per mutation: every one is a real durable write, never a replay of an earlier answer. Time-ordered
    /// (UUIDv7), as the proto recommends: a caller's new ids then land at the end of the request index rather than on a
    /// random page of it (raw SQLite ceiling on this project's machine, batches of 256: 1.4x with v7 ids over random ones).
    /// </summary>
    public static string NewRequestId() => Guid.CreateVersion7().ToString();

    private async Task<Outcome> DepositAsync(Random random)
    {
        var request = new DepositHoursRequest
        {
            RequestId = NewRequestId(), VolunteerId = PickVolunteer(random), ActivityId = "loadgen", Minutes = 1 + random.Next(MaxDepositMinutes),
        };
        var (response, failure, retries) = await Retrying.CallAsync(options => client.DepositHoursAsync(request, options), keys.CommunityAdmin);
        return response is null
            ? Outcome.Of(failure!, retries)
            : Outcome.Ok(retries) with { MinutesDeposited = response.MinutesCredited, PointsAwarded = response.PointsAwarded };
    }

    private async Task<Outcome> BalanceAsync(Random random)
    {
        var request = new GetBalanceRequest { VolunteerId = PickVolunteer(random) };
        var (response, failure, retries) = await Retrying.CallAsync(options => client.GetBalanceAsync(request, options), keys.App);
        return response is null ? Outcome.Of(failure!, retries) : Outcome.Ok(retries);
    }

    private async Task<Outcome> TransferAsync(Random random)
    {
        // One minute, so payers seeded with a day of hours stay in credit however the random walk goes.
        var payer = random.Next(volunteers.Count);
        var payee = (payer + 1 + random.Next(volunteers.Count - 1)) % volunteers.Count;
        var request = new TransferHoursRequest
        {
            RequestId = NewRequestId(), VolunteerId = volunteers[payer], ToVolunteerId = volunteers[payee], Minutes = 1, Code = TransferCode.Gift,
        };
        var (response, failure, retries) = await Retrying.CallAsync(options => client.TransferHoursAsync(request, options), keys.App);
        return response is null ? Outcome.Of(failure!, retries) : Outcome.Ok(retries);
    }

    private async Task<Outcome> HoldAndPostAsync(Random random)
    {
        // A purchase as a terminal will make one: hold a point, then take it.
        var volunteer = PickVolunteer(random);
        var holdRequest = new HoldPointsRequest { RequestId = NewRequestId(), VolunteerId = volunteer, Points = 1, Reference = "loadgen" };
        var (hold, holdFailure, holdRetries) = await Retrying.CallAsync(options => client.HoldPointsAsync(holdRequest, options), keys.App);
        if (hold is null)
        {
            return Outcome.Of(holdFailure!, holdRetries);
        }

        var postRequest = new PostHoldRequest { RequestId = NewRequestId(), VolunteerId = volunteer, HoldId = hold.HoldId, Points = 0 };
        var (post, postFailure, postRetries) = await Retrying.CallAsync(options => client.PostHoldAsync(postRequest, options), keys.App);
        return post is null
            ? Outcome.Of(postFailure!, holdRetries + postRetries)
            : Outcome.Ok(holdRetries + postRetries) with { PointsPosted = post.PointsPosted };
    }

    private async Task<Outcome> RedeemAsync(Random random)
    {
        var store = venues.Stores[random.Next(venues.Stores.Count)];
        var request = new RedeemRequest { RequestId = NewRequestId(), StoreId = store.StoreId, VolunteerId = PickVolunteer(random), TotalPoints = Setup.BasketItems.Count };
        request.Lines.AddRange(Setup.BasketItems.Select(item => new BasketLine { ItemId = item, Quantity = 1 }));
        var (response, failure, retries) = await Retrying.CallAsync(options => client.RedeemAsync(request, options), store.Terminal);
        return response is null ? Outcome.Of(failure!, retries) : Outcome.Ok(retries) with { PointsPosted = response.Receipt.PointsTaken };
    }

    private async Task<Outcome> DonateAsync(Random random)
    {
        var fund = venues.Funds[random.Next(venues.Funds.Count)];
        var request = new DonateRequest
        {
            RequestId = NewRequestId(), FundId = fund.FundId, Donor = "Load donor", Amount = 1 + random.Next(MaxDonation), PaymentReference = "LG-" + Guid.NewGuid().ToString("N")[..16],
        };
        var (response, failure, retries) = await Retrying.CallAsync(options => client.DonateAsync(request, options), keys.CommunityAdmin);
        return response is null ? Outcome.Of(failure!, retries) : Outcome.Ok(retries) with { MoneyDonated = request.Amount };
    }

    private async Task<Outcome> ProposeAndApproveAsync(Random random)
    {
        // A committee's decision as it happens: one member proposes, another approves, and the quorum (one)
        // reserves the money in the same write as the vote.
        var fund = venues.Funds[random.Next(venues.Funds.Count)];
        var propose = new ProposeAllocationRequest
        {
            RequestId = NewRequestId(), FundId = fund.FundId, Recipient = "Load recipient", Amount = 1, Purpose = Setup.FundPurpose, Text = "Load generator allocation",
        };
        var (proposal, proposeFailure, proposeRetries) = await Retrying.CallAsync(options => client.ProposeAllocationAsync(propose, options), fund.Proposer);
        if (proposal is null)
        {
            return Outcome.Of(proposeFailure!, proposeRetries);
        }

        var vote = new VoteRequest { RequestId = NewRequestId(), FundId = fund.FundId, ProposalId = proposal.ProposalId, Approve = true };
        var (decided, voteFailure, voteRetries) = await Retrying.CallAsync(options => client.VoteAsync(vote, options), fund.Voter);
        return decided is null
            ? Outcome.Of(voteFailure!, proposeRetries + voteRetries)
            : Outcome.Ok(proposeRetries + voteRetries) with { MoneyReserved = decided.ReservedFromEarmark + decided.ReservedFromGeneral };
    }

    private string PickVolunteer(Random random) => volunteers[random.Next(volunteers.Count)];
}
