import Foundation
import LetheLedger
import LetheTransport
import LetheWire

/// A short-lived DEALER to a coordinator for a submitter's one exchange (`lethe forget`, `lethe status --connect`):
/// send one message, then read replies until the one wanted arrives.
///
/// ZMQ_IMMEDIATE makes a DEALER queue nothing until a connection is up, so a send that times out means no connection
/// came up — over CURVE usually a key the coordinator does not admit, which the DEALER never sees as an error.
struct SubmitterConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let transport: any MessageTransport
    let endpoint: String

    /// Connects and sends `body` as message 1 from `senderID`.
    init(endpoint: String, curve: CurveClientConfig?, senderID: String, jobID: String = "",
         body: Lethe_V1_Envelope.OneOf_Body) throws {
        let transport = try ZMQTransport.dealer(context: ZMQContext(), connect: endpoint, curve: curve)
        do {
            try self.init(transport: transport, endpoint: endpoint, senderID: senderID, jobID: jobID, body: body)
        } catch TransportError.sendTimedOut {
            transport.close()
            let hint = curve == nil ? "; a coordinator that requires CURVE needs --server-public-key, "
                + "--public-key-file and --secret-key-file" : "; check that this key is on the coordinator's allow-list"
            throw Failure(description: "could not connect to \(endpoint): is the coordinator running and "
                              + "reachable\(hint)?")
        }
    }

    /// Sends `body` as message 1 from `senderID` over a transport already connected to the coordinator (the
    /// in-process network of `lethe simulate --virtual-clients`); `endpoint` names it in messages.
    init(transport: any MessageTransport, endpoint: String, senderID: String, jobID: String = "",
         body: Lethe_V1_Envelope.OneOf_Body) throws {
        self.transport = transport
        self.endpoint = endpoint
        let envelope = WireCodec.envelope(jobID: jobID, senderID: String(senderID.prefix(64)), messageNumber: 1,
                                          body: body)
        try transport.send([try WireCodec.encode(envelope)], to: .server)
    }

    /// The next decodable reply before `deadline`, or nil when none came.
    func nextReply(before deadline: Date) throws -> Lethe_V1_Envelope? {
        while Date() < deadline {
            guard let message = try transport.receive(timeout: .milliseconds(200)),
                  let frame = message.frames.last, let reply = try? WireCodec.decode(frame) else { continue }
            return reply
        }
        return nil
    }

    func close() { transport.close() }
}

/// `lethe status --connect`: asks the coordinator for its ledger and live state.
func queryStatus(at endpoint: String, curve: CurveClientConfig?, timeout: Double) throws -> LedgerStatus {
    let connection = try SubmitterConnection(endpoint: endpoint, curve: curve,
                                             senderID: "status-\(UUID().uuidString.prefix(8).lowercased())",
                                             body: .statusQuery(Lethe_V1_StatusQuery()))
    defer { connection.close() }
    let deadline = Date().addingTimeInterval(timeout)
    while let reply = try connection.nextReply(before: deadline) {
        switch reply.body {
        case .statusReport(let report)?:
            var status: LedgerStatus
            do { status = try LedgerStatus.decode(json: Data(report.ledgerJson.utf8)) } catch {
                throw SubmitterConnection.Failure(description: "the coordinator at \(endpoint) sent a status this "
                                                      + "lethe cannot read: \(error)")
            }
            status.coordinator = LiveCoordinatorStatus(endpoint: endpoint, activity: report.activity,
                                                       modelVersion: report.modelVersion,
                                                       connectedClients: report.connectedClients)
            return status
        case .error(let error)?:
            throw SubmitterConnection.Failure(description: "the coordinator at \(endpoint) answered \(error.code): "
                                                  + LogSafe.text(error.message))
        default:
            continue
        }
    }
    throw SubmitterConnection.Failure(description: "no status from \(endpoint) within \(timeout) s; is the "
                                          + "coordinator running?")
}
