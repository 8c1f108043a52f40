import Foundation
import LetheFederation
import LetheLedger

/// One federation a sweep drills, from a fresh folder: its processes, the requests it had acknowledged, and what
/// the ledger says while it runs.
final class SweepEpisode {
    let number: Int
    let cluster: HarnessCluster
    /// Request ids the coordinator acknowledged (RECORDED or DONE): none may be lost.
    private(set) var acknowledged: [String] = []
    private var freeIDs: [[Int]]
    private var submitted = 0
    private var ledger: Ledger?

    init(number: Int, folder: URL, settings: HarnessCluster.Settings) throws {
        self.number = number
        let cluster = try HarnessCluster(folder: folder, settings: settings)
        self.cluster = cluster
        freeIDs = try (0..<settings.clients).map { try cluster.trainIDs(ofClient: $0) }
        try cluster.startCoordinator()
        try cluster.startClients()
    }

    /// The ledger now, or nil while the coordinator has not created it yet. One connection is kept for the
    /// episode (a WAL reader sees every commit, across coordinator restarts): opening the file checks its
    /// integrity in a write transaction, too much to do on every 30 ms look.
    func snapshot() -> SweepChecks.Snapshot? {
        if ledger == nil, FileManager.default.fileExists(atPath: cluster.ledgerPath) {
            ledger = try? Ledger(path: cluster.ledgerPath, mode: .existingOnly)
        }
        guard let ledger else { return nil }
        return try? SweepChecks.Snapshot(ledger)
    }

    /// Whether the original model is published (FedAvg training is over).
    var trained: Bool { snapshot().map { !$0.versions.isEmpty } ?? false }

    /// The job in flight: the latest job of an acknowledged request that is neither published nor failed.
    func runningJob() -> JobRecord? {
        guard let snapshot = snapshot() else { return nil }
        return snapshot.jobs.last { $0.phase != .published && $0.phase != .failed }
    }

    /// Acknowledged requests the ledger does not show done yet.
    func unfinished() -> [String] {
        guard let snapshot = snapshot() else { return acknowledged }
        let done = Set(snapshot.requests.filter { $0.state == .done }.map(\.id))
        return acknowledged.filter { !done.contains($0) }
    }

    /// Submits a deletion of two of `holder`'s samples not asked for before, retrying (the coordinator may be
    /// down between a kill and its restart) until it is acknowledged.
    @discardableResult
    func submit(holder: Int) throws -> String {
        submitted += 1
        let id = "e\(number)-r\(submitted)"
        guard freeIDs[holder].count >= 2 else { throw HarnessError.setup("client-\(holder) has no samples left to delete") }
        let ids = Array(freeIDs[holder].prefix(2))
        freeIDs[holder].removeFirst(2)
        let request = DeletionRequestRecord(id: id, clientID: cluster.clientID(holder), scope: .samples(ids),
                                            receivedAt: Date())
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let outcome = try submitDeletion(request, to: cluster.endpoint, timeout: 3, waitTimeout: nil)
            if outcome.accepted {
                acknowledged.append(id)
                return id
            }
            guard outcome.ack.hasPrefix("no acknowledgement") || outcome.ack.hasPrefix("could not connect") else {
                throw HarnessError.stuck("request \(id) was refused: \(outcome.ack)")
            }
        }
        throw HarnessError.stuck("request \(id) was not acknowledged within 60 s\n\(cluster.tails())")
    }

    /// The holder of a job's request (its target client's index).
    func holderIndex(of job: JobRecord) -> Int? {
        guard let request = snapshot()?.requests.first(where: { $0.id == job.requestID }) else { return nil }
        return (0..<cluster.settings.clients).first { cluster.clientID($0) == request.clientID }
    }

    /// Waits until every acknowledged request is done; false after `seconds`.
    func finish(within seconds: Double) -> Bool {
        waitUntil(seconds, interval: 0.2) { unfinished().isEmpty }
    }

    /// The invariants over this episode's ledger and folder.
    func violations() -> [String] {
        guard let snapshot = snapshot() else { return ["the ledger \(cluster.ledgerPath) cannot be read"] }
        return SweepChecks.violations(acknowledged: acknowledged, in: snapshot)
    }
}
