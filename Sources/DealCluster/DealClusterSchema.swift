import DealPostgres
import Logging

/// The cluster's tables in PostgreSQL and the versioned migrations that create them.
///
/// Everything lives in the schema `dealstore`. Public and read-only for users (SQL, BI tools; see
/// Deploy/cluster.md): `dealstore.deals` and `dealstore.organizations`, one row per record with a few plain columns
/// and the whole record as `jsonb` (protobuf's JSON mapping); `dealstore.changes`, one row per revision. Internal:
/// `payload` columns (protobuf bytes, what nodes load), `dealstore.counter` (the last revision), the `append` and
/// `compact` functions, `dealstore.cluster` (the cluster's id, how far the change log is compacted),
/// `dealstore.migrations`. `dealstore.settings` holds the cluster-wide settings (change-log retention), changed
/// with SQL once for every node. Only dealsd writes; a user who writes a row directly bypasses every
/// validation and the nodes never see it.
enum DealClusterSchema {
    /// The advisory lock key that serializes migrations across nodes (any constant; "dealstor" in ASCII).
    static let migrationLock: Int64 = 0x6465_616C_7374_6F72

    /// The advisory lock `dealstore.compact()` takes for its transaction, so one node at a time compacts
    /// ("dealcmpt" in ASCII, 0x6465_616C_636D_7074 = 7234295494593048692, written out in migration 2).
    static let compactionLock: Int64 = 0x6465_616C_636D_7074

    /// The channel `append` notifies with the last revision it wrote.
    static let channel = "dealstore_changes"

