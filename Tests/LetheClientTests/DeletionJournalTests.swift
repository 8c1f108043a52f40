import Foundation
import LetheTransport
import Testing
@testable import LetheClient

/// A client's deletions outlive its process: appended and fsynced before the ack, read back at start.
@Suite struct DeletionJournalTests {
    func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lethe-journal-\(UUID().uuidString).deletions")
    }

    @Test func appendedRequestsReadBackInOrderAndAMissingFileIsEmpty() throws {
        let url = scratch()
        defer { try? FileManager.default.removeItem(at: url) }
        let journal = DeletionJournal(url: url)
        #expect(try journal.load().isEmpty)
        try journal.append(requestID: "r1", ids: [5, 17])
        try journal.append(requestID: "r2", ids: [2_000_000])
        let records = try journal.load()
        #expect(records.map(\.requestID) == ["r1", "r2"])
        #expect(records.map(\.ids) == [[5, 17], [2_000_000]])
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aLineTornByACrashIsIgnoredButDamageElsewhereIsAnError() throws {
        let url = scratch()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("r1 5,17\nr2 8,9".utf8).write(to: url)
        #expect(try DeletionJournal(url: url).load().map(\.ids) == [[5, 17]])
        try Data("r1 5,x7\nr2 8\n".utf8).write(to: url)
        #expect(throws: DeletionJournal.JournalError.self) { try DeletionJournal(url: url).load() }
        try Data("just-an-id\n".utf8).write(to: url)
        #expect(throws: DeletionJournal.JournalError.self) { try DeletionJournal(url: url).load() }
    }

    /// The runner writes the accepted deletion before its ack leaves; a state restored from the journal holds the
    /// same deleted positions as the process that accepted it.
    @Test func theRunnerJournalsAnAcceptedDeletionAndARestartRestoresIt() throws {
        let url = scratch()
        defer { try? FileManager.default.removeItem(at: url) }
        let network = InProcessNetwork()
        let server = try network.bind("coordinator")
        let client = try network.connect("coordinator", identity: PeerID(Data("client-0".utf8)))
        let coordinator = LoopbackCoordinator(server)
        let node = makeNode()
        let runner = ClientRunner(node: node, transport: client, journal: DeletionJournal(url: url))
        try serve(runner) { try coordinator.runScript() }
        let deleted = runner.currentState().deletedPositions
        #expect(deleted == [1, 2])
        let ids = try DeletionJournal(url: url).load().flatMap(\.ids)
        #expect(Set(node.data.positions(ofIDs: ids).positions) == deleted)
        let restored = ClientState(restoringDeleted: Set(node.data.positions(ofIDs: ids).positions))
        #expect(restored.retainedPositions(count: node.data.train.count) == runner.currentState()
            .retainedPositions(count: node.data.train.count))
    }
}
