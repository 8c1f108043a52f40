import Foundation
import Testing

/// Issue 8 "Faults": the coordinator is SIGKILLed mid-job and restarted with the same output folder and ledger;
/// the job resumes once its clients have re-registered and completes, and the acknowledged request is not lost.
/// Real `lethe` coordinator and client processes over tcp loopback, at a tiny size.
@Suite struct CoordinatorRestartTests {
    final class Launched {
        let process = Process()
        let log: URL
        init(_ arguments: [String], log: URL) throws {
            self.log = log
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.executableURL = SimulateTests.executable
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["OPENBLAS_NUM_THREADS"] = "1"
            process.environment = environment
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }
        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        /// SIGTERM, then SIGKILL after 10 s, so a node that does not stop cannot hang the suite.
        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            if !exited(within: 10) { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        /// Waits at most `seconds` for the process to exit, so a regression fails with the log instead of hanging
        /// the suite (a `.timeLimit` cannot interrupt a blocking wait).
        func exited(within seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            return !process.isRunning
        }
    }

    /// Runs `lethe` to completion and returns its exit status and output.
    static func lethe(_ arguments: [String], in folder: URL) throws -> (Int32, String) {
        let launched = try Launched(arguments, log: folder.appendingPathComponent("cmd-\(UUID().uuidString).log"))
        launched.process.waitUntilExit()
        return (launched.process.terminationStatus, launched.output)
    }

    @Test(.timeLimit(.minutes(3)))
    func killedCoordinatorResumesTheJobAfterRestart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 5640..<5699))"
        let output = folder.appendingPathComponent("out").path
        let ledger = folder.appendingPathComponent("out/ledger.sqlite").path
        let coordinatorArguments = ["coordinator", "--bind", endpoint, "--expected-clients", "client-0,client-1",
                                    "--output", output, "--rounds", "1", "--local-epochs", "1"]
        let first = try Launched(coordinatorArguments, log: folder.appendingPathComponent("c1.log"))
        defer { first.stop() }
        let clients = try (0..<2).map { index in
            try Launched(["client", "--connect", endpoint, "--id", "client-\(index)", "--clients", "2",
                          "--index", "\(index)", "--limit", "150", "--test-limit", "100"],
                         log: folder.appendingPathComponent("k\(index).log"))
        }
        defer { clients.forEach { $0.stop() } }

        // The deletion is acknowledged (durable) once training has finished or while it runs; retry until acked.
        var acked = false
        for _ in 0..<60 where !acked {
            let (status, text) = try Self.lethe(["forget", "--connect", endpoint, "--client", "client-0", "--class", "3",
                                                 "--request-id", "req-1"], in: folder)
            acked = status == 0 && text.lowercased().contains("recorded")
            if !acked { Thread.sleep(forTimeInterval: 1) }
        }
        try #require(acked, "the deletion was never acknowledged:\n\(first.output)")

        // SIGKILL the coordinator once the job is past the forwarded deletion (the clients already applied it).
        var midJob = false
        for _ in 0..<600 where !midJob {
            let (_, text) = try Self.lethe(["status", "--ledger", ledger], in: folder)
            midJob = ["saliency", "forgetting", "statistics", "contrastive"].contains { text.contains($0) }
            if !midJob { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(midJob, "the job never reached a mid-job phase:\n\(first.output)")
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        let second = try Launched(coordinatorArguments + ["--stop-after-jobs", "1"],
                                  log: folder.appendingPathComponent("c2.log"))
        defer { second.stop() }
        try #require(second.exited(within: 150), "the restarted coordinator did not finish the job:\n\(second.output)")
        #expect(second.process.terminationStatus == 0, "restarted coordinator:\n\(second.output)")
        #expect(second.output.contains("resuming at"), "the job did not resume:\n\(second.output)")
        #expect(second.output.contains("published v"), "no version was published:\n\(second.output)")

        let (_, status) = try Self.lethe(["status", "--ledger", ledger], in: folder)
        let line = status.split(separator: "\n").first { $0.hasPrefix("req-1 ") }
        #expect(line?.contains("done") == true, "req-1 is not done in the ledger:\n\(status)")
    }

    /// Issue 24: SIGKILL during FedAvg training while the client processes stay up. The restarted coordinator (a new
    /// incarnation, training again from v0) must be rejoined by the clients on their own, train, and run a job;
    /// before incarnations the clients took its messages for replays and stale versions and nothing moved.
    @Test(.timeLimit(.minutes(3)))
    func killedDuringTrainingTheClientsRejoinAndTheRestartedCoordinatorTrains() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 5700..<5759))"
        let output = folder.appendingPathComponent("out").path
        let coordinatorArguments = ["coordinator", "--bind", endpoint, "--expected-clients", "client-0,client-1",
                                    "--output", output, "--rounds", "4", "--local-epochs", "1"]
        let first = try Launched(coordinatorArguments, log: folder.appendingPathComponent("c1.log"))
        defer { first.stop() }
        let clients = try (0..<2).map { index in
            try Launched(["client", "--connect", endpoint, "--id", "client-\(index)", "--clients", "2",
                          "--index", "\(index)", "--limit", "150", "--test-limit", "100"],
                         log: folder.appendingPathComponent("k\(index).log"))
        }
        defer { clients.forEach { $0.stop() } }

        // Kill once a round has aggregated: the clients then hold model v2 or later, the restarted node starts at v0.
        var midTraining = false
        for _ in 0..<600 where !midTraining {
            midTraining = first.output.contains("round 2/4 done")
            if !midTraining { Thread.sleep(forTimeInterval: 0.05) }
        }
        try #require(midTraining, "training never got past round 2:\n\(first.output)")
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        let second = try Launched(coordinatorArguments + ["--stop-after-jobs", "1"],
                                  log: folder.appendingPathComponent("c2.log"))
        defer { second.stop() }
        var acked = false
        for _ in 0..<90 where !acked && second.process.isRunning {
            let (status, text) = try Self.lethe(["forget", "--connect", endpoint, "--client", "client-0", "--class", "3",
                                                 "--request-id", "req-1"], in: folder)
            acked = status == 0 && text.lowercased().contains("recorded")
            if !acked { Thread.sleep(forTimeInterval: 1) }
        }
        try #require(acked, "the restarted coordinator never acknowledged a deletion:\n\(second.output)")
        try #require(second.exited(within: 120), "the restarted coordinator did not finish the job:\n\(second.output)")
        #expect(second.process.terminationStatus == 0, "restarted coordinator:\n\(second.output)")
        #expect(second.output.contains("training original: published model v4"), "\(second.output)")
        #expect(second.output.contains("published v"), "no unlearned version was published:\n\(second.output)")
        for client in clients {
            #expect(client.output.contains("the coordinator restarted (incarnation"), "\(client.output)")
            #expect(!client.output.contains("outside the replay window"), "\(client.output)")
        }
        let lines = second.output.split(separator: "\n")
        #expect(lines.count < 400, "the restarted coordinator wrote \(lines.count) lines")
    }
}
