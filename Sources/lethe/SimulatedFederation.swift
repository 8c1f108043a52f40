import Foundation
import LetheFederation

/// The nodes `lethe simulate` runs — a coordinator and its clients, either as processes of this executable
/// (`ProcessFederation`) or in this process over the in-process transport (`VirtualFederation`) — seen through
/// what the simulation needs of them, so that the run, the deletion and the report are one code path.
protocol SimulatedFederation: AnyObject, Sendable {
    /// The nodes and their threads, for the report's last lines ("5 node processes × 1 BLAS thread(s)").
    var shape: String { get }
    /// Whether the coordinator still runs (it stops by itself once its jobs are done).
    var coordinatorRunning: Bool { get }
    /// Throws when the coordinator stopped with a failure; logs a client that stopped.
    func checkNodes() throws
    /// Submits the deletion request as an operator would, waiting up to `timeout` seconds for the acknowledgement.
    func submit(_ record: DeletionRequestRecord, timeout: Double) throws -> (accepted: Bool, ack: String)
    /// Peak resident memory (MiB) by node name, so far.
    func peakResidentMiB() -> [String: Double]
    /// Stops whatever still runs; safe to call more than once and from a signal handler.
    func shutdown()
}

extension SimulateCommand {
    /// Runs the federation through the simulation: the original model, the deletion request, then the job and the
    /// comparison runs, until the coordinator stops. Returns the peak memory of each node.
    func drive(_ federation: SimulatedFederation, request: DeletionRequestRecord, activities: URL,
               deadline: Date) throws -> [String: Double] {
        func checkTime() throws {
            guard Date() < deadline else { throw SimulationError.timeout("after \(Int(timeout)) s (--timeout)") }
        }
        var peaks: [String: Double] = [:]
        func samplePeaks() { for (name, mib) in federation.peakResidentMiB() { peaks[name] = max(peaks[name] ?? 0, mib) } }
        // 1. The original model.
        while try readActivities(activities).contains(where: { $0.name == "original" }) == false {
            guard federation.coordinatorRunning else { break }
            try federation.checkNodes()
            try checkTime()
            usleep(200_000)
        }
        try federation.checkNodes()
        // 2. The deletion request, as an operator would submit it.
        let outcome = try federation.submit(request, timeout: 60)
        log("deletion request \(request.id) for \(request.clientID): \(outcome.ack)")
        guard outcome.accepted else { throw SimulationError.node("the coordinator refused the deletion: \(outcome.ack)") }
        // 3. The job and the comparison runs; the coordinator stops when they are done.
        while federation.coordinatorRunning {
            samplePeaks()
            try checkTime()
            usleep(250_000)
        }
        try federation.checkNodes()
        samplePeaks()
        federation.shutdown()
        samplePeaks()
        return peaks
    }
}
