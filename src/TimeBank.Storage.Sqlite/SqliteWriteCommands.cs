using Microsoft.Data.Sqlite;
using TimeBank.Storage.Internal;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// The writer connection's statements, prepared once and reused with new parameter values: once writes are
/// batched, per-statement CPU rather than fsync bounds SQLite, so nothing is parsed twice.
/// </summary>
internal sealed class SqliteWriteCommands : IDisposable
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555; // extended codes: which constraint refused the row
    private const int SqliteConstraintUnique = 2067;

    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollbackTo;
    private readonly SqliteCommand _insertState;
    private readonly SqliteCommand _updateState;
    private readonly SqliteCommand _insertJournal;
    private readonly SqliteCommand _insertRequest;
    private readonly SqliteCommand _addTally;
    private readonly SqliteCommand _insertMark;

    public SqliteWriteCommands(SqliteConnection connection)
    {
        _savepoint = Create(connection, "SAVEPOINT grain_write");
        _release = Create(connection, "RELEASE grain_write");
        _rollbackTo = Create(connection, "ROLLBACK TO grain_write");
        _insertState = Create(
            connection,
            "INSERT INTO grain_state (grain_id, version, payload, updated_at, reminders, next_reminder_at, rank_scope, rank_member, rank_month, rank_month_amount, rank_year, rank_year_amount, rank_all_amount) "
            + "VALUES ($id, 1, $payload, $now, $reminders, $due, $rscope, $rmember, $rmonth, $rmonthamount, $ryear, $ryearamount, $rall) ON CONFLICT (grain_id) DO NOTHING",
            "$id", "$payload", "$now", "$reminders", "$due", "$rscope", "$rmember", "$rmonth", "$rmonthamount", "$ryear", "$ryearamount", "$rall");
        _updateState = Create(
            connection,
            // The standing's amounts only: its scope and member are set with the row and never change, so the scope's
            // index is not rewritten by every write (a write without a standing leaves the amounts as they are).
            "UPDATE grain_state SET version = version + 1, payload = $payload, updated_at = $now, reminders = $reminders, next_reminder_at = $due, "
            + "rank_month = coalesce($rmonth, rank_month), rank_month_amount = coalesce($rmonthamount, rank_month_amount), rank_year = coalesce($ryear, rank_year), "
            + "rank_year_amount = coalesce($ryearamount, rank_year_amount), rank_all_amount = coalesce($rall, rank_all_amount) WHERE grain_id = $id AND version = $expected",
            "$id", "$payload", "$now", "$reminders", "$due", "$expected", "$rmonth", "$rmonthamount", "$ryear", "$ryearamount", "$rall");
        _insertJournal = Create(
            connection,
            $"INSERT INTO journal ({SqliteJournalColumns.Select}, grain_id) VALUES ($seq, $req, $leg, $ledger, $debit, $credit, $amount, $code, $ref, $after, $at, $hash, $actor, $kind, $pending, $timeout, $category, $memo, $policy, $chain, $id)",
            "$seq", "$req", "$leg", "$ledger", "$debit", "$credit", "$amount", "$code", "$ref", "$after", "$at", "$hash", "$actor",
            "$kind", "$pending", "$timeout", "$category", "$memo", "$policy", "$chain", "$id");
        // DO NOTHING rather than a constraint error: a request id already stored is told apart from a stale
        // journal key by the row count, not by parsing which index refused the row.
        _insertRequest = Create(
            connection,
            "INSERT INTO requests (caller_key_id, request_id, operation, target, fingerprint, result, recorded_at) VALUES ($key, $req, $op, $target, $fp, $result, $at) ON CONFLICT DO NOTHING",
            "$key", "$req", "$op", "$target", "$fp", "$result", "$at");
        _addTally = Create(
            connection,
            "INSERT INTO tallies (scope, period, name, key, amount) VALUES ($scope, $period, $name, $key, $amount) ON CONFLICT (scope, period, name, key) DO UPDATE SET amount = amount + excluded.amount",
            "$scope", "$period", "$name", "$key", "$amount");
        _insertMark = Create(
            connection,
            "INSERT INTO marks (scope, period, member) VALUES ($scope, $period, $member) ON CONFLICT DO NOTHING",
            "$scope", "$period", "$member");
    }

    public void Enlist(SqliteTransaction transaction)
    {
        _savepoint.Transaction = transaction;
        _release.Transaction = transaction;
        _rollbackTo.Transaction = transaction;
        _insertState.Transaction = transaction;
        _updateState.Transaction = transaction;
        _insertJournal.Transaction = transaction;
        _insertRequest.Transaction = transaction;
        _addTally.Transaction = transaction;
        _insertMark.Transaction = transaction;
    }

    /// <summary>
    /// Adds the tallies and marks of the batch's applied writes, each counter once with the sum of its changes
    /// (a busy month's counter is written once per batch, not once per write) and each mark once.
    /// </summary>
    public void ApplyReports(IEnumerable<StateWrite> applied)
    {
        var (tallies, marks) = ReportChanges.Sum(applied);
        foreach (var (t, amount) in tallies.Select(t => (t.Key, t.Value)))
        {
            var p = _addTally.Parameters;
            p["$scope"].Value = t.Scope;
            p["$period"].Value = t.Period;
            p["$name"].Value = t.Name;
            p["$key"].Value = t.Key;
            p["$amount"].Value = amount;
            _addTally.ExecuteNonQuery();
        }

        foreach (var mark in marks)
        {
            var p = _insertMark.Parameters;
            p["$scope"].Value = mark.Scope;
            p["$period"].Value = mark.Period;
            p["$member"].Value = mark.Member;
            _insertMark.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Applies one write inside the open transaction, in a savepoint of its own. A stale version or a
    /// repeated journal key rolls back this write only and reports it; anything else is thrown and
    /// fails the whole batch.
    /// </summary>
    public bool TryApply(StateWrite write, long nowMilliseconds, out long version, out Exception? failure)
    {
        _savepoint.ExecuteNonQuery();
        try
        {
            if (write.Request is { } request && !InsertRequest(request))
            {
                _rollbackTo.ExecuteNonQuery();
                _release.ExecuteNonQuery();
                version = 0;
                failure = new DuplicateRequestException(request.CallerKeyId, request.RequestId);
                return false;
            }

            if (!WriteState(write, nowMilliseconds))
            {
                _rollbackTo.ExecuteNonQuery();
                _release.ExecuteNonQuery();
                version = 0;
                failure = new StaleStateException(write.GrainId, write.ExpectedVersion);
                return false;
            }

            foreach (var entry in write.Journal)
            {
                InsertJournal(write.GrainId, entry);
            }

            _release.ExecuteNonQuery();
            version = write.ExpectedVersion + 1;
            failure = null;
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            _rollbackTo.ExecuteNonQuery();
            _release.ExecuteNonQuery();
            version = 0;
            failure = e.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique
                ? new StaleStateException($"Journal of '{write.GrainId}' already holds one of these rows.", e)
                : new StorageRejectedException($"SQLite rejected the write of '{write.GrainId}': {e.Message}", e);
            return false;
        }
    }

    public void Dispose()
    {
        _savepoint.Dispose();
        _release.Dispose();
        _rollbackTo.Dispose();
        _insertState.Dispose();
        _updateState.Dispose();
        _insertJournal.Dispose();
        _insertRequest.Dispose();
        _addTally.Dispose();
        _insertMark.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private bool WriteState(StateWrite write, long nowMilliseconds)
    {
        var command = write.ExpectedVersion == 0 ? _insertState : _updateState;
        command.Parameters["$id"].Value = write.GrainId;
        command.Parameters["$payload"].Value = write.Payload.ToArray();
        command.Parameters["$now"].Value = nowMilliseconds;
        command.Parameters["$reminders"].Value = write.Reminders.IsEmpty ? DBNull.Value : write.Reminders.ToArray();
        command.Parameters["$due"].Value = write.NextReminderAt is { } due ? UnixMicroseconds.From(due) : DBNull.Value;
        var standing = write.Standing;
        if (write.ExpectedVersion == 0)
        {
            command.Parameters["$rscope"].Value = (object?)standing?.Scope ?? DBNull.Value;
            command.Parameters["$rmember"].Value = (object?)standing?.Member ?? DBNull.Value;
        }

        command.Parameters["$rmonth"].Value = (object?)standing?.Month ?? DBNull.Value;
        command.Parameters["$rmonthamount"].Value = (object?)standing?.MonthAmount ?? DBNull.Value;
        command.Parameters["$ryear"].Value = (object?)standing?.Year ?? DBNull.Value;
        command.Parameters["$ryearamount"].Value = (object?)standing?.YearAmount ?? DBNull.Value;
        command.Parameters["$rall"].Value = (object?)standing?.AllAmount ?? DBNull.Value;
        if (write.ExpectedVersion != 0)
        {
            command.Parameters["$expected"].Value = write.ExpectedVersion;
        }

        return command.ExecuteNonQuery() == 1;
    }

    private void InsertJournal(string grainId, JournalEntry entry)
    {
        var p = _insertJournal.Parameters;
        p["$seq"].Value = entry.Sequence;
        p["$req"].Value = entry.RequestId;
        p["$leg"].Value = entry.Leg;
        p["$ledger"].Value = entry.Ledger;
        p["$debit"].Value = entry.DebitAccount;
        p["$credit"].Value = entry.CreditAccount;
        p["$amount"].Value = entry.Amount;
        p["$code"].Value = entry.Code;
        p["$ref"].Value = entry.Reference;
        p["$after"].Value = entry.BalanceAfter;
        p["$at"].Value = UnixMicroseconds.From(entry.RecordedAt);
        p["$hash"].Value = entry.RequestHash.ToArray();
        p["$actor"].Value = entry.ActorKeyId;
        p["$kind"].Value = entry.Kind;
        p["$pending"].Value = entry.PendingId;
        p["$timeout"].Value = entry.TimeoutAt is { } timeout ? UnixMicroseconds.From(timeout) : DBNull.Value;
        p["$category"].Value = entry.Category;
        p["$memo"].Value = entry.Memo;
        p["$policy"].Value = entry.PolicyVersion;
        p["$chain"].Value = entry.ChainHash.IsEmpty ? DBNull.Value : entry.ChainHash.ToArray();
        p["$id"].Value = grainId;
        _insertJournal.ExecuteNonQuery();
    }

    private bool InsertRequest(RequestRecord request)
    {
        var p = _insertRequest.Parameters;
        p["$key"].Value = request.CallerKeyId;
        p["$req"].Value = request.RequestId;
        p["$op"].Value = request.Operation;
        p["$target"].Value = request.Target;
        p["$fp"].Value = request.Fingerprint.ToArray();
        p["$result"].Value = request.Result.ToArray();
        p["$at"].Value = UnixMicroseconds.From(request.RecordedAt);
        return _insertRequest.ExecuteNonQuery() == 1;
    }
}
