using Npgsql;
using NpgsqlTypes;
using TimeBank.Storage.Internal;

namespace TimeBank.Storage.Postgres;

/// <summary>
/// Commits a batch of writes in one transaction and three round trips, whatever its size: (1) record the
/// callers' request ids, lock the rows to update in key order, then update and insert state rows from
/// arrays, returning the ids whose version matched; (2) insert the journal rows of those writes from
/// arrays; (3) commit. A write whose version did not match fails alone, with nothing of it stored; the rest
/// commit. A write whose request id is already recorded is taken out and the rest tried again without it
/// (rare: a retry racing its original, or a reused id).
/// </summary>
internal static class PostgresBatchCommit
{
    private const string LockSql = "SELECT grain_id FROM grain_state WHERE grain_id = ANY($1) ORDER BY grain_id FOR UPDATE";

    // A write's standing goes in its state row; a write without one (nulls) leaves the row's as it was. Its scope and
    // member are set with the row and never change.
    private const string UpdateSql = """
        UPDATE grain_state AS g
           SET version = g.version + 1, payload = u.payload, updated_at = $4, reminders = u.reminders, next_reminder_at = u.due,
               rank_month = coalesce(u.rmonth, g.rank_month), rank_month_amount = coalesce(u.rmonthamount, g.rank_month_amount),
               rank_year = coalesce(u.ryear, g.rank_year), rank_year_amount = coalesce(u.ryearamount, g.rank_year_amount),
               rank_all_amount = coalesce(u.rall, g.rank_all_amount)
          FROM unnest($1::text[], $2::bigint[], $3::bytea[], $5::bytea[], $6::timestamptz[], $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[])
               AS u(grain_id, expected, payload, reminders, due, rmonth, rmonthamount, ryear, ryearamount, rall)
         WHERE g.grain_id = u.grain_id AND g.version = u.expected
        RETURNING g.grain_id
        """;

    // An answer-only write (a recorded refusal) changes no state row: it only needs the version it was decided on
    // to be the stored one (0: no row). No lock: the request id's unique key, not the row, keeps a second answer out.
    private const string CheckSql = """
        SELECT u.grain_id
          FROM unnest($1::text[], $2::bigint[]) AS u(grain_id, expected)
          LEFT JOIN grain_state AS g ON g.grain_id = u.grain_id
         WHERE coalesce(g.version, 0) = u.expected
        """;

    private const string InsertSql = """
        INSERT INTO grain_state (grain_id, version, payload, updated_at, reminders, next_reminder_at,
                                 rank_scope, rank_member, rank_month, rank_month_amount, rank_year, rank_year_amount, rank_all_amount)
        SELECT u.grain_id, 1, u.payload, $3, u.reminders, u.due, u.rscope, u.rmember, u.rmonth, u.rmonthamount, u.ryear, u.ryearamount, u.rall
          FROM unnest($1::text[], $2::bytea[], $4::bytea[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::bigint[], $12::bigint[])
               WITH ORDINALITY AS u(grain_id, payload, reminders, due, rscope, rmember, rmonth, rmonthamount, ryear, ryearamount, rall, n)
         ORDER BY u.n
        ON CONFLICT (grain_id) DO NOTHING
        RETURNING grain_id
        """;

    // Binary COPY: the rows stream as they are, with no SQL to parse and no arrays to unnest (measured here:
    // unnesting 21 arrays cost about a tenth of the deposit rate).
    private const string JournalCopy =
        "COPY journal (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, "
        + "request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash) FROM STDIN (FORMAT BINARY)";

    private const string RequestsSql = """
        INSERT INTO requests (caller_key_id, request_id, operation, target, fingerprint, result, recorded_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::timestamptz[])
        ON CONFLICT DO NOTHING
        RETURNING caller_key_id, request_id
        """;

    private const string TalliesSql = """
        INSERT INTO tallies (scope, period, name, key, amount)
        SELECT u.scope, u.period, u.name, u.key, u.amount
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS u(scope, period, name, key, amount, n)
         ORDER BY u.n
        ON CONFLICT (scope, period, name, key) DO UPDATE SET amount = tallies.amount + excluded.amount
        """;

