import Foundation
import LetheFederation

/// `lethe simulate`'s default federation: a `lethe coordinator` process and one `lethe client` process per client,
/// over tcp loopback or ipc, each with its own log in the run folder.
final class ProcessFederation: SimulatedFederation, @unchecked Sendable {
    let endpoint: String
    private let nodes: SimulationNodes
    private let coordinator: SimulationNodes.Node
    private var clients: [SimulationNodes.Node] = []
    private let childPeakBefore: Double
    private let blasThreads: Int
    private var warned = Set<String>()

    /// Starts the coordinator with `coordinatorArguments` plus `--bind`, then one client per entry of
    /// `clientArguments` (each plus `--connect`).
    init(endpoint: String, folder: URL, blasThreads: Int, coordinatorArguments: [String],
         clientArguments: [(id: String, arguments: [String])], echoClients: Bool) throws {
        // Children's peak memory is a maximum over every child this process ever waited for, and it survives exec:
        // started through `Deploy/run-main.sh`, it already holds the `swift build` before it. Only a peak that grew
        // during the run is the coordinator's.
        childPeakBefore = SimulateCommand.childrenPeakResidentMiB()
        self.endpoint = endpoint
        nodes = SimulationNodes(executable: SimulationNodes.executableURL, folder: folder, blasThreads: blasThreads)
        coordinator = try nodes.start("coordinator", arguments: coordinatorArguments + ["--bind", endpoint], echo: true)
        for (id, arguments) in clientArguments {
            clients.append(try nodes.start(id, arguments: arguments + ["--connect", endpoint], echo: echoClients))
        }
        self.blasThreads = blasThreads
    }

    var shape: String { "\(clients.count + 1) node processes × \(blasThreads) BLAS thread(s)" }

    var coordinatorRunning: Bool { coordinator.process.isRunning }

    func checkNodes() throws {
        if !coordinator.process.isRunning {
            coordinator.process.waitUntilExit()
            if coordinator.process.terminationStatus != 0 {
                throw SimulationError.node("the coordinator exited with status \(coordinator.process.terminationStatus)"
                                           + "\n" + nodes.tail(coordinator))
            }
            return
        }
        for dead in clients where !dead.process.isRunning && warned.insert(dead.name).inserted {
            log("warning: \(dead.name) exited with status \(dead.process.terminationStatus)\n" + nodes.tail(dead))
        }
    }

    func submit(_ record: DeletionRequestRecord, timeout: Double) throws -> (accepted: Bool, ack: String) {
        let outcome = try submitDeletion(record, to: endpoint, timeout: timeout, waitTimeout: nil)
        return (outcome.accepted, outcome.ack)
    }

    func peakResidentMiB() -> [String: Double] {
        var peaks = nodes.peakResidentMiB()
        // A process that has exited is no longer in /proc; the waited-for children's maximum covers it.
        let childPeak = SimulateCommand.childrenPeakResidentMiB()
        if !coordinator.process.isRunning, childPeak > childPeakBefore {
            peaks["coordinator"] = max(peaks["coordinator"] ?? 0, childPeak)
        }
        return peaks
    }

    func shutdown() { nodes.terminateAll(grace: 2) }
}
