namespace TimeBank.Storage.Sqlite;

/// <summary>
/// The schema, as numbered steps. A step is never edited once released; a change is a new step.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "grain state and journal", """
            CREATE TABLE grain_state (
                grain_id   TEXT    NOT NULL PRIMARY KEY,
                version    INTEGER NOT NULL,
                payload    BLOB    NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE journal (
                grain_id       TEXT    NOT NULL,
                sequence       INTEGER NOT NULL,
                request_id     TEXT    NOT NULL,
                leg            INTEGER NOT NULL,
                ledger         INTEGER NOT NULL,
                debit_account  TEXT    NOT NULL,
                credit_account TEXT    NOT NULL,
                amount         INTEGER NOT NULL CHECK (amount > 0),
                code           INTEGER NOT NULL,
                reference      TEXT    NOT NULL,
                balance_after  INTEGER NOT NULL,
                recorded_at    INTEGER NOT NULL,
                request_hash   BLOB    NOT NULL,
                PRIMARY KEY (grain_id, sequence)
            ) WITHOUT ROWID;

            CREATE UNIQUE INDEX journal_by_request ON journal (grain_id, request_id, leg);
            """),
        new(2, "request ids per caller key; who acted", """
            -- Request ids are unique per caller key in requests, written in the same transaction as the rows
            -- they explain, so the journal's own (grain, request id, leg) index only cost two index inserts
            -- per deposit: dropped. The journal's key stays (grain_id, sequence).
            ALTER TABLE journal ADD COLUMN actor_key_id TEXT NOT NULL DEFAULT '';
            DROP INDEX journal_by_request;

            CREATE TABLE requests (
                caller_key_id TEXT    NOT NULL,
                request_id    TEXT    NOT NULL,
                operation     TEXT    NOT NULL,
                target        TEXT    NOT NULL,
                fingerprint   BLOB    NOT NULL,
                result        BLOB    NOT NULL,
                recorded_at   INTEGER NOT NULL,
                PRIMARY KEY (caller_key_id, request_id)
            ) WITHOUT ROWID;
            """),
        new(3, "api keys", """
            CREATE TABLE api_keys (
                key_id       TEXT    NOT NULL PRIMARY KEY,
                secret_hash  BLOB    NOT NULL,
                role         TEXT    NOT NULL,
                scope        TEXT    NOT NULL,
                member       TEXT    NOT NULL,
                display_name TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                created_by   TEXT    NOT NULL,
                revoked_at   INTEGER NULL,
                last_used_at INTEGER NULL
            ) WITHOUT ROWID;
            """),
        new(4, "two-phase transfers, categories, policy versions, hash-chained journal", """
            ALTER TABLE journal ADD COLUMN kind           INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE journal ADD COLUMN pending_id     TEXT    NOT NULL DEFAULT '';
            ALTER TABLE journal ADD COLUMN timeout_at     INTEGER NULL;
            ALTER TABLE journal ADD COLUMN category       TEXT    NOT NULL DEFAULT '';
            ALTER TABLE journal ADD COLUMN memo           TEXT    NOT NULL DEFAULT '';
            ALTER TABLE journal ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE journal ADD COLUMN chain_hash     BLOB    NULL;
            """, FillsJournalChains: true),
        new(5, "durable reminders", """
            -- A grain's reminders live with its state (written in the same transaction); the index finds the
            -- grains with one due.
            ALTER TABLE grain_state ADD COLUMN reminders        BLOB    NULL;
            ALTER TABLE grain_state ADD COLUMN next_reminder_at INTEGER NULL;
            CREATE INDEX grain_state_by_reminder ON grain_state (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
            """),
        new(6, "report tallies, standings and marks", """
            -- What reports read, kept by the writes they count in the same transaction (see IReportStore).
            CREATE TABLE tallies (
                scope  TEXT    NOT NULL,
                period TEXT    NOT NULL,
                name   TEXT    NOT NULL,
                key    TEXT    NOT NULL,
                amount INTEGER NOT NULL,
                PRIMARY KEY (scope, period, name, key)
            ) WITHOUT ROWID;

            -- Who took part when: written once per member and period, so most writes add no row here.
            CREATE TABLE marks (
                scope  TEXT NOT NULL,
                period TEXT NOT NULL,
                member TEXT NOT NULL,
                PRIMARY KEY (scope, period, member)
            ) WITHOUT ROWID;

            -- A grain's standing lives in its own state row, written by the statement that writes the state: no row
            -- and no index of its own per write. Only the scope is indexed, and it never changes once the row exists;
            -- a ranking sorts its scope's rows.
            ALTER TABLE grain_state ADD COLUMN rank_scope        TEXT    NULL;
            ALTER TABLE grain_state ADD COLUMN rank_member       TEXT    NULL;
            ALTER TABLE grain_state ADD COLUMN rank_month        TEXT    NULL;
            ALTER TABLE grain_state ADD COLUMN rank_month_amount INTEGER NULL;
            ALTER TABLE grain_state ADD COLUMN rank_year         TEXT    NULL;
            ALTER TABLE grain_state ADD COLUMN rank_year_amount  INTEGER NULL;
            ALTER TABLE grain_state ADD COLUMN rank_all_amount   INTEGER NULL;
            CREATE INDEX grain_state_by_rank_scope ON grain_state (rank_scope) WHERE rank_scope IS NOT NULL;
            """),
        new(7, "journal rows in commit order", """
            -- Keyed by (grain_id, sequence), the journal took each grain's new rows in the middle of its B-tree, at
            -- the end of that grain's run: a batch of deposits for a thousand volunteers wrote a thousand places
            -- at random, and the pages it rewrote (splits spread over three siblings) were about 3.5 of the 5 a
            -- deposit put in the WAL. Rows now go in commit order (the rowid), onto the table's last pages; the
            -- key stays unique through an index, whose small entries (about 120 to a leaf) split far less often.
            CREATE TABLE journal_in_commit_order (
                id             INTEGER PRIMARY KEY,
                grain_id       TEXT    NOT NULL,
                sequence       INTEGER NOT NULL,
                request_id     TEXT    NOT NULL,
                leg            INTEGER NOT NULL,
                ledger         INTEGER NOT NULL,
                debit_account  TEXT    NOT NULL,
                credit_account TEXT    NOT NULL,
                amount         INTEGER NOT NULL CHECK (amount > 0),
                code           INTEGER NOT NULL,
                reference      TEXT    NOT NULL,
                balance_after  INTEGER NOT NULL,
                recorded_at    INTEGER NOT NULL,
                request_hash   BLOB    NOT NULL,
                actor_key_id   TEXT    NOT NULL DEFAULT '',
                kind           INTEGER NOT NULL DEFAULT 0,
                pending_id     TEXT    NOT NULL DEFAULT '',
                timeout_at     INTEGER NULL,
                category       TEXT    NOT NULL DEFAULT '',
                memo           TEXT    NOT NULL DEFAULT '',
                policy_version INTEGER NOT NULL DEFAULT 0,
                chain_hash     BLOB    NULL
            );

            INSERT INTO journal_in_commit_order (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code,
                reference, balance_after, recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash)
            SELECT grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code,
                reference, balance_after, recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash
            FROM journal ORDER BY recorded_at, grain_id, sequence;

            DROP TABLE journal;
            ALTER TABLE journal_in_commit_order RENAME TO journal;
            CREATE UNIQUE INDEX journal_by_grain ON journal (grain_id, sequence);
            """),
    ];
}


