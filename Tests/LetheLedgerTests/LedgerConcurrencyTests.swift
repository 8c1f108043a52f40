import Dispatch
import Foundation
import LetheFederation
import Synchronization
import Testing
@testable import LetheLedger

/// WAL lets readers run while the coordinator writes; each read must see a whole, committed prefix of the writes.
@Suite struct LedgerConcurrencyTests {
    static let count = 60

    static func request(_ i: Int) -> DeletionRequestRecord {
        DeletionRequestRecord(id: String(format: "r%03d", i), clientID: "client-\(i % 4)", scope: .samples([i]),
                              receivedAt: Sample.t0.addingTimeInterval(Double(i)))
    }

    /// Checks one snapshot: requests are exactly r000…r(n-1), every job belongs to a listed request, and nothing
    /// shrank since this reader's previous snapshot. Returns the problem, if any, and the count seen.
    static func check(_ status: LedgerStatus, previous: Int) -> (problem: String?, seen: Int) {
        let ids = status.requests.map(\.id)
        let seen = ids.count
        if ids != (0..<seen).map({ request($0).id }) { return ("requests are not a prefix: \(ids)", seen) }
        if !status.unattachedJobs.isEmpty { return ("a job was visible before its request", seen) }
        if status.requests.contains(where: { $0.jobs.count > 1 }) { return ("a job was listed twice", seen) }
        if seen < previous { return ("went back from \(previous) to \(seen) requests", seen) }
        return (nil, seen)
    }

    /// Found by the fault sweep: a reader opening the file while the coordinator created it ran the first
    /// migration too, and one side failed with "table requests already exists". Two openers race on fresh files.
    @Test func twoProcessesOpeningANewLedgerAtOnceBothSucceed() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let failures = Mutex<[String]>([])
        for round in 0..<40 {
            let path = scratch.folder.appendingPathComponent("race-\(round).sqlite").path
            FileManager.default.createFile(atPath: path, contents: nil)  // the reader sees a file, as it would
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                do {
                    let ledger = try Ledger(path: path, mode: side == 0 ? .createIfMissing : .existingOnly)
                    _ = try ledger.requests()
                } catch {
                    failures.withLock { $0.append("round \(round), side \(side): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }

    /// One writer and three readers: two share the writer's `Ledger` (pool readers), one opens its own (as
    /// `lethe status` in another process would).
    @Test func readersSeeConsistentSnapshotsWhileAWriterWrites() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let ledger = try Ledger(path: scratch.ledgerPath)
        let other = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        let done = Atomic<Bool>(false)
        let problems = Mutex<[String]>([])
        let reads = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                if worker == 0 {
                    defer { done.store(true, ordering: .releasing) }
                    // On 2 cores the writer could finish before any reader starts: wait (briefly) for a first read
                    // so reads and writes really overlap.
                    let deadline = Date().addingTimeInterval(5)
                    while reads.load(ordering: .relaxed) == 0 && Date() < deadline { usleep(1000) }
                    for i in 0..<Self.count {
                        try ledger.recordRequest(Self.request(i))
                        var job = Sample.job("j\(i)", request: Self.request(i).id, phase: .saliency)
                        try ledger.saveJob(job)
                        job.phase = .published
                        try ledger.saveJob(job)
                    }
                    return
                }
                let reader = worker == 3 ? other : ledger
                var previous = 0
                repeat {
                    let (problem, seen) = Self.check(try reader.status(), previous: previous)
                    if let problem { problems.withLock { $0.append(problem) }; return }
                    previous = seen
                    reads.add(1, ordering: .relaxed)
                } while !done.load(ordering: .acquiring)
            } catch {
                problems.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(problems.withLock { $0 } == [])
        #expect(reads.load(ordering: .relaxed) > 0)
        let final = try other.status()
        #expect(final.requests.count == Self.count)
        #expect(final.requests.allSatisfy { $0.jobs.map(\.phase) == ["published"] })
        #expect(try other.unfinishedJobs().isEmpty)
    }
}
