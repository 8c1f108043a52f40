import Foundation
import LetheFederation
import LetheWire

/// Publishing a job's unlearned model exactly once, across kills and restarts.
///
/// Publication is three durable steps: the model file (replaced atomically, always with the same checkpointed
/// weights), its row in the store, then the job record marked published. A kill between the row and the record used
/// to leave a published version behind an unfinished job, which the restarted coordinator resumed and published
/// again. The store's row now decides: a resumed job whose version the store already holds under this job's origin,
/// with the hash of the model the node restored, is recorded as complete without running another phase; and a
/// publish of a version the store already holds is accepted only for the very same weights, and not written twice.
extension CoordinatorNode {
    /// `ModelVersionRecord.origin` of a job's publication; a resumed job recognises its own by it.
    public static func origin(ofJob id: String) -> String { "unlearning job \(id)" }

    /// Stores the running job's model as `version` (file, then store row) and marks its request done. A version the
    /// store already holds with the same SHA-256 is left as it is; with another hash, nothing is overwritten.
    /// - Throws: `CoordinatorError.store` when `version` (or a later one) is already published with other weights.
    func publishJobModel(version: UInt64, weights newWeights: [Float], metrics: JobMetrics) throws {
        guard let job else { return }
        let origin = Self.origin(ofJob: job.record.id)
        let sha = SHA256.hex(newWeights.withUnsafeBytes { Data($0) })
        var path: String?
        if let existing = try store.latestModelVersion(), existing.version >= version {
            guard existing.version == version, existing.sha256 == sha else {
                throw CoordinatorError.store("job \(job.record.id) would publish v\(version) (SHA-256 \(sha.prefix(16))…), "
                    + "but the store already holds v\(existing.version) (SHA-256 \(existing.sha256.prefix(16))…, "
                    + "\(existing.origin)); a published version is never replaced: compare the ledger with the output folder")
            }
            log("job \(job.record.id): v\(version) is already published with this SHA-256; not publishing it again")
            path = existing.path
        } else {
            let metricsJSON = (try? JSONEncoder().encode(metrics)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            path = try archive.publish(version: version, weights: newWeights,
                                       metadata: ["origin": origin, "job": job.record.id, "metrics": metricsJSON]).path
            try store.recordModelVersion(ModelVersionRecord(version: version, sha256: sha, path: path, origin: origin,
                                                            createdAt: clock.date()))
        }
        (modelVersion, weights) = (version, newWeights)
        try store.updateRequestState(id: job.request.id, to: .done)
        jobReport?.modelVersion = version
        jobReport?.modelPath = path
    }

    /// The store's latest version if this unfinished job published it before the coordinator stopped, else nil.
    /// - Throws: `CoordinatorError.files` when the model restored from that version's file does not have the
    ///   SHA-256 the store recorded for it.
    func alreadyPublished(_ record: JobRecord) throws -> ModelVersionRecord? {
        guard let latest = try store.latestModelVersion(), latest.origin == Self.origin(ofJob: record.id) else {
            return nil
        }
        guard SHA256.hex(weights.withUnsafeBytes { Data($0) }) == latest.sha256 else {
            throw CoordinatorError.files(path: latest.path ?? "model v\(latest.version)",
                                         reason: "its weights do not match the SHA-256 the store holds for "
                                             + "v\(latest.version); restore the file before restarting")
        }
        return latest
    }

    /// Records a job whose publication survived the stop as published (metrics from the model file's metadata),
    /// marks its request done and reports it, without asking any client anything.
    func recordCompletion(of record: JobRecord, published: ModelVersionRecord) throws {
        var done = record
        done.phase = .published
        done.publishedModelVersion = published.version
        done.modelHashAfter = published.sha256
        done.metricsJSON = published.path.flatMap { try? archive.metadata(path: $0)["metrics"] }
        done.updatedAt = clock.date()
        try store.saveJob(done)
        try store.updateRequestState(id: done.requestID, to: .done)
        certify(jobID: done.id)
        log("job \(done.id): v\(published.version) was already published by this job before the restart "
            + "(SHA-256 matches); recorded as complete")
        notifyRequester(done.requestID, state: .done, detail: "published model v\(published.version)")
        var report = ActivityReport(name: "wss-cl", kind: "unlearning")
        (report.requestID, report.modelVersion, report.modelPath) = (done.requestID, published.version, published.path)
        (report.phaseSeconds, report.phaseBytes) = (done.phaseSeconds, done.phaseBytes)
        addReport(report)
        finishedJobs += 1
    }
}
