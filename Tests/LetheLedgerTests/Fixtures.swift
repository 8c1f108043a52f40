import Foundation
import LetheFederation
@testable import LetheLedger

/// The two `JobStore`s the contract tests run against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemory, ledger
    var description: String { rawValue }
}

/// A fresh temporary folder per test (tests run in parallel), removed by `remove()`.
struct Scratch {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lethe-ledger-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var ledgerPath: String { folder.appendingPathComponent("ledger.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func makeStore(_ kind: StoreKind) throws -> any JobStore {
        switch kind {
        case .inMemory: return InMemoryJobStore()
        case .ledger: return try Ledger(path: ledgerPath)
        }
    }
}

/// Records with every field set to something a lossy encoding would change.
enum Sample {
    /// Sub-millisecond dates: a store that keeps only milliseconds (GRDB's default text dates) fails the round trip.
    static let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000.123456789)

    /// One request per scope (the whole client's a poisoned contribution), with `receivedAt` descending so "oldest first" must mean insertion order.
    static let requests: [DeletionRequestRecord] = [
        DeletionRequestRecord(id: "r-samples", clientID: "client-0", scope: .samples([3, 1, 4_000_000_000, 0]),
                              receivedAt: t0.addingTimeInterval(30)),
        DeletionRequestRecord(id: "r-class", clientID: "", scope: .wholeClass(7), receivedAt: t0.addingTimeInterval(20),
                              state: .running),
        DeletionRequestRecord(id: "r-client", clientID: "client-3", scope: .wholeClient, reason: .poisoned,
                              receivedAt: t0.addingTimeInterval(10), state: .done),
        DeletionRequestRecord(id: "r-empty", clientID: "client-1", scope: .samples([]), receivedAt: t0,
                              state: .rejected),
    ]

    static func job(_ id: String, request: String = "r-samples", phase: JobPhase = .requested) -> JobRecord {
        JobRecord(id: id, requestID: request, phase: phase, baseModelVersion: 7,
                  modelHashBefore: String(repeating: "ab", count: 32), configurationJSON: #"{"method":"wss-cl"}"#,
                  updatedAt: t0.addingTimeInterval(0.000_001))
    }

    /// A published job with every optional field set, extreme byte counts and non-ASCII text included.
    static var fullJob: JobRecord {
        var job = job("j-full", phase: .published)
        job.publishedModelVersion = 8
        job.modelHashAfter = String(repeating: "cd", count: 32)
        job.phaseSeconds = ["saliency": 1.25, "forgetting": 0.1 + 0.2, "verification": 1e-9]
        job.phaseBytes = ["saliency": UInt64.max, "forgetting": 0]
        job.metricsJSON = #"{"ua":8.3,"ra":98.7}"#
        job.failureReason = "client-2 left – “quoted”"
        return job
    }

    static let versions: [ModelVersionRecord] = [
        ModelVersionRecord(version: 1, sha256: "11", path: "/models/v1.safetensors", origin: "fedavg round 1",
                           createdAt: t0),
        ModelVersionRecord(version: 3, sha256: "33", path: nil, origin: "unlearning job j-full", createdAt: t0),
        ModelVersionRecord(version: 2, sha256: "22", path: nil, origin: "fedavg round 2", createdAt: t0),
    ]
}
