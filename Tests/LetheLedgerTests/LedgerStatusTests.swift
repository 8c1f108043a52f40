import Foundation
import LetheFederation
import Testing
@testable import LetheLedger

/// What `lethe status` prints and writes, from a ledger holding one job of each outcome.
@Suite struct LedgerStatusTests {
    static func filledLedger(_ scratch: Scratch) throws -> Ledger {
        let ledger = try Ledger(path: scratch.ledgerPath)
        for request in Sample.requests { try ledger.recordRequest(request) }
        try ledger.saveJob(Sample.fullJob)
        var failed = Sample.job("j-failed", request: "r-class", phase: .failed)
        failed.failureReason = "forget holder client-2 did not come back within 60 s"
        try ledger.saveJob(failed)
        try ledger.saveJob(Sample.job("j-orphan", request: "r-gone", phase: .mask))
        for version in Sample.versions { try ledger.recordModelVersion(version) }
        return ledger
    }

    @Test func statusGroupsJobsUnderRequestsWithPhaseOrderAndTotals() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let status = try Self.filledLedger(scratch).status()
        #expect(status.requests.map(\.id) == Sample.requests.map(\.id))
        #expect(status.requests.map(\.scopeSummary) == ["4 samples", "class 7", "whole client (poisoned)", "0 samples"])
        #expect(status.requests[0].jobs.map(\.id) == ["j-full"])
        #expect(status.requests[1].jobs.map(\.failureReason)
            == ["forget holder client-2 did not come back within 60 s"])
        #expect(status.unattachedJobs.map(\.id) == ["j-orphan"])
        let full = try #require(status.requests[0].jobs.first)
        #expect(full.phaseSeconds.map(\.phase) == ["saliency", "forgetting", "verification"])
        #expect(abs(full.totalSeconds - (1.25 + 0.3 + 1e-9)) < 1e-12)
        #expect(full.publishedModelVersion == 8 && full.modelHashAfter == Sample.fullJob.modelHashAfter)
        #expect(status.latestModelVersion == 3 && status.latestModelSHA256 == "33")
    }

    @Test func tableShowsEveryJobWithShortHashesAndReasons() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let table = try Self.filledLedger(scratch).status().table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "ledger \(scratch.ledgerPath): 4 request(s), 3 job(s), latest model v3 33")
        #expect(lines[1].hasPrefix("REQUEST"))
        let full = try #require(lines.first { $0.hasPrefix("r-samples") })
        for cell in ["client-0", "4 samples", "recorded", "j-full", "published", "v7→v8", "1.6",
                     "abababababab→cdcdcdcdcdcd"] {
            #expect(full.contains(cell), "\(full)")
        }
        #expect(!full.contains(String(repeating: "ab", count: 7)))
        #expect(table.contains("    phases: saliency 1.25s, forgetting 0.30s, verification 0.00s"))
        #expect(table.contains("    failed: forget holder client-2 did not come back within 60 s"))
        #expect(lines.contains { $0.hasPrefix("r-client") && $0.contains("whole client") && $0.contains("—") })
        #expect(lines.contains { $0.hasPrefix("r-gone (missing)") && $0.contains("j-orphan") })
    }

    @Test func emptyLedgerSaysSo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let table = try Ledger(path: scratch.ledgerPath).status().table()
        #expect(table == "ledger \(scratch.ledgerPath): 0 request(s), 0 job(s), latest model none\n"
            + "no deletion requests recorded")
    }

    @Test func jsonRoundTripsAndUsesSnakeCaseAndISODates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let status = try Self.filledLedger(scratch).status()
        let data = try status.json()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"ledger_path\"", "\"unattached_jobs\"", "\"sample_ids\"", "\"phase_seconds\"",
                    "\"model_hash_after\"", "\"failure_reason\"", "\"received_at\" : \"2026-",
                    "\"ledger_path\" : \"/"] {
            #expect(text.contains(key), "missing \(key)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(LedgerStatus.self, from: data)
        #expect(decoded.requests.map(\.id) == status.requests.map(\.id))
        #expect(decoded.requests[0].sampleIDs == [3, 1, 4_000_000_000, 0])
        #expect(decoded.requests[1].classLabel == 7)
        #expect(decoded.requests[0].jobs.map(\.phaseSeconds) == status.requests[0].jobs.map(\.phaseSeconds))
        #expect(decoded.requests[0].jobs.first?.phaseBytes["saliency"] == UInt64.max)
        // ISO 8601 keeps whole seconds here: 2001-01-01 + 800,000,030.12 s.
        #expect(decoded.requests[0].receivedAt == Date(timeIntervalSinceReferenceDate: 800_000_030))
    }
}
