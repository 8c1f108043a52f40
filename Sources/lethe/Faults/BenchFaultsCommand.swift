import ArgumentParser
import Foundation

/// `lethe bench faults`: the kill-point sweep of issue 24, as a tool. Starts a coordinator and clients (this same
/// `lethe`) at the smallest data size, kills and restarts them at seeded points, and checks that no acknowledged
/// request is lost, every job finishes exactly once, and every published version matches its hash.
struct BenchFaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Kill-point sweep: SIGKILL the coordinator and clients at seeded points and check the ledger.",
        discussion: """
            Coordinator points cycle through FedAvg training, every job phase (requested, saliency, mask, \
            forgetting, statistics, contrastive, verification) and a restarted coordinator's resumption, each at a \
            seeded delay after the harness sees it begin; the coordinator is restarted on the same ledger and \
            output folder and the clients (never restarted) must rejoin on their own. Client faults SIGKILL and \
            restart a client, or SIGSTOP it past the heartbeat timeout and SIGCONT it, mid-phase. A training point \
            after training starts a fresh federation. Exits non-zero when any invariant breaks.
            """)

    @Option(help: "Coordinator kill points.") var coordinatorPoints = 5
    @Option(help: "Client faults (kill/restart and stop/continue, alternately).") var clientPoints = 2
    @Option(help: "Seed of the points' targets and delays.") var seed: UInt64 = 1
    @Option(help: "Folder for the federations' ledgers, models and logs (default: a fresh temporary folder).")
    var workDir: String?
    @Option(help: "Write the per-point results as JSON to this path.") var json: String?
    @Flag(help: "Keep the work folder (its logs) even when every invariant holds.") var keep = false

    func validate() throws {
        guard coordinatorPoints >= 0, clientPoints >= 0, coordinatorPoints + clientPoints > 0 else {
            throw ValidationError("--coordinator-points and --client-points must be ≥ 0, and not both 0")
        }
    }

    func run() throws {
        let root = workDir.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lethe-faults-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let points = KillPlan.coordinator(count: coordinatorPoints, seed: seed)
        let faults = KillPlan.client(count: clientPoints, seed: seed)
        log("faults: \(points.count) coordinator point(s), \(faults.count) client fault(s), seed \(seed), in \(root.path)")
        let sweep = FaultSweep(root: root, settings: HarnessCluster.Settings(seed: seed), say: log)
        let report = try sweep.run(points: points, faults: faults)
        print(Self.summary(report))
        if let json { try writeJSON(report, to: json) }
        if report.violations.isEmpty, !keep, workDir == nil { try? FileManager.default.removeItem(at: root) }
        guard report.violations.isEmpty else {
            report.violations.forEach { print("VIOLATION: \($0)") }
            print("logs kept in \(root.path)")
            throw ExitCode(1)
        }
    }

    static func summary(_ report: FaultSweep.Report) -> String {
        let resumes = report.coordinatorPoints.compactMap(\.resumeSeconds).sorted()
        let rejoins = report.coordinatorPoints.compactMap(\.rejoinSeconds).sorted()
        var landed: [String: Int] = [:]
        for point in report.coordinatorPoints { landed[point.landed, default: 0] += 1 }
        let finishes = report.clientFaults.compactMap(\.finishSeconds).sorted()
        return [
            "faults: \(report.coordinatorPoints.count) coordinator kill(s) in \(report.episodes) federation(s), "
                + "\(report.clientFaults.count) client fault(s), \(String(format: "%.0f", report.seconds)) s",
            "  kills landed in: " + landed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "  resume after restart: median \(seconds(median(resumes))), worst \(seconds(resumes.last))",
            "  clients back after restart: median \(seconds(median(rejoins))), worst \(seconds(rejoins.last))",
            "  client faults, fault to request done: median \(seconds(median(finishes))), worst \(seconds(finishes.last))",
            "  invariants: " + (report.violations.isEmpty
                ? "every acknowledged request in the ledger and done once, every version published once with its hash"
                : "\(report.violations.count) violation(s)"),
        ].joined(separator: "\n")
    }

    private static func median(_ sorted: [Double]) -> Double? {
        sorted.isEmpty ? nil : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private static func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "—" }
}
