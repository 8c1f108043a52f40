import Foundation
import LetheFederation
import LetheTransport
import LetheWire

/// Outgoing messages: envelopes, byte accounting, heartbeats; a peer that cannot be reached is marked dead.
extension CoordinatorNode {
    /// Most float elements of one tensor chunk under the announced message limit (room left for the envelope).
    var maxElements: Int { max(1, (configuration.limits.maxMessageBytes - 4096) / 4) }

    /// The model clients should hold now (the job's model while a job runs).
    var currentWeightsForClients: [Float] { job?.weights ?? weights }

    /// Sends one body to a registered client; returns the bytes sent (0 when it could not be delivered).
    @discardableResult
    func send(_ body: Lethe_V1_Envelope.OneOf_Body, to client: ClientID, jobID: String, round: UInt64,
              replyTo: UInt64 = 0) -> Int {
        guard let peer = clients.peer(of: client) else { return 0 }
        var envelope = WireCodec.envelope(jobID: jobID, round: round, senderID: configuration.nodeID,
                                          messageNumber: nextMessageNumber(), replyTo: replyTo, body: body)
        envelope.incarnation = incarnation
        do {
            let data = try WireCodec.encode(envelope)
            try transport.send([data], to: peer)
            wireCensus.count(body.fieldName, sent: true, bytes: data.count)
            return data.count
        } catch {
            log("could not send \(body.fieldName) to \(client): \(error); marking it dead")
            clients.markDead(client)
            return 0
        }
    }

    /// Sends to a peer that may not be a registered client (operators, strangers).
    func sendRaw(_ body: Lethe_V1_Envelope.OneOf_Body, to peer: PeerID, jobID: String = "", replyTo: UInt64 = 0) {
        do {
            try sendRawOrThrow(body, to: peer, jobID: jobID, replyTo: replyTo)
        } catch {
            log("could not answer peer \(peer): \(error)")
        }
    }

    func sendRawOrThrow(_ body: Lethe_V1_Envelope.OneOf_Body, to peer: PeerID, jobID: String = "",
                        replyTo: UInt64 = 0) throws {
        try sendEncoded(try WireCodec.encode(stamped(body, jobID: jobID, replyTo: replyTo)), of: body, to: peer)
    }

    /// `body` in an envelope from this node, with the next message number and this incarnation.
    func stamped(_ body: Lethe_V1_Envelope.OneOf_Body, jobID: String = "", replyTo: UInt64 = 0) -> Lethe_V1_Envelope {
        var envelope = WireCodec.envelope(jobID: jobID, senderID: configuration.nodeID,
                                          messageNumber: nextMessageNumber(), replyTo: replyTo, body: body)
        envelope.incarnation = incarnation
        return envelope
    }

    /// Sends an envelope already encoded (by a caller that needed its size first) and counts it in the census.
    func sendEncoded(_ data: Data, of body: Lethe_V1_Envelope.OneOf_Body, to peer: PeerID) throws {
        try transport.send([data], to: peer)
        wireCensus.count(body.fieldName, sent: true, bytes: data.count)
    }

    func sendError(_ error: Lethe_V1_Error, to peer: PeerID) {
        sendRaw(.error(error), to: peer, replyTo: error.inReplyTo)
    }

    /// A job command to clients, counted in the job's bytes for its current phase.
    func sendJobCommand(_ command: JobCommand, to targets: [ClientID], round: UInt64) {
        guard let requestID = job?.request.id else { return }
        let bodies = command.wireBodies(requestID: requestID, maxElements: maxElements)
        for client in targets {
            for body in bodies {
                job?.addBytes(send(body, to: client, jobID: requestID, round: round), sent: true)
            }
        }
    }

    func sendHeartbeats(now: Double) {
        let interval = Double(configuration.federation.liveness.heartbeatIntervalMilliseconds) / 1000
        guard now - lastHeartbeat >= interval else { return }
        lastHeartbeat = now
        var beat = Lethe_V1_Heartbeat()
        beat.sequence = nextMessageNumber()
        beat.sentUnixMs = UInt64(max(0, clock.date().timeIntervalSince1970 * 1000))
        for client in clients.alive.keys.sorted() { send(.heartbeat(beat), to: client, jobID: "", round: 0) }
    }

    /// Tells the operator that submitted `requestID` how its job ended (best effort: a `lethe forget` without
    /// `--wait` has gone once its request was acknowledged, and the ledger keeps the outcome for `lethe status`).
    /// The job has ended, so the requester is forgotten either way.
    func notifyRequester(_ requestID: String, state: Lethe_V1_JobState, detail: String) {
        guard let peer = requesters.removeValue(forKey: requestID) else { return }
        var status = Lethe_V1_JobStatus()
        (status.state, status.phase, status.modelVersion) = (state, job?.record.phase.rawValue ?? "", modelVersion)
        (status.progress, status.detail) = (state == .done ? 1 : 0, detail)
        do {
            try sendRawOrThrow(.jobStatus(status), to: peer, jobID: requestID)
        } catch TransportError.peerUnreachable {
            log("request \(requestID): its submitter has disconnected, so the outcome (\(detail)) is in the "
                + "ledger only")
        } catch {
            log("request \(requestID): could not tell its submitter the outcome: \(error)")
        }
    }
}
