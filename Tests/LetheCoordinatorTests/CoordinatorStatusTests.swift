import Foundation
import LetheFederation
import LetheLedger
import LetheWire
import Testing
@testable import LetheCoordinator

/// `StatusQuery` → `StatusReport`: an operator on another host reads the ledger and the live state over the socket.
@Suite(.serialized) struct CoordinatorStatusTests {
    /// Asks from a fresh submitter connection (no Hello) and returns the one report answering it.
    func query(_ h: Harness, as name: String = "status-1") throws -> (report: Lethe_V1_StatusReport?, errors: [Lethe_V1_Error]) {
        let asker = try FakeClient(name, network: h.network)
        try asker.send(.statusQuery(Lethe_V1_StatusQuery()))
        try h.node.step()
        try asker.serve()
        let reports = asker.received.compactMap { if case .statusReport(let r)? = $0.body { r } else { nil } }
        #expect(reports.count <= 1)
        #expect(asker.received.allSatisfy { $0.replyTo == 1 }, "the answer names the query's message number")
        return (reports.first, asker.errors)
    }

    @Test func aQueryGetsTheLedgerTheSessionsAndTheActivity() throws {
        let h = try Harness()
        let before = try #require(try query(h).report)
        #expect(before.connectedClients.isEmpty && before.modelVersion == 0)
        #expect(before.activity.hasPrefix("waiting for clients (0 of 3 needed)"), "\(before.activity)")
        #expect(try LedgerStatus.decode(json: Data(before.ledgerJson.utf8)).requests.isEmpty)

        try h.startJob("r1")
        let running = try #require(try query(h).report)
        #expect(running.connectedClients == ["c0", "c1", "c2"])
        #expect(running.modelVersion == 2)
        let ledger = try LedgerStatus.decode(json: Data(running.ledgerJson.utf8))
        #expect(ledger.requests.map(\.id) == ["r1"] && ledger.requests[0].sampleIDs == [3, 4])
        #expect(ledger.latestModelVersion == 2 && ledger.ledgerPath == "memory")

        try h.pump()
        let done = try #require(try query(h, as: "status-2").report)
        let finished = try LedgerStatus.decode(json: Data(done.ledgerJson.utf8))
        #expect(finished.requests[0].state == "done")
        #expect(finished.requests[0].jobs.map(\.phase) == ["published"])
        #expect(finished.latestModelVersion == done.modelVersion)
        // The wire's JSON is the file's JSON: what `lethe status --json` writes for the same ledger.
        let local = LedgerStatus(ledgerPath: "memory", requests: try h.store.requests(), jobs: try h.store.jobs(),
                                 latest: try h.store.latestModelVersion(), certificates: try h.store.certificates())
        #expect(finished == local)
    }

    /// A ledger whose status cannot fit one message is refused with a reason that says where to read it instead.
    @Test func aStatusTooLargeForOneMessageIsRefusedWithWhereToReadIt() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        // The harness allows 64 KiB messages; 40 requests of 300 ids each make a JSON ledger well past that.
        for n in 0..<40 {
            try h.store.recordRequest(DeletionRequestRecord(id: "big-\(n)", clientID: "c0",
                                                            scope: .samples(Array(0..<300)), receivedAt: Date()))
        }
        let (report, errors) = try query(h)
        #expect(report == nil)
        #expect(errors.map(\.code) == [.tooLarge])
        #expect(errors.first?.message.contains("lethe status --ledger") == true)
        #expect(errors.first?.inReplyTo == 1)
    }
}
