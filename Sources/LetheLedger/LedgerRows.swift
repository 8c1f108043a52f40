import Foundation
import GRDB
import LetheFederation

/// Conversions between the record types and table rows, kept in one place so the column names and encodings
/// (LedgerSchema) are spelled once. Decoding a damaged row throws `.storage` naming the table, the id and the column.
enum LedgerRows {
    static func arguments(_ request: DeletionRequestRecord) throws -> StatementArguments {
        [
            "id": request.id, "client_id": request.clientID, "scope_json": try json(request.scope),
            "reason": request.reason.rawValue,
            "received_at": request.receivedAt.timeIntervalSinceReferenceDate, "state": request.state.rawValue,
        ]
    }

    static func request(_ row: Row) throws -> DeletionRequestRecord {
        let id: String = row["id"]
        guard let state = DeletionRequestRecord.RequestState(rawValue: row["state"]) else {
            throw damaged("requests", id, "state", row["state"])
        }
        guard let reason = DeletionReason(rawValue: row["reason"]) else {
            throw damaged("requests", id, "reason", row["reason"])
        }
        return DeletionRequestRecord(
            id: id, clientID: row["client_id"],
            scope: try decode(DeletionScope.self, row["scope_json"], table: "requests", id: id, column: "scope_json"),
            reason: reason,
            receivedAt: Date(timeIntervalSinceReferenceDate: row["received_at"]), state: state)
    }

    static func arguments(_ job: JobRecord) throws -> StatementArguments {
        [
            "id": job.id, "request_id": job.requestID, "phase": job.phase.rawValue,
            "base_model_version": try integer(job.baseModelVersion),
            "published_model_version": try job.publishedModelVersion.map(integer),
            "model_hash_before": job.modelHashBefore, "model_hash_after": job.modelHashAfter,
            "phase_seconds_json": try json(job.phaseSeconds), "phase_bytes_json": try json(job.phaseBytes),
            "configuration_json": job.configurationJSON, "metrics_json": job.metricsJSON,
            "failure_reason": job.failureReason, "updated_at": job.updatedAt.timeIntervalSinceReferenceDate,
        ]
    }

    static func job(_ row: Row) throws -> JobRecord {
        let id: String = row["id"]
        guard let phase = JobPhase(rawValue: row["phase"]) else { throw damaged("jobs", id, "phase", row["phase"]) }
        let base: Int64 = row["base_model_version"]
        var job = JobRecord(id: id, requestID: row["request_id"], phase: phase,
                            baseModelVersion: UInt64(bitPattern: base),
                            modelHashBefore: row["model_hash_before"], configurationJSON: row["configuration_json"],
                            updatedAt: Date(timeIntervalSinceReferenceDate: row["updated_at"]))
        job.publishedModelVersion = (row["published_model_version"] as Int64?).map { UInt64(bitPattern: $0) }
        job.modelHashAfter = row["model_hash_after"]
        job.phaseSeconds = try decode([String: Double].self, row["phase_seconds_json"],
                                      table: "jobs", id: id, column: "phase_seconds_json")
        job.phaseBytes = try decode([String: UInt64].self, row["phase_bytes_json"],
                                    table: "jobs", id: id, column: "phase_bytes_json")
        job.metricsJSON = row["metrics_json"]
        job.failureReason = row["failure_reason"]
        return job
    }

    static func arguments(_ version: ModelVersionRecord) throws -> StatementArguments {
        [
            "version": try integer(version.version), "sha256": version.sha256, "path": version.path,
            "origin": version.origin, "created_at": version.createdAt.timeIntervalSinceReferenceDate,
        ]
    }

    static func modelVersion(_ row: Row) -> ModelVersionRecord {
        ModelVersionRecord(version: UInt64(bitPattern: row["version"] as Int64), sha256: row["sha256"],
                           path: row["path"], origin: row["origin"],
                           createdAt: Date(timeIntervalSinceReferenceDate: row["created_at"]))
    }

    static func arguments(_ certificate: CertificateRecord) -> StatementArguments {
        [
            "request_id": certificate.requestID, "job_id": certificate.jobID, "sha256": certificate.sha256,
            "path": certificate.path, "issued_at": certificate.issuedAt.timeIntervalSinceReferenceDate,
        ]
    }

    static func certificate(_ row: Row) -> CertificateRecord {
        CertificateRecord(requestID: row["request_id"], jobID: row["job_id"], sha256: row["sha256"], path: row["path"],
                          issuedAt: Date(timeIntervalSinceReferenceDate: row["issued_at"]))
    }

    /// A model version as SQLite's signed 64-bit integer; larger versions are refused rather than wrapped.
    static func integer(_ version: UInt64) throws -> Int64 {
        guard let value = Int64(exactly: version) else {
            throw JobStoreError.storage("model version \(version) is above \(Int64.max), the largest the ledger stores")
        }
        return value
    }

    /// Sorted keys so that the same value always writes the same text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, id: String,
                                     column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw damaged(table, id, column, text)
        }
    }

    static func damaged(_ table: String, _ id: String, _ column: String, _ value: String?) -> JobStoreError {
        .storage("\(table) row \(id): column \(column) holds \(value.map { "'\($0)'" } ?? "nothing"), "
            + "which this Lethe cannot read; the ledger was edited by hand or by a newer Lethe")
    }
}
