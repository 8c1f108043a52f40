import Foundation
import GRDB
import LetheFederation
import Testing
@testable import LetheLedger

/// Wrong files give `JobStoreError.storage` with the path and a plain reason, never a crash, and are left untouched.
@Suite struct LedgerFileErrorTests {
    /// Expects `.storage` whose message names the path and contains every fragment.
    func expectStorageError(_ fragments: [String], path: String, _ body: () throws -> Void,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a storage error mentioning \(fragments)", sourceLocation: sourceLocation)
        } catch let JobStoreError.storage(message) {
            for fragment in [path] + fragments {
                #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected JobStoreError.storage, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aTextFileIsNotALedgerAndIsLeftAlone() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let text = "client-0,3,1,4\nthis is a forget list, not a ledger\n"
        try text.write(toFile: scratch.ledgerPath, atomically: true, encoding: .utf8)
        expectStorageError(["not a Lethe ledger"], path: scratch.ledgerPath) {
            _ = try Ledger(path: scratch.ledgerPath)
        }
        #expect(try String(contentsOfFile: scratch.ledgerPath, encoding: .utf8) == text)
        #expect(!FileManager.default.fileExists(atPath: scratch.ledgerPath + "-wal"))
    }

    @Test func anotherProgramsSQLiteDatabaseIsNotALedger() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try DatabaseQueue(path: scratch.ledgerPath).write { db in
            try db.execute(sql: "CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
        }
        expectStorageError(["not a Lethe ledger", "photos"], path: scratch.ledgerPath) {
            _ = try Ledger(path: scratch.ledgerPath)
        }
    }

    @Test func aDamagedLedgerIsReportedAsCorrupt() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let ledger = try Ledger(path: scratch.ledgerPath)
            for request in Sample.requests { try ledger.recordRequest(request) }
            for phase in JobPhase.allCases { try ledger.saveJob(Sample.job("j-\(phase)", phase: phase)) }
        }
        // Closing the last connection checkpointed the log into the main file; scribble over every page but the first.
        let handle = try #require(FileHandle(forUpdatingAtPath: scratch.ledgerPath))
        let size = try handle.seekToEnd()
        #expect(size > 4096)
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data((0..<Int(size - 4096)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
        try handle.close()
        expectStorageError(["corrupt", "restore it from a backup"], path: scratch.ledgerPath) {
            let ledger = try Ledger(path: scratch.ledgerPath)
            _ = try ledger.requests()
        }
    }

    @Test func statusNeverCreatesAMissingLedger() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        expectStorageError(["no ledger there"], path: scratch.ledgerPath) {
            _ = try Ledger(path: scratch.ledgerPath, mode: .existingOnly)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.ledgerPath))
    }

    @Test func aFolderOrAMissingParentIsExplained() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        expectStorageError(["is a folder"], path: scratch.folder.path) { _ = try Ledger(path: scratch.folder.path) }
        let orphan = scratch.folder.appendingPathComponent("no/such/folder/ledger.sqlite").path
        expectStorageError(["check that the folder exists"], path: orphan) { _ = try Ledger(path: orphan) }
    }
}