    private const string MarksSql = """
        INSERT INTO marks (scope, period, member)
        SELECT u.scope, u.period, u.member
          FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(scope, period, member, n)
         ORDER BY u.n
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Commits the batch and sets each write's outcome. Throws (outcomes unset) when the transaction fails.</summary>
    public static async Task CommitAsync(NpgsqlDataSource dataSource, IReadOnlyList<PendingWrite> batch, DateTime nowUtc)
    {
        var remaining = TakeOutRepeatedRequests(batch);
        while (remaining.Count > 0)
        {
            var duplicates = await TryCommitAsync(dataSource, remaining, nowUtc).ConfigureAwait(false);
            if (duplicates.Count == 0)
            {
                return;
            }

            // Rolled back: fail the writes whose request id was already recorded, and commit the others anew.
            foreach (var pending in duplicates)
            {
                pending.Outcome = PendingOutcome.Failed(new DuplicateRequestException(pending.Write.Request!.CallerKeyId, pending.Write.Request.RequestId));
            }

            remaining = remaining.Except(duplicates).ToList();
        }
    }

    /// <summary>Commits all of <paramref name="batch"/>, or rolls back and returns the writes whose request id was already recorded.</summary>
    private static async Task<List<PendingWrite>> TryCommitAsync(NpgsqlDataSource dataSource, IReadOnlyList<PendingWrite> batch, DateTime nowUtc)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        var updates = batch.Where(p => p.Write.ExpectedVersion > 0 && !p.Write.StateUnchanged).OrderBy(p => p.Write.GrainId, StringComparer.Ordinal).ToArray();
        var inserts = batch.Where(p => p.Write.ExpectedVersion == 0 && !p.Write.StateUnchanged).OrderBy(p => p.Write.GrainId, StringComparer.Ordinal).ToArray();
        var checks = batch.Where(p => p.Write.StateUnchanged).ToArray();
        var requests = batch.Where(p => p.Write.Request is not null).ToArray();
        var (applied, recorded) = await WriteStateAsync(connection, transaction, updates, inserts, checks, requests, batch, nowUtc).ConfigureAwait(false);

        var duplicates = requests.Where(p => !recorded.Contains((p.Write.Request!.CallerKeyId, p.Write.Request.RequestId))).ToList();
        if (duplicates.Count > 0)
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
            return duplicates;
        }

        var journaled = batch.Where(p => applied.Contains(p.Write.GrainId)).ToArray();
        if (journaled.Any(p => p.Write.Journal.Count > 0))
        {
            await InsertJournalAsync(connection, transaction, journaled).ConfigureAwait(false);
        }

        var stale = batch.Where(p => !applied.Contains(p.Write.GrainId)).ToArray();
        if (journaled.Any(p => p.Write.Marks.Count > 0) || stale.Any(p => p.Write.Tallies.Count > 0))
        {
            await ApplyReportsAsync(connection, transaction, journaled, stale).ConfigureAwait(false);
        }

        if (applied.Count < batch.Count && requests.Any(p => !applied.Contains(p.Write.GrainId)))
        {
            // A stale write's request id must not stay recorded: its effect is not stored.
            await DeleteRequestsAsync(connection, transaction, requests.Where(p => !applied.Contains(p.Write.GrainId))).ConfigureAwait(false);
        }

        var commitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        await transaction.CommitAsync().ConfigureAwait(false);
        StorageMetrics.Committed("PostgreSQL", commitStarted);
        foreach (var pending in batch)
        {
            pending.Outcome = applied.Contains(pending.Write.GrainId)
                ? PendingOutcome.Applied(pending.Write.VersionAfter)
                : PendingOutcome.Failed(new StaleStateException(pending.Write.GrainId, pending.Write.ExpectedVersion));
        }

        return [];
    }

    /// <summary>Two writes of one batch with the same request id: the first goes on, the others fail as duplicates now.</summary>
    private static List<PendingWrite> TakeOutRepeatedRequests(IReadOnlyList<PendingWrite> batch)
    {
        var seen = new HashSet<(string, string)>();
        var remaining = new List<PendingWrite>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Write.Request is { } request && !seen.Add((request.CallerKeyId, request.RequestId)))
            {
                pending.Outcome = PendingOutcome.Failed(new DuplicateRequestException(request.CallerKeyId, request.RequestId));
                continue;
            }

            remaining.Add(pending);
        }

        return remaining;
    }

    /// <summary>
    /// Takes back the tallies of the writes that turned out stale (added with the state writes, before that was known)
    /// and adds the applied writes' marks, in key order (so two processes' batches lock shared rows in the same order),
    /// in one round trip.
    /// </summary>
    private static async Task ApplyReportsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PendingWrite[] applied, PendingWrite[] stale)
    {
        var (_, marks) = ReportChanges.Sum(applied.Select(p => p.Write));
        var (staleTallies, _) = ReportChanges.Sum(stale.Select(p => p.Write));
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (staleTallies.Count > 0)
        {
            batch.BatchCommands.Add(TalliesCommand(staleTallies, sign: -1));
        }

        if (marks.Count > 0)
        {
            batch.BatchCommands.Add(Command(MarksSql, [marks.Select(m => m.Scope).ToArray(), marks.Select(m => m.Period).ToArray(), marks.Select(m => m.Member).ToArray()]));
        }

        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand TalliesCommand(List<KeyValuePair<ReportChanges.TallyKey, long>> tallies, int sign)
        => Command(TalliesSql, [
            tallies.Select(t => t.Key.Scope).ToArray(), tallies.Select(t => t.Key.Period).ToArray(), tallies.Select(t => t.Key.Name).ToArray(),
            tallies.Select(t => t.Key.Key).ToArray(), tallies.Select(t => sign * t.Value).ToArray()]);

    private static async Task DeleteRequestsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PendingWrite> writes)
    {
        var rows = writes.Select(p => p.Write.Request!).ToArray();
        await using var command = new NpgsqlCommand(
            "DELETE FROM requests AS r USING unnest($1::text[], $2::text[]) AS u(k, q) WHERE r.caller_key_id = u.k AND r.request_id = u.q", connection, transaction);
        command.Parameters.Add(Parameter(rows.Select(r => r.CallerKeyId).ToArray()));
        command.Parameters.Add(Parameter(rows.Select(r => r.RequestId).ToArray()));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task<(HashSet<string> Applied, HashSet<(string, string)> Recorded)> WriteStateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PendingWrite[] updates, PendingWrite[] inserts, PendingWrite[] checks, PendingWrite[] requests,
        IReadOnlyList<PendingWrite> all, DateTime nowUtc)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var requestResultSet = -1;
        if (requests.Length > 0)
        {
            var rows = requests.Select(p => p.Write.Request!).ToArray();
            batch.BatchCommands.Add(Command(RequestsSql, [
                rows.Select(r => r.CallerKeyId).ToArray(), rows.Select(r => r.RequestId).ToArray(), rows.Select(r => r.Operation).ToArray(),
                rows.Select(r => r.Target).ToArray(), rows.Select(r => r.Fingerprint.ToArray()).ToArray(), rows.Select(r => r.Result.ToArray()).ToArray(),
                rows.Select(r => r.RecordedAt.UtcDateTime).ToArray()]));
            requestResultSet = 0;
        }

        var firstCounted = batch.BatchCommands.Count;
        if (updates.Length > 0)
        {
            // Rows are locked in key order first, so two processes' batches over the same grains queue behind
            // each other instead of deadlocking.
            var ids = updates.Select(p => p.Write.GrainId).ToArray();
            batch.BatchCommands.Add(Command(LockSql, [ids]));
            batch.BatchCommands.Add(Command(UpdateSql, [
                ids, updates.Select(p => p.Write.ExpectedVersion).ToArray(), updates.Select(p => p.Write.Payload.ToArray()).ToArray(), nowUtc,
                Reminders(updates), NextReminders(updates), .. StandingAmounts(updates)]));
            firstCounted++; // the lock's rows are not counted
        }

        if (inserts.Length > 0)
        {
            batch.BatchCommands.Add(Command(InsertSql, [
                inserts.Select(p => p.Write.GrainId).ToArray(), inserts.Select(p => p.Write.Payload.ToArray()).ToArray(), nowUtc, Reminders(inserts), NextReminders(inserts),
                inserts.Select(p => p.Write.Standing?.Scope).ToArray(), inserts.Select(p => p.Write.Standing?.Member).ToArray(), .. StandingAmounts(inserts)]));
        }

        if (checks.Length > 0)
        {
            batch.BatchCommands.Add(Command(CheckSql, [checks.Select(p => p.Write.GrainId).ToArray(), checks.Select(p => p.Write.ExpectedVersion).ToArray()]));
        }

        // Every write's tallies ride in this round trip, before it is known which writes apply: a stale write is
        // rare, and its tallies are taken back in a later statement of the same transaction (ApplyReportsAsync).
        var (tallies, _) = ReportChanges.Sum(all.Select(p => p.Write));
        if (tallies.Count > 0)
        {
            batch.BatchCommands.Add(TalliesCommand(tallies, sign: 1));
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        var recorded = new HashSet<(string, string)>();
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        var resultSet = 0;
        do
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (resultSet == requestResultSet)
                {
                    recorded.Add((reader.GetString(0), reader.GetString(1)));
                }
                else if (resultSet >= firstCounted)
                {
                    applied.Add(reader.GetString(0));
                }
            }

            resultSet++;
        }
        while (await reader.NextResultAsync().ConfigureAwait(false));

        return (applied, recorded);
    }

    /// <summary>The journal rows of the writes, in one binary COPY inside the batch's transaction.</summary>
    private static async Task InsertJournalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PendingWrite[] writes)
    {
        _ = transaction; // COPY runs in the connection's open transaction
        await using var copy = await connection.BeginBinaryImportAsync(JournalCopy).ConfigureAwait(false);
        foreach (var pending in writes)
        {
            foreach (var entry in pending.Write.Journal)
            {
                await copy.StartRowAsync().ConfigureAwait(false);
                await copy.WriteAsync(pending.Write.GrainId, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await copy.WriteAsync(entry.RequestId, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.Leg, NpgsqlDbType.Integer).ConfigureAwait(false);
                await copy.WriteAsync(entry.Ledger, NpgsqlDbType.Integer).ConfigureAwait(false);
                await copy.WriteAsync(entry.DebitAccount, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.CreditAccount, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.Amount, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await copy.WriteAsync(entry.Code, NpgsqlDbType.Integer).ConfigureAwait(false);
                await copy.WriteAsync(entry.Reference, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.BalanceAfter, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await copy.WriteAsync(entry.RecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz).ConfigureAwait(false);
                await copy.WriteAsync(entry.RequestHash.ToArray(), NpgsqlDbType.Bytea).ConfigureAwait(false);
                await copy.WriteAsync(entry.ActorKeyId, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.Kind, NpgsqlDbType.Integer).ConfigureAwait(false);
                await copy.WriteAsync(entry.PendingId, NpgsqlDbType.Text).ConfigureAwait(false);
                if (entry.TimeoutAt is { } timeout)
                {
                    await copy.WriteAsync(timeout.UtcDateTime, NpgsqlDbType.TimestampTz).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync().ConfigureAwait(false);
                }

                await copy.WriteAsync(entry.Category, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.Memo, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(entry.PolicyVersion, NpgsqlDbType.Bigint).ConfigureAwait(false);
                if (entry.ChainHash.IsEmpty)
                {
                    await copy.WriteNullAsync().ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteAsync(entry.ChainHash.ToArray(), NpgsqlDbType.Bytea).ConfigureAwait(false);
                }
            }
        }

        await copy.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>The standings' month, month amount, year, year amount and all-time amount, as five arrays (nulls where a write has none).</summary>
    private static object[] StandingAmounts(PendingWrite[] writes) =>
    [
        writes.Select(p => p.Write.Standing?.Month).ToArray(), writes.Select(p => p.Write.Standing?.MonthAmount).ToArray(),
        writes.Select(p => p.Write.Standing?.Year).ToArray(), writes.Select(p => p.Write.Standing?.YearAmount).ToArray(),
        writes.Select(p => p.Write.Standing?.AllAmount).ToArray(),
    ];

    private static byte[]?[] Reminders(PendingWrite[] writes) => writes.Select(p => p.Write.Reminders.IsEmpty ? null : p.Write.Reminders.ToArray()).ToArray();

    private static DateTime?[] NextReminders(PendingWrite[] writes) => writes.Select(p => p.Write.NextReminderAt?.UtcDateTime).ToArray();

    // Not `params`: a lone string[] would be spread into separate parameters by array covariance.
    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(Parameter(value));
        }

        return command;
    }

    /// <remarks>
    /// Times go as timestamptz explicitly: left to inference, an array whose first element is null (a grain
    /// without a reminder) is taken for timestamp without time zone and refuses the UTC times after it.
    /// </remarks>
    private static NpgsqlParameter Parameter(object value) => value switch
    {
        DateTime?[] or DateTime[] => new() { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz },
        DateTime => new() { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
        _ => new() { Value = value },
    };
}
