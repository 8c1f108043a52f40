import Foundation
import LetheFederation

/// The kill-point sweep (issue 24): real coordinator and client processes at the smallest size; the coordinator
/// SIGKILLed at seeded points across training, every job phase and resumption and restarted on the same ledger and
/// folder; clients killed and restarted, or stopped past the heartbeat timeout, mid-phase. At the end of each
/// federation every acknowledged request must be done exactly once with its version published and hashed.
final class FaultSweep {
    struct PointResult: Codable {
        var index: Int
        var episode: Int
        var target: KillPoint.Target
        var delay: Double
        /// What the ledger showed at the kill: a job phase, "training" or "idle".
        var landed: String
        /// Restart until the interrupted work runs again (a job saved after the restart, or training under way);
        /// nil when the kill interrupted nothing (it landed after the job had finished).
        var resumeSeconds: Double?
        /// Restart until every client had said Hello to the new coordinator, on its own.
        var rejoinSeconds: Double?
    }

    struct ClientResult: Codable {
        var fault: ClientFault
        var landed: String
        /// The fault until the job's request was done; nil when it was not done within the limit.
        var finishSeconds: Double?
    }

    struct Report: Codable {
        var coordinatorPoints: [PointResult] = []
        var clientFaults: [ClientResult] = []
        var violations: [String] = []
        var episodes = 0
        var seconds = 0.0
    }

    let root: URL
    let settings: HarnessCluster.Settings
    let say: (String) -> Void
    private var episode: SweepEpisode?
    private(set) var report = Report()
    private var nextHolder = 0
    /// When the current coordinator process was started.
    private var lastStart = Date()

    init(root: URL, settings: HarnessCluster.Settings, say: @escaping (String) -> Void) {
        (self.root, self.settings, self.say) = (root, settings, say)
    }

