import Foundation
import LetheCoordinator
import LetheFederation
import LetheLedger
import LetheNN
import LetheWire

/// The invariants a fault sweep checks on the ledger and output folder it drilled (issue 24): no acknowledged
/// request lost, every job finished exactly once, every unlearning version published once with its hash.
enum SweepChecks {
    /// What the ledger holds, read in one go.
    struct Snapshot {
        var requests: [DeletionRequestRecord]
        var jobs: [JobRecord]
        var versions: [ModelVersionRecord]

        init(requests: [DeletionRequestRecord], jobs: [JobRecord], versions: [ModelVersionRecord]) {
            (self.requests, self.jobs, self.versions) = (requests, jobs, versions)
        }

        init(ledgerPath: String) throws {
            try self.init(Ledger(path: ledgerPath, mode: .existingOnly))
        }

        init(_ ledger: Ledger) throws {
            self.init(requests: try ledger.requests(), jobs: try ledger.jobs(), versions: try ledger.modelVersions())
        }
    }

    /// Every broken invariant, as a sentence; empty when the sweep's run is sound. `fileHash` gives the SHA-256 of
    /// a published model file's weights (nil when it cannot be read).
    static func violations(acknowledged: [String], in snapshot: Snapshot,
                           fileHash: (String) -> String? = modelFileHash) -> [String] {
        var problems: [String] = []
        let requests = Dictionary(snapshot.requests.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in acknowledged {
            guard let request = requests[id] else { problems.append("lost: \(id) was acknowledged but is not in the ledger"); continue }
            let jobs = snapshot.jobs.filter { $0.requestID == id }
            if request.state != .done {
                problems.append("unfinished: \(id) is \(request.state.rawValue) (jobs: "
                    + jobs.map { "\($0.id) \($0.phase.rawValue)" }.joined(separator: ", ") + ")")
            }
            let published = jobs.filter { $0.phase == .published }
            if published.count > 1 {
                problems.append("duplicate: \(id) has \(published.count) published jobs: "
                    + published.map(\.id).joined(separator: ", "))
            }
        }
        problems += versionViolations(snapshot, fileHash: fileHash)
        return problems
    }

    /// Each published job's version is in the store once, under its own origin, with the job's hash, and its file
    /// holds exactly those weights.
    static func versionViolations(_ snapshot: Snapshot, fileHash: (String) -> String?) -> [String] {
        var problems: [String] = []
        var origins: [String: Int] = [:]
        for version in snapshot.versions { origins[version.origin, default: 0] += 1 }
        for (origin, count) in origins where count > 1 && origin.hasPrefix("unlearning job") {
            problems.append("duplicate: \(count) versions published by \(origin)")
        }
        for job in snapshot.jobs where job.phase == .published {
            guard let number = job.publishedModelVersion,
                  let version = snapshot.versions.first(where: { $0.version == number }) else {
                problems.append("unpublished: job \(job.id) is published but names no stored version")
                continue
            }
            if version.origin != CoordinatorNode.origin(ofJob: job.id) {
                problems.append("foreign: v\(number) of job \(job.id) is stored as \(version.origin)")
            }
            if version.sha256 != job.modelHashAfter {
                problems.append("hash: job \(job.id) records \(job.modelHashAfter ?? "none") but v\(number) has \(version.sha256)")
            }
            guard let path = version.path else { problems.append("file: v\(number) has no file"); continue }
            let actual = fileHash(path)
            if actual != version.sha256 {
                problems.append("file: \(path) hashes to \(actual ?? "nothing readable"), the store says \(version.sha256)")
            }
        }
        return problems
    }

    /// SHA-256 of a cnn-small safetensors file's flat weights, as the coordinator hashes them.
    static func modelFileHash(_ path: String) -> String? {
        let model = Architecture.cnnSmall.build(seed: 0)
        guard (try? Safetensors.load(into: model.parameters, from: URL(fileURLWithPath: path),
                                     expectedArchitecture: model.architecture)) != nil else { return nil }
        return SHA256.hex(model.parameters.values.withUnsafeBytes { Data($0) })
    }
}
