import Foundation
import LetheCoordinator
import LetheReport
import Testing

/// `lethe simulate` end to end at a tiny size: real coordinator and client processes over tcp loopback, the JSON
/// it writes, and issue 8's "no raw sample crosses the wire" audited on the coordinator's census of every message.
@Suite struct SimulateTests {
    /// `lethe` sits next to the test bundle in the build folder.
    static var executable: URL {
        let bundleFolder = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [bundleFolder.appendingPathComponent("lethe"), Bundle.main.bundleURL.appendingPathComponent("lethe")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `lethe` with `arguments` to completion; its exit status and its stdout and stderr together.
    static func lethe(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Registration/control, weights, masks, deltas, statistics, metrics and status: nothing else may cross.
    static let allowedKinds: Set<String> = [
        "hello", "welcome", "heartbeat", "error", "deletion_request", "deletion_ack", "job_status",  // control, status
        "train_request", "saliency_request", "phase_request", "eval_request",                       // control
        "model_weights", "train_update",                                                            // weights
        "saliency_report", "mask_broadcast",                                                        // scores, masks
        "model_delta",                                                                              // deltas
        "feature_stats", "global_stats",                                                            // statistics
        "eval_report",                                                                              // metrics
    ]

    @Test(.timeLimit(.minutes(3)))
    func tinySimulationWritesResultsAndSendsNoRawSamples() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-sim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("results.json")
        let (status, output) = try Self.lethe([
            "simulate", "--clients", "2", "--train-per-client", "300", "--test-subset", "200", "--rounds", "1",
            "--local-epochs", "1", "--ft-rounds", "1", "--run-dir", folder.appendingPathComponent("run").path,
            "--canary", "target:0", "--json", json.path, "--report", folder.appendingPathComponent("report.html").path])
        try #require(status == 0, "lethe simulate failed:\n\(output)")
        // The canary is stamped by its holder, on its own share; the other client holds clean data.
        let holderLog = try String(contentsOf: folder.appendingPathComponent("run/client-0.log"), encoding: .utf8)
        let otherLog = try String(contentsOf: folder.appendingPathComponent("run/client-1.log"), encoding: .utf8)
        #expect(holderLog.contains("canary target:0 stamped"), "\(holderLog)")
        #expect(!otherLog.contains("canary"), "\(otherLog)")
        // A canary makes the request a poisoned contribution by default; the holder runs that reading.
        #expect(holderLog.contains("(poisoned reading)"), "\(holderLog)")
        #expect(output.contains("Avg. Gap") && output.contains("wss-cl"), "no results table in:\n\(output)")

        try ResultsSchemaTests.expectValid([json])
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        for plot in ["chart-ua", "chart-asr", "chart-phase-seconds", "chart-phase-bytes", "chart-rounds"] {
            #expect(page.contains("id=\"\(plot)\""), "--report drew no \(plot)")
        }
        let data = try Data(contentsOf: json)
        let document = try JSONDecoder().decode(ResultsDocument.self, from: data)
        #expect(document.clients == 2)
        #expect(document.forget.kind == "ids" && document.forget.count == 30)
        #expect(document.forget.canary == "target:0" && document.forget.reason == "poisoned")
        let methods = Set(document.results.map(\.method))
        #expect(methods.isSuperset(of: ["original", "retrain", "wss-cl", "ft"]), "rows: \(methods)")
        for row in document.results {
            #expect([row.ua, row.ra, row.ta, row.mia].allSatisfy { (0...100).contains($0) }, "\(row)")
            #expect(row.seconds > 0)
            #expect(row.asr.map { (0...100).contains($0) } == true, "\(row)")
            #expect(row.membershipAUC.map { (0...1).contains($0) } == true, "\(row)")
        }

        let census = try JSONDecoder().decode(
            WireCensus.self,
            from: Data(contentsOf: folder.appendingPathComponent("run/coordinator/wire-census.json")))
        let kinds = Set(census.kinds.keys.map { String($0.split(separator: ".", maxSplits: 1)[1]) })
        #expect(kinds.isSubset(of: Self.allowedKinds), "unexpected kinds on the wire: \(kinds.subtracting(Self.allowedKinds))")
        for needed in ["received.train_update", "sent.model_weights", "received.model_delta", "received.feature_stats",
                       "received.eval_report", "sent.mask_broadcast"] {
            #expect((census.kinds[needed]?.messages ?? 0) > 0, "no \(needed) in the census")
        }
        // Payload sizes: no client message is larger than one model's float32 weights (cnn-small, under 4 MiB).
        let received = census.kinds.filter { $0.key.hasPrefix("received.") }
        #expect(received.values.allSatisfy { $0.largestBytes < 4 << 20 }, "\(received)")
        // Per-activity censuses add up to the run's traffic up to the last report.
        let activities = try JSONDecoder().decode(
            [ActivityReport].self,
            from: Data(contentsOf: folder.appendingPathComponent("run/coordinator/activities.json")))
        #expect(activities.allSatisfy { $0.messages != nil })
        #expect(output.contains("certificate verified"), "\(output)")
        try CertificateChecks.run(runFolder: folder.appendingPathComponent("run"))
    }
}
