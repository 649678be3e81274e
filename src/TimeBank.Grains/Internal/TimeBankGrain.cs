using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using TimeBank.Contracts.V1;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;

namespace TimeBank.Grains.Internal;

/// <summary>
/// The one door through which a TimeBank grain changes anything. <see cref="MutateAsync"/> checks the
/// caller's request id (a retry gets the first answer, a reused id a failure), runs the grain's apply step,
/// turns the transfers it posted into journal rows (sequence, leg, balance after, who acted, request
/// fingerprint) and writes state, journal and the request record in one durable transaction. No grain
/// builds storage rows or fingerprints by hand.
/// </summary>
public abstract class TimeBankGrain<TState> : Grain<TState>
    where TState : class, IJournaledState, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// True once this turn has changed <c>State</c> without storing it (a refused or colliding mutation): the
    /// activation forgets its state when the turn ends, and nothing more may be decided or written from it
    /// in this turn.
    /// </summary>
    protected bool StateDiscarded { get; private set; }

    /// <summary>Forgets this activation's state after the turn; see <see cref="StateDiscarded"/>.</summary>
    protected void Discard()
    {
        StateDiscarded = true;
        DiscardAfterTurn();
    }

    /// <summary>
    /// Runs one idempotent mutation. <paramref name="apply"/> validates first, then changes <c>State</c>
    /// and reports what it did to the <see cref="Changes"/>; if it answers with a failure, no state or journal is
    /// written (and if it had reported a change first, this activation forgets its in-memory state after the turn
    /// so the next call reloads what is stored), but a final refusal (<see cref="TimeBank.Contracts.V1.ErrorReason.IsFinal"/>)
    /// is stored as the request's answer. An apply that changed nothing writes nothing (its answer follows from
    /// the state, so a retry gets it again without a record).
    /// </summary>
    /// <remarks>
    /// The request id is checked optimistically, as a unique key is: a new id (nearly every call) costs no
    /// read, because its record is inserted in the same transaction as the change and the store refuses a
    /// second record for the same caller and id. Only an answer that writes nothing (a failure, or a call
    /// that found nothing to change) looks the id up first, since a retry must get the first answer even
    /// when the state has moved on since (a retried debit must not now fail for want of balance).
    /// <para>
    /// Why a refusal is stored: the answer to a request id is the first one, whatever it was. Left unrecorded, a
    /// refusal for want of hours would be followed, once hours arrive, by a success for a retry of the same
    /// request — two answers, and an effect the caller was told did not happen. (TigerBeetle likewise keeps the
    /// ids of transfers that failed on the state of the moment.) It is written against the state version it was
    /// decided on, without writing the state: a refusal decided on a copy that is behind (another process has
    /// moved the grain on) fails as stale, the caller gets ABORTED, and its retry decides on the stored state.
    /// </para>
    /// </remarks>
    /// <param name="operation">The operation's name, part of the idempotency check (by default the calling method).</param>
    protected Task<Result<T>> MutateAsync<TCommand, T>(
        RequestKey request, TCommand command, Func<TCommand, Changes, Result<T>> apply, [CallerMemberName] string operation = "")
        where T : class
        => MutateAsync(request, request.CallerKeyId, lookUpFirst: false, command, apply, operation);

    /// <summary>
    /// <see cref="MutateAsync{TCommand, T}(RequestKey, TCommand, Func{TCommand, Changes, Result{T}}, string)"/>
    /// with more choices: <paramref name="actorKeyId"/> names who acted in the journal when the request key is
    /// the system's (a step of a transfer done for a caller); <paramref name="lookUpFirst"/> reads the request
    /// id before applying, for operations whose answer goes on to drive more steps in the same turn and so
    /// must never be computed on state that is about to be thrown away.
    /// </summary>
    protected async Task<Result<T>> MutateAsync<TCommand, T>(
        RequestKey request, string actorKeyId, bool lookUpFirst, TCommand command, Func<TCommand, Changes, Result<T>> apply, [CallerMemberName] string operation = "")
        where T : class
    {
        ArgumentNullException.ThrowIfNull(apply);
        var target = GrainId.ToString();
        var fingerprint = Fingerprint(operation, command);
        if (lookUpFirst && await FindRequestAsync(request.CallerKeyId, request.RequestId) is { } answered)
        {
            return Replay<T>(answered, request, operation, target, fingerprint);
        }

        var discardedBefore = StateDiscarded;
        var changes = new Changes(UnixMicroseconds.Truncate(Clock.GetUtcNow()), target, State.JournalSequence + 1, actorKeyId);
        var result = apply(command, changes);
        if (!result.Succeeded || !changes.StateChanged)
        {
            if (changes.StateChanged)
            {
                Discard();
            }

            // Looked up already when lookUpFirst (apply does not wait, so nothing can have been recorded since by
            // this activation; a twin elsewhere that records first makes the refusal's write a duplicate, below).
            if (!lookUpFirst && await FindRequestAsync(request.CallerKeyId, request.RequestId) is { } earlier)
            {
                return Replay<T>(earlier, request, operation, target, fingerprint);
            }

            return !result.Succeeded && result.Failure.Reason.IsFinal && !discardedBefore
                ? await RecordRefusalAsync<T>(result.Failure, request, operation, target, fingerprint, changes.Now)
                : result;
        }

        foreach (var applied in changes.Transfers)
        {
            Report(applied.Transfer, changes);
        }

        BeforeWrite(changes.Now);
        var journal = await ToJournalAsync(changes, request, fingerprint);
        var record = new RequestRecord(
            request.CallerKeyId, request.RequestId, operation, target, fingerprint, JsonSerializer.SerializeToUtf8Bytes(result.Value, Json), changes.Now);
        try
        {
            await WriteStateAsync(journal, record, changes.Reports(CurrentStanding));
        }
        catch (DuplicateRequestException)
        {
            return await ReplayFirstAnswerAsync<T>(request, operation, target, fingerprint);
        }

        return result;
    }

    /// <summary>
    /// After a write refused because this caller's id is already recorded: a retry of a call that was answered (or
    /// racing its original on another activation or process), or the id reused. Nothing of the write is stored and
    /// this activation is already discarded; the first answer decides.
    /// </summary>
    private async Task<Result<T>> ReplayFirstAnswerAsync<T>(RequestKey request, string operation, string target, byte[] fingerprint)
        where T : class
    {
        StateDiscarded = true;
        var winner = await FindRequestAsync(request.CallerKeyId, request.RequestId)
            ?? throw new StaleStateException($"Request '{request.RequestId}' collided with a write that did not commit; retry.");
        return Replay<T>(winner, request, operation, target, fingerprint);
    }

    /// <summary>
    /// Answers a saga step sent to a grain this activation has no state for (a step's driver checked that the grain
    /// existed before it began). The refusal is stored like any other, against "no state": when another process has
    /// created the grain, that fails as stale, this copy reloads and the driver asks again
    /// (<see cref="SagaSteps.AskAgainLater"/>); when the grain truly does not exist, it is the step's answer for good.
    /// An earlier answer to the step is replayed first.
    /// </summary>
    protected Task<Result<T>> RefuseStepAsync<TCommand, T>(RequestKey request, string actorKeyId, TCommand command, Failure refusal, [CallerMemberName] string operation = "")
        where T : class
        => MutateAsync(request, actorKeyId, lookUpFirst: true, command, Result<T> (_, _) => refusal, operation);

    /// <summary>Stores a refusal as the request's answer, against the state version it was decided on; the state is not written.</summary>
    private async Task<Result<T>> RecordRefusalAsync<T>(Failure refusal, RequestKey request, string operation, string target, byte[] fingerprint, DateTimeOffset now)
        where T : class
    {
        var answer = new StoredRefusal(new RefusalAnswer(refusal.Reason.Code, refusal.Facts.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal)));
        var record = new RequestRecord(request.CallerKeyId, request.RequestId, operation, target, fingerprint, JsonSerializer.SerializeToUtf8Bytes(answer, Json), now);
        try
        {
            await WriteAnswerAsync(record);
        }
        catch (DuplicateRequestException)
        {
            return await ReplayFirstAnswerAsync<T>(request, operation, target, fingerprint);
        }

        return refusal;
    }

    /// <summary>
    /// Counts one transfer of a mutation about to be written in the community figures it changes (see
    /// <see cref="Changes.Count"/>), so the figures commit with the journal rows they sum. Called for every
    /// transfer, after the apply step; a grain whose transfers count in no figure leaves it empty.
    /// </summary>
    protected virtual void Report(Transfer transfer, Changes changes)
    {
    }

    /// <summary>The grain's standing in its rankings as its state holds it, written with every mutation; null for grains that keep none.</summary>
    protected virtual Storage.Reports.Standing? CurrentStanding => null;

    /// <summary>
    /// Called once a mutation is to be written, with its time: where a grain drops what it no longer needs to
    /// keep (ended holds and transfers past their retention), so its state stays bounded. Not a change by itself.
    /// </summary>
    protected virtual void BeforeWrite(DateTimeOffset now)
    {
    }

    /// <summary>The answer stored for a request key (the system's, for a step of this grain's own work), or null.</summary>
    protected async Task<T?> FindAnswerAsync<T>(string callerKeyId, string requestId)
        where T : class
        => await FindRequestAsync(callerKeyId, requestId) is { } record ? JsonSerializer.Deserialize<T>(record.Result.Span, Json) : null;

    private static Result<T> Replay<T>(RequestRecord earlier, RequestKey request, string operation, string target, byte[] fingerprint)
        where T : class
    {
        if (earlier.Operation == operation && earlier.Target == target && earlier.Fingerprint.Span.SequenceEqual(fingerprint))
        {
            if (IsRefusal(earlier.Result.Span) && JsonSerializer.Deserialize<StoredRefusal>(earlier.Result.Span, Json)?.Refusal is { } refusal)
            {
                var reason = ErrorReasons.All.FirstOrDefault(r => r.Code == refusal.Code)
                    ?? throw new InvalidDataException($"The stored refusal of request '{request.RequestId}' names no known reason ({refusal.Code}).");
                return Failure.Of(reason, refusal.Facts.Select(f => (f.Key, (object?)f.Value)).ToArray());
            }

            return JsonSerializer.Deserialize<T>(earlier.Result.Span, Json)
                ?? throw new InvalidDataException($"The stored answer to request '{request.RequestId}' is empty.");
        }

        return Failure.Of(ErrorReasons.RequestIdReused, ("request_id", request.RequestId), ("operation", earlier.Operation), ("target", earlier.Target));
    }

    /// <summary>Whether a stored answer is a recorded refusal: <c>{"$refusal":...}</c>, a shape no answer record has.</summary>
    private static bool IsRefusal(ReadOnlySpan<byte> answer) => answer.StartsWith("{\"$refusal\":"u8);

    /// <summary>A refusal as stored for a request (see <see cref="RecordRefusalAsync"/>).</summary>
    private sealed record StoredRefusal([property: System.Text.Json.Serialization.JsonPropertyName("$refusal")] RefusalAnswer Refusal);

    private sealed record RefusalAnswer(string Code, Dictionary<string, string> Facts);

    private static byte[] Fingerprint<TCommand>(string operation, TCommand command)
    {
        // The operation and the command's JSON (records serialize their members in declaration order):
        // equal requests hash alike, any differing field does not.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(operation, Json));
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(command, Json));
        return hash.GetHashAndReset();
    }

    private async Task<List<JournalEntry>> ToJournalAsync(Changes changes, RequestKey request, byte[] fingerprint)
    {
        var rows = new List<JournalEntry>(changes.Transfers.Count);
        for (var leg = 0; leg < changes.Transfers.Count; leg++)
        {
            var (transfer, memo, balanceAfter, policyVersion) = changes.Transfers[leg];
            rows.Add(new JournalEntry(
                Sequence: State.JournalSequence + 1 + leg,
                RequestId: request.RequestId,
                Leg: leg,
                Ledger: (int)transfer.Ledger,
                DebitAccount: transfer.DebitAccount,
                CreditAccount: transfer.CreditAccount,
                Amount: transfer.Amount,
                Code: (int)transfer.Code,
                Reference: transfer.Reference,
                BalanceAfter: balanceAfter,
                RecordedAt: transfer.Timestamp,
                RequestHash: fingerprint)
            {
                ActorKeyId = transfer.ActorKeyId,
                Kind = (int)transfer.Kind,
                PendingId = transfer.PendingId ?? "",
                TimeoutAt = transfer.Timeout,
                Category = transfer.Category,
                Memo = memo,
                PolicyVersion = policyVersion,
            });
        }

        if (rows.Count > 0)
        {
            var head = await ChainHeadAsync();
            State.JournalHash = JournalChain.Link(head, GrainId.ToString(), rows).ToArray();
            State.JournalSequence += rows.Count;
        }

        return rows;
    }

    /// <summary>
    /// The hash the next row chains to. State written before the journal was chained has none; its last row
    /// got its hash from the migration, so it is read once from there.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>> ChainHeadAsync()
    {
        if (State.JournalSequence == 0)
        {
            return JournalChain.Genesis;
        }

        if (State.JournalHash is { Length: JournalChain.HashLength } head)
        {
            return head;
        }

        var last = await ReadJournalAsync(State.JournalSequence - 1, 1);
        return last is [{ ChainHash.Length: JournalChain.HashLength } row] && row.Sequence == State.JournalSequence
            ? row.ChainHash
            : throw new InvalidDataException($"The journal of '{GrainId}' has no chained row {State.JournalSequence} to continue from.");
    }
}
