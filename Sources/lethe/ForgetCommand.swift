import ArgumentParser
import Foundation
import LetheData
import LetheFederation
import LetheTransport
import LetheWire

/// `lethe forget`: submits one deletion request to a coordinator and prints its acknowledgement.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Submit a deletion request (sample ids, a class, or a whole client) to a coordinator.")

    @Option(help: "Coordinator endpoint, e.g. tcp://127.0.0.1:5555.") var connect = "tcp://127.0.0.1:5555"
    @Option(name: .customLong("client"), help: "The client holding the data to forget.") var client: String
    @Option(help: "File of sample ids to forget (the client's dataset ids, whitespace or comma separated).")
    var ids: String?
    @Option(name: .customLong("class"), help: "Forget every sample of this class on every client.") var classLabel: Int?
    @Flag(help: "Forget all of the client's data.") var all = false
    @Option(help: ArgumentHelp(ReasonOption.help, discussion: "Default privacy. Poisoned makes the holders run the "
                               + "poisoned reading (the samples end up answered as the rest of the data teaches, not "
                               + "as their labels); it is refused for --class."))
    var reason = "privacy"
    @Option(help: "Request id (default: a fresh UUID-based id).") var requestID: String?
    @OptionGroup(title: "CURVE (a coordinator started with --curve-secret-key-file)") var curve: CurveClientOptions
    @Option(help: ArgumentHelp("JSON file of this command's options (a kit's lethe.json from lethe provision).",
                               discussion: "Read before the command line, whose flags override it; relative paths in "
                                   + "it are taken from the file's folder."))
    var config: String?
    @Option(help: "Seconds to wait for the acknowledgement.") var timeout = 10.0
    @Flag(help: "After the acknowledgement, wait for the job to finish and print its status.") var wait = false
    @Option(help: "Seconds to wait for the job with --wait.") var waitTimeout = 3600.0

    func validate() throws {
        let chosen = [ids != nil, classLabel != nil, all].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("give exactly one of --ids FILE, --class N or --all") }
        if try ReasonOption.parse(reason) == .poisoned, classLabel != nil {
            throw ValidationError("--reason poisoned applies to --ids or --all, not to a class deletion")
        }
    }

    func run() throws {
        let id = requestID ?? "req-\(UUID().uuidString.prefix(8).lowercased())"
        let scope: DeletionScope
        if let ids { scope = .samples(try ForgetSpec.readIDFile(path: ids)) }
        else if let classLabel { scope = .wholeClass(classLabel) }
        else { scope = .wholeClient }
        let request = DeletionRequestRecord(id: id, clientID: client, scope: scope,
                                            reason: try ReasonOption.parse(reason), receivedAt: Date())
        let outcome = try submitDeletion(request, to: connect, curve: try curve.configuration(), timeout: timeout,
                                         waitTimeout: wait ? waitTimeout : nil)
        print("request \(id): \(outcome.ack)")
        if let status = outcome.status { print("job: \(status)") }
        if !outcome.accepted { throw ExitCode(1) }
    }
}

/// Sends a DeletionRequest over a DEALER and waits for its DeletionAck (and, with `waitTimeout`, the final
/// JobStatus). Shared by `lethe forget` and `lethe simulate`.
func submitDeletion(_ request: DeletionRequestRecord, to endpoint: String, curve: CurveClientConfig? = nil,
                    timeout: Double, waitTimeout: Double?) throws -> (accepted: Bool, ack: String, status: String?) {
    let connection: SubmitterConnection
    do {
        connection = try SubmitterConnection(endpoint: endpoint, curve: curve, senderID: "forget-\(request.id)",
                                             jobID: request.id, body: .deletionRequest(request.wire))
    } catch let failure as SubmitterConnection.Failure {
        return (false, failure.description, nil)
    }
    defer { connection.close() }
    return try awaitDeletion(over: connection, timeout: timeout, waitTimeout: waitTimeout)
}

/// The acknowledgement of the deletion request `connection` sent, then (with `waitTimeout`) its job's outcome.
func awaitDeletion(over connection: SubmitterConnection, timeout: Double,
                   waitTimeout: Double?) throws -> (accepted: Bool, ack: String, status: String?) {
    let ackDeadline = Date().addingTimeInterval(timeout)
    var ack: Lethe_V1_DeletionAck?
    while ack == nil, let reply = try connection.nextReply(before: ackDeadline) {
        if case .deletionAck(let a)? = reply.body { ack = a }
        if case .error(let e)? = reply.body { return (false, "error \(e.code): \(e.message)", nil) }
    }
    guard let ack else { return (false, "no acknowledgement within \(Int(timeout)) s; is the coordinator running?", nil) }
    let accepted = ack.state == .recorded || ack.state == .done
    let text = accepted ? "\(ack.state == .done ? "DONE" : "RECORDED")" : "REJECTED: \(ack.reason)"
    guard accepted, let waitTimeout else { return (accepted, text, nil) }
    // A request the ledger already holds as done (a retry after a lost ack) has no job left to report on.
    if ack.state == .done { return (true, text, "DONE: finished before this submission") }
    let deadline = Date().addingTimeInterval(waitTimeout)
    while let reply = try connection.nextReply(before: deadline) {
        guard case .jobStatus(let status)? = reply.body else { continue }
        return (status.state == .done, text, "\(status.state == .done ? "DONE" : "FAILED"): \(status.detail)")
    }
    return (false, text, "no job status within \(Int(waitTimeout)) s")
}