    func run(points: [KillPoint], faults: [ClientFault]) throws -> Report {
        let started = Date()
        defer { episode?.cluster.stopAll() }
        for point in points { try strike(point) }
        for fault in faults { try strike(fault) }
        try closeEpisode()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: Coordinator kill points

    private func strike(_ point: KillPoint) throws {
        switch point.target {
        case .training: try strikeTraining(point)
        case .resume: try strikeResume(point)
        default: try strikeJob(point)
        }
    }

    private func strikeTraining(_ point: KillPoint) throws {
        if episode == nil || episode!.trained { try openEpisode() }
        let current = try require(episode)
        guard waitUntil(60, { current.cluster.coordinator?.output.contains("training original:") == true }) else {
            throw HarnessError.stuck("training never started\n\(current.cluster.tails())")
        }
        Thread.sleep(forTimeInterval: point.delay)
        let landed = current.trained ? "after training" : "training"
        try killAndRestart(point, landed: landed) { node, _ in
            node.output.contains("training original:") || node.output.contains("resuming from published model")
        }
    }

    private func strikeResume(_ point: KillPoint) throws {
        let current = try trainedEpisode()
        if current.runningJob() == nil {
            // Nothing to interrupt yet: interrupt a job first, then its resumption.
            let phases = KillPoint.Target.jobPhases
            try strikeJob(KillPoint(target: phases[report.coordinatorPoints.count % phases.count], delay: point.delay))
        }
        let since = lastStart
        _ = waitUntil(90) { resumed(current, since: since) }
        Thread.sleep(forTimeInterval: point.delay / 3)
        try killAndRestart(point, landed: current.runningJob()?.phase.rawValue ?? "idle") { _, since in
            self.resumed(current, since: since)
        }
    }

    private func strikeJob(_ point: KillPoint) throws {
        let current = try trainedEpisode()
        let phase = try require(JobPhase(rawValue: point.target.rawValue))
        var request = current.unfinished().last
        for attempt in 0..<4 {
            if request == nil { request = try submitNext() }
            var seen: JobPhase?
            _ = waitUntil(60, interval: 0.03) {
                seen = current.runningJob().flatMap { $0.requestID == request ? $0.phase : nil }
                return (seen.map { $0 >= phase } ?? false) || !current.unfinished().contains(request!)
            }
            if seen == phase || attempt == 3 { break }
            request = try submitNext()  // the phase went by between two looks: aim at the next job
        }
        Thread.sleep(forTimeInterval: point.delay)
        try killAndRestart(point, landed: current.runningJob()?.phase.rawValue ?? "idle") { _, since in
            self.resumed(current, since: since)
        }
    }

    /// SIGKILL, restart on the same ledger and folder, and time the resumption and the clients' return.
    private func killAndRestart(_ point: KillPoint, landed: String,
                                resumed: (NodeProcess, Date) throws -> Bool) throws {
        let current = try require(episode)
        let killed = try require(current.cluster.coordinator)
        killed.killNow()
        let restart = Date()
        lastStart = restart
        let node = try current.cluster.startCoordinator()
        let interrupted = landed != "idle"
        var resumeSeconds: Double?
        var rejoinSeconds: Double?
        let clients = (0..<settings.clients).map(current.cluster.clientID)
        _ = try waitUntil(90, interval: 0.05) {
            let output = node.output
            if rejoinSeconds == nil, clients.allSatisfy({ output.contains("client \($0) joined") }) {
                rejoinSeconds = Date().timeIntervalSince(restart)
            }
            if interrupted, resumeSeconds == nil, try resumed(node, restart) {
                resumeSeconds = Date().timeIntervalSince(restart)
            }
            return (resumeSeconds != nil || !interrupted) && rejoinSeconds != nil
        }
        let result = PointResult(index: report.coordinatorPoints.count, episode: current.number, target: point.target,
                                 delay: point.delay, landed: landed, resumeSeconds: resumeSeconds,
                                 rejoinSeconds: rejoinSeconds)
        report.coordinatorPoints.append(result)
        say("kill \(result.index + 1): \(point.target.rawValue) +\(String(format: "%.2f", point.delay)) s → landed in "
            + "\(landed); resumed " + (resumeSeconds.map { String(format: "%.2f s", $0) }
                                        ?? (interrupted ? "NOT within 90 s" : "(nothing to resume)"))
            + ", clients back " + (rejoinSeconds.map { String(format: "%.2f s", $0) } ?? "NOT within 90 s"))
        if (interrupted && resumeSeconds == nil) || rejoinSeconds == nil {
            report.violations.append("kill \(result.index + 1) (\(point.target.rawValue)): the restarted coordinator "
                + "did not resume within 90 s\n\(current.cluster.tails())")
        }
    }

    /// Whether the interrupted work runs again: a job saved after the restart, or every request done.
    private func resumed(_ current: SweepEpisode, since restart: Date) -> Bool {
        guard let snapshot = current.snapshot() else { return false }
        if current.unfinished().isEmpty { return true }
        return snapshot.jobs.contains { $0.updatedAt > restart && $0.phase != .failed }
    }

    // MARK: Client faults

    private func strike(_ fault: ClientFault) throws {
        let current = try trainedEpisode()
        _ = current.finish(within: 120)
        let holder = nextHolder
        let request = try submitNext()
        let phase = try require(JobPhase(rawValue: fault.phase.rawValue))
        var seen: JobPhase?
        _ = waitUntil(60, interval: 0.03) {
            seen = current.runningJob().flatMap { $0.requestID == request ? $0.phase : nil }
            return (seen.map { $0 >= phase } ?? false) || !current.unfinished().contains(request)
        }
        Thread.sleep(forTimeInterval: fault.delay)
        let landed = current.runningJob()?.phase.rawValue ?? "idle"
        let index = fault.holder ? holder : (holder + 1) % settings.clients
        let struck = try require(current.cluster.clients[index])
        let start = Date()
        switch fault.kind {
        case .kill:
            struck.killNow()
            Thread.sleep(forTimeInterval: 0.3)
            try current.cluster.startClient(index)
        case .pause:
            struck.signal(SIGSTOP)
            let liveness = FederationConfiguration().liveness
            Thread.sleep(forTimeInterval: liveness.deadAfterSeconds + 1.5)
            struck.signal(SIGCONT)
        }
        let done = waitUntil(150, interval: 0.1) { !current.unfinished().contains(request) }
        let result = ClientResult(fault: fault, landed: landed,
                                  finishSeconds: done ? Date().timeIntervalSince(start) : nil)
        report.clientFaults.append(result)
        say("client fault \(report.clientFaults.count): \(fault.kind.rawValue) \(fault.holder ? "holder" : "non-holder") "
            + "client-\(index) in \(landed) → request " + (done ? String(format: "done %.1f s later", result.finishSeconds!)
                                                              : "NOT done within 150 s"))
        if !done {
            report.violations.append("client fault \(report.clientFaults.count) (\(fault.kind.rawValue) in \(landed)): "
                + "request \(request) was not done within 150 s\n\(current.cluster.tails())")
        }
    }

    // MARK: Episodes

    private func submitNext() throws -> String {
        let current = try require(episode)
        defer { nextHolder = (nextHolder + 1) % settings.clients }
        return try current.submit(holder: nextHolder)
    }

    private func trainedEpisode() throws -> SweepEpisode {
        if episode == nil { try openEpisode() }
        let current = try require(episode)
        guard waitUntil(120, interval: 0.1, { current.trained }) else {
            throw HarnessError.stuck("the original model was never published\n\(current.cluster.tails())")
        }
        return current
    }

    private func openEpisode() throws {
        try closeEpisode()
        report.episodes += 1
        say("federation \(report.episodes): coordinator and \(settings.clients) clients, "
            + "\(settings.limit) training samples each")
        lastStart = Date()
        episode = try SweepEpisode(number: report.episodes,
                                   folder: root.appendingPathComponent("federation-\(report.episodes)"),
                                   settings: settings)
    }

    /// Lets the episode's requests finish, checks its invariants and stops its processes.
    private func closeEpisode() throws {
        guard let current = episode else { return }
        defer { current.cluster.stopAll(); episode = nil }
        if !current.finish(within: 180) { say("federation \(current.number): requests still unfinished after 180 s") }
        for (index, client) in current.cluster.clients.enumerated() where client?.isRunning != true {
            report.violations.append("federation \(current.number): client-\(index) is not running\n\(current.cluster.tails())")
        }
        let problems = current.violations()
        report.violations += problems.map { "federation \(current.number): \($0)" }
        say("federation \(current.number): \(current.acknowledged.count) request(s) acknowledged, "
            + "\(current.cluster.coordinatorStarts) coordinator start(s), "
            + (problems.isEmpty ? "every invariant holds" : "\(problems.count) violation(s)"))
    }

    private func require<T>(_ value: T?) throws -> T {
        guard let value else { throw HarnessError.stuck("the sweep lost track of its federation") }
        return value
    }
}
