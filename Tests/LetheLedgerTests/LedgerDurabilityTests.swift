import Foundation
import GRDB
import LetheFederation
import Testing
@testable import LetheLedger

/// What makes the ledger a ledger: data outlives the `Ledger` object, the process, and a `kill -9` mid-run.
@Suite struct LedgerDurabilityTests {
    @Test func everythingSurvivesCloseAndReopen() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let ledger = try Ledger(path: scratch.ledgerPath)
            for request in Sample.requests { try ledger.recordRequest(request) }
            try ledger.saveJob(Sample.job("j-min"))
            try ledger.saveJob(Sample.fullJob)
            for version in Sample.versions { try ledger.recordModelVersion(version) }
        }
        let reopened = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        #expect(try reopened.requests() == Sample.requests)
        #expect(try reopened.jobs() == [Sample.job("j-min"), Sample.fullJob])
        #expect(try reopened.unfinishedJobs() == [Sample.job("j-min")])
        #expect(try reopened.latestModelVersion() == Sample.versions[1])
    }

    /// A ledger written before requests had a reason opens, migrates, and reads its requests as privacy requests
    /// (what they were); new requests keep theirs.
    @Test func aLedgerFromBeforeTheReasonMigrates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let queue = try DatabaseQueue(path: scratch.ledgerPath)
            try LedgerSchema.migrator.migrate(queue, upTo: LedgerSchema.firstMigration)
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO requests (id, client_id, scope_json, received_at, state)
                    VALUES ('old', 'client-2', '{"wholeClient":{}}', 0, 'done')
                    """)
            }
        }
        let ledger = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        #expect(try ledger.requests().map(\.reason) == [.privacy])
        try ledger.recordRequest(Sample.requests[2])
        #expect(try ledger.requests().map(\.reason) == [.privacy, .poisoned])
    }

    /// The settings the durability argument rests on, read back from the live connection.
    @Test func connectionIsWALWithFullSynchronous() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let ledger = try Ledger(path: scratch.ledgerPath)
        let (mode, synchronous) = try ledger.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "PRAGMA synchronous should be FULL (2)")
    }

    @Test func modelVersionsBeyondSQLiteIntegersAreRefusedNotWrapped() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let ledger = try Ledger(path: scratch.ledgerPath)
        let huge = ModelVersionRecord(version: UInt64(Int64.max) + 1, sha256: "ff", path: nil, origin: "x",
                                      createdAt: Sample.t0)
        #expect { try ledger.recordModelVersion(huge) } throws: { error in
            guard case .storage(let message) = error as? JobStoreError else { return false }
            return message.contains("\(UInt64(Int64.max) + 1)")
        }
        #expect(try ledger.latestModelVersion() == nil)
    }

    /// A child process records requests, reports each one after `recordRequest` returned (the coordinator's
    /// "acknowledge" point), then SIGKILLs itself without closing anything. Every reported request must be found.
    @Test func acknowledgedWritesSurviveKillMinus9() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "LedgerCrashChild"]
        child.environment = ProcessInfo.processInfo.environment
            .merging([CrashChild.variable: scratch.ledgerPath]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()

        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL,
                "the child should die by SIGKILL; it printed: \(printed)")
        let acknowledged = printed.split(separator: "\n").filter { $0.hasPrefix("recorded ") }.map { $0.dropFirst(9) }
        #expect(acknowledged.map(String.init) == Sample.requests.map(\.id) + ["job j-full"])
        // The commits were still in the write-ahead log, so reopening has to recover them from it.
        let wal = try FileManager.default.attributesOfItem(atPath: scratch.ledgerPath + "-wal")[.size] as? Int
        #expect((wal ?? 0) > 0)

        let reopened = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        #expect(try reopened.requests() == Sample.requests)
        #expect(try reopened.unfinishedJobs() == [])
        #expect(try reopened.jobs() == [Sample.fullJob])
    }
}

/// The child half of `acknowledgedWritesSurviveKillMinus9`; runs only when that test starts it.
@Suite struct LedgerCrashChild {
    static let variable = "LETHE_LEDGER_CRASH_CHILD"
}

typealias CrashChild = LedgerCrashChild

extension LedgerCrashChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[variable] != nil, "started by the crash test only"))
    func writeAcknowledgeAndDie() throws {
        let ledger = try Ledger(path: ProcessInfo.processInfo.environment[Self.variable]!)
        for request in Sample.requests {
            try ledger.recordRequest(request)
            acknowledge("recorded \(request.id)")
        }
        try ledger.saveJob(Sample.fullJob)
        acknowledge("recorded job j-full")
        kill(getpid(), SIGKILL)
    }

    private func acknowledge(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
