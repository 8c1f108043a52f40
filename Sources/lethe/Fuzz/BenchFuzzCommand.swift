import ArgumentParser
import Foundation
import LetheFederation

/// `lethe bench fuzz`: fuzzes a real coordinator's socket from this separate process (issue 24): a coordinator
/// and clients at the smallest size are started, training finishes, then `--messages` fuzzed messages go in one at
/// a time with a valid request after every batch; at the end a real deletion job must still run to completion.
struct BenchFuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Fuzz a coordinator's socket from another process; check answers, liveness and memory.",
        discussion: """
            Messages: every body kind, from the admitted fuzzer, from ids that never said Hello and from another \
            client's id, with NaN and mis-shaped tensors, then truncated, bit-flipped, replaced by random bytes, \
            split over frames, emptied or replayed. Each message that needs an answer must get one (a typed Error \
            naming it for anything that decodes but is wrong) within --answer-timeout; after each batch a valid \
            deletion request must be answered. Resident memory is read from /proc after a warm-up batch and at the \
            end (the bar: within 10 %). Exits non-zero on a crash, a hang, a missing or untyped answer, memory \
            growth over 10 %, or a deletion job that does not finish afterwards.
            """)

    @Option(help: "Fuzzed messages to send.") var messages = 5000
    @Option(help: "Messages between two probes (and memory readings).") var batch = 500
    @Option(help: "Seed of the messages.") var seed: UInt64 = 1
    @Option(help: "Seconds to wait for each answer.") var answerTimeout = 3.0
    @Option(help: "Write the report as JSON to this path.") var json: String?
    @Option(help: "Folder for the federation's ledger, models and logs (default: a fresh temporary folder).")
    var workDir: String?

    struct Report: Codable {
        var session: FuzzSession.Report
        var crashed = false
        var residentStart = 0
        var residentAfterWarmUp = 0
        var residentMax = 0
        var residentEnd = 0
        var coordinatorLogLines = 0
        var jobAfter = ""
        var seconds = 0.0
        var failures: [String] = []
    }

    func validate() throws {
        guard messages > 0, batch > 0, answerTimeout > 0 else {
            throw ValidationError("--messages, --batch and --answer-timeout must be positive")
        }
    }

    func run() throws {
        let root = workDir.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lethe-fuzz-\(UUID().uuidString.prefix(8))")
        var settings = HarnessCluster.Settings(seed: seed)
        settings.extraExpectedIDs = [FuzzCorpus.admittedID]
        let cluster = try HarnessCluster(folder: root, settings: settings)
        defer { cluster.stopAll() }
        try cluster.startCoordinator()
        try cluster.startClients()
        log("fuzz: coordinator at \(cluster.endpoint), \(settings.clients) clients; waiting for training")
        let ledger = cluster.ledgerPath
        guard waitUntil(180, interval: 0.2, { (try? SweepChecks.Snapshot(ledgerPath: ledger))?.versions.isEmpty == false })
        else { throw HarnessError.stuck("training did not finish\n\(cluster.tails())") }
        let report = try fuzz(cluster)
        print(Self.summary(report, messages: messages))
        if let json { try writeJSON(report, to: json) }
        guard report.failures.isEmpty else {
            report.failures.forEach { print("FAILED: \($0)") }
            print("logs kept in \(root.path)")
            throw ExitCode(1)
        }
        if workDir == nil { try? FileManager.default.removeItem(at: root) }
    }

    private func fuzz(_ cluster: HarnessCluster) throws -> Report {
        let started = Date()
        let coordinator = try cluster.coordinator.orThrow()
        let session = try FuzzSession(endpoint: cluster.endpoint, seed: seed, answerTimeout: answerTimeout)
        var report = Report(session: session.report)
        report.residentStart = coordinator.residentBytes ?? 0
        guard try session.join() else { throw HarnessError.stuck("the coordinator did not welcome the fuzzer") }
        var sent = 0
        while sent < messages {
            let count = min(batch, messages - sent)
            try session.send(count)
            sent += count
            guard coordinator.isRunning else {
                report.crashed = true
                report.failures.append("the coordinator exited (status \(coordinator.exitStatus ?? -1)) after "
                    + "\(sent) messages\n\(cluster.tails())")
                break
            }
            if let problem = try session.probe() {
                report.failures.append("after \(sent) messages: \(problem)")
                break
            }
            let resident = coordinator.residentBytes ?? 0
            if report.residentAfterWarmUp == 0 { report.residentAfterWarmUp = resident }
            report.residentMax = max(report.residentMax, resident)
            log("fuzz: \(sent)/\(messages) messages, \(session.report.unanswered) unanswered, "
                + "\(session.report.untyped) untyped, resident \(resident >> 20) MiB")
        }
        report.residentEnd = coordinator.residentBytes ?? 0
        report.session = session.report
        report.coordinatorLogLines = coordinator.output.split(separator: "\n").count
        report.failures += Self.failures(report)
        if !report.crashed { report.jobAfter = try jobAfterFuzzing(cluster, failures: &report.failures) }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// A real deletion once the fuzzer has gone quiet (and been declared dead, so the job does not wait for it).
    private func jobAfterFuzzing(_ cluster: HarnessCluster, failures: inout [String]) throws -> String {
        Thread.sleep(forTimeInterval: FederationConfiguration().liveness.deadAfterSeconds + 1.5)
        let ids = Array(try cluster.trainIDs(ofClient: 0).prefix(2))
        let request = DeletionRequestRecord(id: "after-fuzz", clientID: cluster.clientID(0), scope: .samples(ids),
                                            receivedAt: Date())
        let started = Date()
        let outcome = try submitDeletion(request, to: cluster.endpoint, timeout: 10, waitTimeout: 180)
        let line = "\(outcome.ack); job \(outcome.status ?? "no status")"
            + String(format: " (%.1f s)", Date().timeIntervalSince(started))
        if !outcome.accepted { failures.append("the deletion job after fuzzing did not finish: \(line)\n\(cluster.tails())") }
        return line
    }

    static func failures(_ report: Report) -> [String] {
        var failures: [String] = []
        let session = report.session
        if session.unanswered > 0 { failures.append("\(session.unanswered) message(s) got no answer: \(session.examples.prefix(5))") }
        if session.untyped > 0 { failures.append("\(session.untyped) message(s) got no typed Error: \(session.examples.prefix(5))") }
        if report.residentAfterWarmUp > 0, Double(report.residentEnd) > 1.1 * Double(report.residentAfterWarmUp) {
            failures.append("resident memory grew from \(report.residentAfterWarmUp >> 20) MiB to "
                + "\(report.residentEnd >> 20) MiB (over 10 %)")
        }
        return failures
    }

    static func summary(_ report: Report, messages: Int) -> String {
        let session = report.session
        let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        return [
            "fuzz: \(session.messages) of \(messages) messages in \(String(format: "%.0f", report.seconds)) s; "
                + "crashed: \(report.crashed ? "yes" : "no"); probes \(session.probes - session.failedProbes)/\(session.probes) answered",
            "  damage: " + session.byDamage.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "  answers (\(session.expectedAnswers) expected, \(session.unanswered) missing, \(session.untyped) untyped): "
                + session.answers.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "  coordinator resident: start \(mib(report.residentStart)), after the first batch "
                + "\(mib(report.residentAfterWarmUp)), max \(mib(report.residentMax)), end \(mib(report.residentEnd))",
            "  coordinator log: \(report.coordinatorLogLines) lines",
            "  deletion job after fuzzing: \(report.jobAfter)",
        ].joined(separator: "\n")
    }
}

extension Optional {
    /// The value, or a harness error when a process the harness started is missing.
    func orThrow() throws -> Wrapped {
        guard let value = self else { throw HarnessError.stuck("a harness process is missing") }
        return value
    }
}
