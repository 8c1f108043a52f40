import Foundation
import GRDB
import LetheFederation

/// The ledger's tables, created and upgraded by one `DatabaseMigrator`, and the checks that a file is one of ours.
///
/// Layout choices, and why:
/// - every table has an integer `seq` that orders rows by first insertion, which is the contract's "oldest first"
///   (and survives a job being saved again, since jobs are upserted in place, never deleted and re-inserted);
/// - times are `REAL` seconds since 2001-01-01 UTC (Foundation's reference date), so a `Date` reads back
///   bit-for-bit equal; GRDB's default text dates keep only milliseconds;
/// - the scope, per-phase seconds and bytes stay JSON text: they are read and written whole, never queried inside;
/// - model versions are `INTEGER` (SQLite's signed 64 bits), so versions above `Int64.max` are refused.
enum LedgerSchema {
    /// The first migration's identifier; its presence marks a file as a Lethe ledger.
    static let firstMigration = "lethe-ledger-v1"
    static let reasonMigration = "lethe-ledger-v2-reason"
    static let certificateMigration = "lethe-ledger-v3-certificates"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(firstMigration) { db in
            try db.execute(sql: """
                CREATE TABLE requests (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    client_id TEXT NOT NULL,
                    scope_json TEXT NOT NULL,
                    received_at REAL NOT NULL,
                    state TEXT NOT NULL
                );
                CREATE TABLE jobs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    request_id TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    base_model_version INTEGER NOT NULL,
                    published_model_version INTEGER,
                    model_hash_before TEXT NOT NULL,
                    model_hash_after TEXT,
                    phase_seconds_json TEXT NOT NULL,
                    phase_bytes_json TEXT NOT NULL,
                    configuration_json TEXT NOT NULL,
                    metrics_json TEXT,
                    failure_reason TEXT,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX jobs_by_request ON jobs(request_id);
                CREATE INDEX jobs_by_phase ON jobs(phase);
                CREATE TABLE model_versions (
                    version INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL,
                    path TEXT,
                    origin TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                """)
        }
        // Why each request deletes (DeletionReason); requests recorded before it existed were privacy requests.
        migrator.registerMigration(reasonMigration) { db in
            try db.execute(sql: "ALTER TABLE requests ADD COLUMN reason TEXT NOT NULL DEFAULT 'privacy'")
        }
        // The deletion certificate issued for each request (the SHA-256 of the file handed out).
        migrator.registerMigration(certificateMigration) { db in
            try db.execute(sql: """
                CREATE TABLE certificates (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id TEXT NOT NULL UNIQUE,
                    job_id TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    path TEXT NOT NULL,
                    issued_at REAL NOT NULL
                )
                """)
        }
        return migrator
    }

    /// Refuses an SQLite file that holds other tables (another program's database) or a newer ledger schema.
    static func verifyIsLedger(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            """)
        guard !tables.isEmpty else { return }  // a new, empty database: the migrator fills it
        let migrator = Self.migrator
        let isOurs = try tables.contains("grdb_migrations")
            && migrator.appliedIdentifiers(db).contains(firstMigration)
        guard isOurs else {
            let shown = tables.sorted().prefix(5).joined(separator: ", ")
            throw JobStoreError.storage("\(path): not a Lethe ledger (an SQLite database with tables \(shown)); "
                + "pass the ledger written by `lethe coordinator`, or a new path")
        }
        if try migrator.hasBeenSuperseded(db) {
            throw JobStoreError.storage("\(path): this ledger was written by a newer Lethe; upgrade lethe to read it")
        }
    }

    /// Runs SQLite's quick integrity check (linear in the file size; a ledger is small) so that a damaged file is
    /// reported when it is opened, not halfway through resuming a job.
    static func verifyIntegrity(_ db: Database, path: String) throws {
        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
        guard problems == ["ok"] else {
            throw JobStoreError.storage("\(path): the ledger is corrupt (\(problems.joined(separator: "; "))); "
                + "restore it from a backup")
        }
    }
}
