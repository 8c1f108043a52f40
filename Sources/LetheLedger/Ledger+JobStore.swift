import Foundation
import GRDB
import LetheFederation

/// The `JobStore` contract on SQLite. Each method is one transaction: when it returns, its change is committed and
/// fsynced (see `Ledger`); when it throws, nothing of it was written.
extension Ledger {
    public func recordRequest(_ request: DeletionRequestRecord) throws {
        try write("record deletion request \(request.id)") { db in
            // Checked inside the write transaction, so two writers cannot both pass it.
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM requests WHERE id = ?", arguments: [request.id]) == true {
                throw JobStoreError.duplicateRequest(request.id)
            }
            try db.execute(sql: """
                INSERT INTO requests (id, client_id, scope_json, reason, received_at, state)
                VALUES (:id, :client_id, :scope_json, :reason, :received_at, :state)
                """, arguments: LedgerRows.arguments(request))
        }
    }

    public func updateRequestState(id: String, to state: DeletionRequestRecord.RequestState) throws {
        try write("set the state of deletion request \(id)") { db in
            try db.execute(sql: "UPDATE requests SET state = ? WHERE id = ?", arguments: [state.rawValue, id])
            if db.changesCount == 0 { throw JobStoreError.unknownRequest(id) }
        }
    }

    public func request(id: String) throws -> DeletionRequestRecord? {
        try read("read deletion request \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM requests WHERE id = ?", arguments: [id]).map(LedgerRows.request)
        }
    }

    public func requests() throws -> [DeletionRequestRecord] {
        try read("list deletion requests") { db in try Self.requests(db) }
    }

    /// Inserts or updates in place (an upsert keeps the job's first-insertion order).
    public func saveJob(_ job: JobRecord) throws {
        try write("save job \(job.id)") { db in
            try db.execute(sql: """
                INSERT INTO jobs (id, request_id, phase, base_model_version, published_model_version,
                    model_hash_before, model_hash_after, phase_seconds_json, phase_bytes_json, configuration_json,
                    metrics_json, failure_reason, updated_at)
                VALUES (:id, :request_id, :phase, :base_model_version, :published_model_version,
                    :model_hash_before, :model_hash_after, :phase_seconds_json, :phase_bytes_json,
                    :configuration_json, :metrics_json, :failure_reason, :updated_at)
                ON CONFLICT(id) DO UPDATE SET request_id = excluded.request_id, phase = excluded.phase,
                    base_model_version = excluded.base_model_version,
                    published_model_version = excluded.published_model_version,
                    model_hash_before = excluded.model_hash_before, model_hash_after = excluded.model_hash_after,
                    phase_seconds_json = excluded.phase_seconds_json, phase_bytes_json = excluded.phase_bytes_json,
                    configuration_json = excluded.configuration_json, metrics_json = excluded.metrics_json,
                    failure_reason = excluded.failure_reason, updated_at = excluded.updated_at
                """, arguments: LedgerRows.arguments(job))
        }
    }

    public func job(id: String) throws -> JobRecord? {
        try read("read job \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(LedgerRows.job)
        }
    }

    public func jobs() throws -> [JobRecord] {
        try read("list jobs") { db in try Self.jobs(db) }
    }

    public func unfinishedJobs() throws -> [JobRecord] {
        try read("list unfinished jobs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE phase NOT IN (?, ?) ORDER BY seq",
                             arguments: [JobPhase.published.rawValue, JobPhase.failed.rawValue]).map(LedgerRows.job)
        }
    }

    /// Inserts or replaces the version (a version number names one model).
    public func recordModelVersion(_ version: ModelVersionRecord) throws {
        try write("record model version \(version.version)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO model_versions (version, sha256, path, origin, created_at)
                VALUES (:version, :sha256, :path, :origin, :created_at)
                """, arguments: LedgerRows.arguments(version))
        }
    }

    /// Every published version, oldest first.
    public func modelVersions() throws -> [ModelVersionRecord] {
        try read("list model versions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_versions ORDER BY version").map(LedgerRows.modelVersion)
        }
    }

    public func latestModelVersion() throws -> ModelVersionRecord? {
        try read("read the latest model version") { db in try Self.latestModelVersion(db) }
    }

    /// Inserts the request's certificate, or replaces it in place (a certificate issued again after a restart).
    public func recordCertificate(_ certificate: CertificateRecord) throws {
        try write("record the certificate of request \(certificate.requestID)") { db in
            try db.execute(sql: """
                INSERT INTO certificates (request_id, job_id, sha256, path, issued_at)
                VALUES (:request_id, :job_id, :sha256, :path, :issued_at)
                ON CONFLICT(request_id) DO UPDATE SET job_id = excluded.job_id, sha256 = excluded.sha256,
                    path = excluded.path, issued_at = excluded.issued_at
                """, arguments: LedgerRows.arguments(certificate))
        }
    }

    public func certificates() throws -> [CertificateRecord] {
        try read("list certificates") { db in try Self.certificates(db) }
    }

    static func certificates(_ db: Database) throws -> [CertificateRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM certificates ORDER BY seq").map(LedgerRows.certificate)
    }

    static func requests(_ db: Database) throws -> [DeletionRequestRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM requests ORDER BY seq").map(LedgerRows.request)
    }

    static func jobs(_ db: Database) throws -> [JobRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY seq").map(LedgerRows.job)
    }

    static func latestModelVersion(_ db: Database) throws -> ModelVersionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM model_versions ORDER BY version DESC LIMIT 1")
            .map(LedgerRows.modelVersion)
    }
}
