namespace TimeBank.Storage.Postgres;

/// <summary>The PostgreSQL schema, as numbered steps. A released step is never edited; a change is a new step.</summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "grain state and journal", """
            CREATE TABLE grain_state (
                grain_id   text        NOT NULL PRIMARY KEY,
                version    bigint      NOT NULL,
                payload    bytea       NOT NULL,
                updated_at timestamptz NOT NULL
            );

            CREATE TABLE journal (
                grain_id       text        NOT NULL,
                sequence       bigint      NOT NULL,
                request_id     text        NOT NULL,
                leg            integer     NOT NULL,
                ledger         integer     NOT NULL,
                debit_account  text        NOT NULL,
                credit_account text        NOT NULL,
                amount         bigint      NOT NULL CHECK (amount > 0),
                code           integer     NOT NULL,
                reference      text        NOT NULL,
                balance_after  bigint      NOT NULL,
                recorded_at    timestamptz NOT NULL,
                request_hash   bytea       NOT NULL,
                PRIMARY KEY (grain_id, sequence)
            );

            CREATE UNIQUE INDEX journal_by_request ON journal (grain_id, request_id, leg);
            """),
        new(2, "request ids per caller key; who acted", """
            -- Request ids are unique per caller key in requests, written in the same transaction as the rows
            -- they explain, so the journal's own (grain, request id, leg) index only cost two index inserts
            -- per deposit: dropped. The journal's key stays (grain_id, sequence).
            ALTER TABLE journal ADD COLUMN actor_key_id text NOT NULL DEFAULT '';
            DROP INDEX journal_by_request;

            CREATE TABLE requests (
                caller_key_id text        NOT NULL,
                request_id    text        NOT NULL,
                operation     text        NOT NULL,
                target        text        NOT NULL,
                fingerprint   bytea       NOT NULL,
                result        bytea       NOT NULL,
                recorded_at   timestamptz NOT NULL,
                PRIMARY KEY (caller_key_id, request_id)
            );
            """),
        new(3, "api keys", """
            CREATE TABLE api_keys (
                key_id       text        NOT NULL PRIMARY KEY,
                secret_hash  bytea       NOT NULL,
                role         text        NOT NULL,
                scope        text        NOT NULL,
                member       text        NOT NULL,
                display_name text        NOT NULL,
                created_at   timestamptz NOT NULL,
                created_by   text        NOT NULL,
                revoked_at   timestamptz NULL,
                last_used_at timestamptz NULL
            );
            """),
        new(4, "two-phase transfers, categories, policy versions, hash-chained journal", """
            ALTER TABLE journal
                ADD COLUMN kind           integer     NOT NULL DEFAULT 0,
                ADD COLUMN pending_id     text        NOT NULL DEFAULT '',
                ADD COLUMN timeout_at     timestamptz NULL,
                ADD COLUMN category       text        NOT NULL DEFAULT '',
                ADD COLUMN memo           text        NOT NULL DEFAULT '',
                ADD COLUMN policy_version bigint      NOT NULL DEFAULT 0,
                ADD COLUMN chain_hash     bytea       NULL;
            """, FillsJournalChains: true),
        new(5, "durable reminders", """
            -- A grain's reminders live with its state (written in the same transaction); the index finds the
            -- grains with one due.
            ALTER TABLE grain_state
                ADD COLUMN reminders        bytea       NULL,
                ADD COLUMN next_reminder_at timestamptz NULL;
            CREATE INDEX grain_state_by_reminder ON grain_state (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
            """),
        new(6, "report tallies, standings and marks", """
            -- What reports read, kept by the writes they count in the same transaction (see IReportStore). Byte order
            -- ("C") for periods and names, as SQLite and the in-memory store compare them. Pages keep room (fillfactor)
            -- so adding to a counter is a HOT update: no index entry is written.
            CREATE TABLE tallies (
                scope  text COLLATE "C" NOT NULL,
                period text COLLATE "C" NOT NULL,
                name   text COLLATE "C" NOT NULL,
                key    text COLLATE "C" NOT NULL,
                amount bigint           NOT NULL,
                PRIMARY KEY (scope, period, name, key)
            ) WITH (fillfactor = 70);

            -- Who took part when: written once per member and period, so most writes add no row here.
            CREATE TABLE marks (
                scope  text COLLATE "C" NOT NULL,
                period text COLLATE "C" NOT NULL,
                member text COLLATE "C" NOT NULL,
                PRIMARY KEY (scope, period, member)
            );

            -- A grain's standing lives in its own state row, written by the statement that writes the state: no row of
            -- its own per write, and (only the scope being indexed, which never changes) still a HOT update.
            ALTER TABLE grain_state
                ADD COLUMN rank_scope        text COLLATE "C" NULL,
                ADD COLUMN rank_member       text COLLATE "C" NULL,
                ADD COLUMN rank_month        text COLLATE "C" NULL,
                ADD COLUMN rank_month_amount bigint           NULL,
                ADD COLUMN rank_year         text COLLATE "C" NULL,
                ADD COLUMN rank_year_amount  bigint           NULL,
                ADD COLUMN rank_all_amount   bigint           NULL;
            CREATE INDEX grain_state_by_rank_scope ON grain_state (rank_scope) WHERE rank_scope IS NOT NULL;
            """),
    ];
}