    /// Migration `n` is `migrations[n - 1]`; each is a list of single statements run in one transaction. Never
    /// edit a released migration: append a new one.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE dealstore.counter (
                id integer PRIMARY KEY CHECK (id = 1),
                revision bigint NOT NULL CHECK (revision >= 0)
            )
            """,
            "INSERT INTO dealstore.counter (id, revision) VALUES (1, 0)",
            """
            CREATE TABLE dealstore.changes (
                revision bigint PRIMARY KEY,
                committed_at timestamptz NOT NULL DEFAULT now(),
                kind text NOT NULL,
                record_type text NOT NULL,
                record_id text NOT NULL,
                event bytea NOT NULL
            )
            """,
            """
            CREATE TABLE dealstore.organizations (
                id text PRIMARY KEY,
                name text NOT NULL,
                kind text,
                revision bigint NOT NULL,
                record jsonb NOT NULL,
                payload bytea NOT NULL
            )
            """,
            """
            CREATE TABLE dealstore.deals (
                id text PRIMARY KEY,
                target_id text,
                title text,
                type text,
                status text,
                revision bigint NOT NULL,
                record jsonb NOT NULL,
                payload bytea NOT NULL
            )
            """,
            "CREATE INDEX deals_target_id ON dealstore.deals (target_id)",
            // One call appends a batch of changes (revisions base+1..base+n) if the counter is still at `base`:
            // the counter row's update comes first, so concurrent writers queue on its row lock and revisions
            // become visible in commit order without gaps (a tailer reading `revision > applied` never skips a
            // late commit). One statement, so one round trip and one transaction.
            """
            CREATE FUNCTION dealstore.append(
                base bigint, events bytea[], kinds text[], record_types text[], ids text[], payloads bytea[],
                records text[], OUT appended boolean, OUT last_revision bigint
            ) LANGUAGE plpgsql AS $$
            DECLARE
                n integer := coalesce(array_length(events, 1), 0);
                r jsonb;
            BEGIN
                UPDATE dealstore.counter SET revision = revision + n WHERE id = 1 AND revision = base
                    RETURNING revision INTO last_revision;
                IF NOT FOUND THEN
                    SELECT c.revision INTO last_revision FROM dealstore.counter c WHERE c.id = 1;
                    appended := false;
                    RETURN;
                END IF;
                FOR i IN 1..n LOOP
                    INSERT INTO dealstore.changes (revision, kind, record_type, record_id, event)
                        VALUES (base + i, kinds[i], record_types[i], ids[i], events[i]);
                    r := records[i]::jsonb;
                    IF record_types[i] = 'deal' THEN
                        IF kinds[i] = 'deleted' THEN
                            DELETE FROM dealstore.deals WHERE id = ids[i];
                        ELSE
                            INSERT INTO dealstore.deals (id, target_id, title, type, status, revision, record, payload)
                                VALUES (ids[i], r->>'targetId', r->>'title', r->>'type', r->>'status', base + i, r,
                                    payloads[i])
                                ON CONFLICT (id) DO UPDATE SET target_id = EXCLUDED.target_id,
                                    title = EXCLUDED.title, type = EXCLUDED.type, status = EXCLUDED.status,
                                    revision = EXCLUDED.revision, record = EXCLUDED.record,
                                    payload = EXCLUDED.payload;
                        END IF;
                    ELSE
                        IF kinds[i] = 'deleted' THEN
                            DELETE FROM dealstore.organizations WHERE id = ids[i];
                        ELSE
                            INSERT INTO dealstore.organizations (id, name, kind, revision, record, payload)
                                VALUES (ids[i], coalesce(r->>'name', ''), r->>'kind', base + i, r, payloads[i])
                                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                                    revision = EXCLUDED.revision, record = EXCLUDED.record,
                                    payload = EXCLUDED.payload;
                        END IF;
                    END IF;
                END LOOP;
                PERFORM pg_notify('dealstore_changes', last_revision::text);
                appended := true;
            END
            $$
            """,
        ],
        // 2: the cluster's identity (a node's local cache must come from this cluster), the cluster-wide settings
        // (configured once in PostgreSQL, not per node) and change-log compaction.
        [
            """
            CREATE TABLE dealstore.cluster (
                id integer PRIMARY KEY CHECK (id = 1),
                cluster_id uuid NOT NULL DEFAULT gen_random_uuid(),
                compacted_revision bigint NOT NULL DEFAULT 0 CHECK (compacted_revision >= 0),
                compacted_at timestamptz
            )
            """,
            "INSERT INTO dealstore.cluster (id) VALUES (1)",
            """
            CREATE TABLE dealstore.settings (
                name text PRIMARY KEY,
                value text NOT NULL,
                description text NOT NULL
            )
            """,
            """
            INSERT INTO dealstore.settings (name, value, description) VALUES
                ('change_log_retention', '7 days', 'how long dealstore.changes keeps a change (a PostgreSQL '
                    || 'interval, or off to keep every change); a node that was away longer reloads every record'),
                ('compaction_interval', '5 minutes', 'how often a node runs dealstore.compact() (an interval; one '
                    || 'node at a time does the work)')
            """,
            // Deletes the oldest changes, those committed longer than change_log_retention ago, as one prefix of
            // revisions (so "oldest retained" is one number), at most `batch` rows per call; the deals and
            // organizations tables are untouched. One node at a time (a transaction-scoped advisory lock): the
            // others skip. The first change still inside the retention is found by walking the primary key from
            // the oldest, so a call costs about the rows it deletes.
            """
            CREATE FUNCTION dealstore.compact(batch bigint DEFAULT 100000, OUT compacted_revision bigint,
                OUT deleted bigint) LANGUAGE plpgsql AS $$
            DECLARE
                setting text;
                head bigint;
                keep bigint;
                upto bigint;
            BEGIN
                SELECT c.compacted_revision INTO compacted_revision FROM dealstore.cluster c WHERE c.id = 1;
                deleted := 0;
                SELECT s.value INTO setting FROM dealstore.settings s WHERE s.name = 'change_log_retention';
                IF setting IS NULL OR lower(setting) = 'off' THEN RETURN; END IF;
                IF NOT pg_try_advisory_xact_lock(7234295494593048692) THEN RETURN; END IF;
                SELECT ch.revision INTO keep FROM dealstore.changes ch
                    WHERE ch.revision > compacted_revision AND ch.committed_at >= now() - setting::interval
                    ORDER BY ch.revision LIMIT 1;
                SELECT k.revision INTO head FROM dealstore.counter k WHERE k.id = 1;
                upto := least(coalesce(keep - 1, head), compacted_revision + batch);
                IF upto <= compacted_revision THEN RETURN; END IF;
                DELETE FROM dealstore.changes ch WHERE ch.revision <= upto;
                GET DIAGNOSTICS deleted = ROW_COUNT;
                UPDATE dealstore.cluster c SET compacted_revision = upto, compacted_at = now() WHERE c.id = 1;
                compacted_revision := upto;
            END
            $$
            """,
        ],
    ]

    /// Brings the schema to the newest version. Safe from several nodes at once: they queue on an advisory lock,
    /// and each migration runs in one transaction with its version row.
    static func migrate(_ connection: DealPostgresConnection, logger: Logger) throws(DealPostgresError) {
        try connection.execute("SELECT pg_advisory_lock($1)", [.int64(Self.migrationLock)])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [.int64(Self.migrationLock)]) }
        try connection.execute("CREATE SCHEMA IF NOT EXISTS dealstore")
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS dealstore.migrations (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        let current = try connection.execute("SELECT coalesce(max(version), 0)::bigint FROM dealstore.migrations")
            .int64(row: 0, column: 0)
        guard current <= Int64(Self.migrations.count) else {
            throw DealPostgresError(
                code: .protocolViolation,
                message: "the database's dealstore schema is at version \(current), newer than this dealsd knows "
                    + "(\(Self.migrations.count)): upgrade dealsd on this node"
            )
        }
        for version in Int(current + 1)...max(Int(current + 1), Self.migrations.count)
        where version <= Self.migrations.count {
            try connection.transaction { connection throws(DealPostgresError) in
                for statement in Self.migrations[version - 1] { try connection.execute(statement) }
                try connection.execute(
                    "INSERT INTO dealstore.migrations (version) VALUES ($1::bigint::integer)",
                    [.int64(Int64(version))]
                )
            }
            logger.notice("migrated the dealstore schema", metadata: ["version": "\(version)"])
        }
    }
}
