import Foundation
import LetheFederation
import LetheTensor
import LetheTransport
import LetheWire

/// Incoming messages: validate, identify the sender, dispatch by body kind. Nothing a peer sends can stop the node.
extension CoordinatorNode {
    func handle(_ message: ReceivedMessage) throws {
        guard message.frames.count == 1, let bytes = message.frames.first else {
            // Every Lethe message is one frame (Proto/README.md); a REQ socket's delimiter or a multipart send
            // is refused whole rather than cut to its last frame.
            wireCensus.count("undecodable", sent: false, bytes: message.frames.reduce(0) { $0 + $1.count })
            if let line = refusals.note("frames", "refused a message of \(message.frames.count) frames from peer "
                                        + "\(message.peer)") { log(line) }
            sendError(WireError.malformed(reason: "a Lethe message is exactly one frame; got "
                                          + "\(message.frames.count)").errorBody(), to: message.peer)
            return
        }
        let envelope: Lethe_V1_Envelope
        do {
            envelope = try WireCodec.decode(bytes, limits: configuration.limits)
        } catch {
            wireCensus.count("undecodable", sent: false, bytes: bytes.count)
            if let line = refusals.note("\(error.code)", "refused a message from peer \(message.peer): \(error)") {
                log(line)
            }
            sendError(error.errorBody(inReplyTo: WireCodec.messageNumber(in: bytes, limits: configuration.limits)),
                      to: message.peer)
            return
        }
        let sender = envelope.senderID
        wireCensus.count(envelope.body?.fieldName ?? "empty", sent: false, bytes: bytes.count)
        guard let body = envelope.body else { return }
        switch body {
        case .hello(let hello):
            try register(sender, hello: hello, peer: message.peer, userID: message.userID,
                         replyTo: envelope.messageNumber)
        case .deletionRequest(let request):
            try receiveDeletion(request, from: message.peer, envelope: envelope)
        case .statusQuery:
            answerStatusQuery(from: message.peer, envelope: envelope)
        case .error(let error):
            clients.heard(sender, now: clock.now())
            let said = "\(error.code) on \(LogSafe.text(error.field, limit: 64)): \(LogSafe.text(error.message))"
            // An error answering the running job's phase or training round ends that client's part in it now, not
            // at the timeout.
            guard clients.session(sender, peer: message.peer) != nil else {
                // Nobody answers an Error; from a peer that never said Hello it is counted, not logged each time.
                if let line = refusals.note("error without Hello", "ignored an error report from \(sender), which has "
                                            + "not said Hello on this connection") { log(line) }
                return
            }
            // Logged through the tally too: an admitted client can send errors as fast as anyone else.
            if let line = refusals.note("error report \(error.code)", "client \(sender) reported error \(said)") {
                log(line)
            }
            if error.code == .staleModel, try resync(sender, envelope: envelope) { return }
            if job != nil, envelope.jobID == job?.request.id {
                try jobEvent(.clientFailed(sender, round: envelope.round,
                                           reason: "\(error.code): \(LogSafe.text(error.message))",
                                           now: clock.now()))
            } else if training?.round != nil, envelope.jobID == "train" {
                try trainingEvent(.clientFailed(sender, round: envelope.round))
            }
        default:
            guard clients.session(sender, peer: message.peer) != nil else {
                refuse(message.peer, code: .unauthorized, envelope: envelope,
                       reason: "\(sender) has not said Hello on this connection; send Hello first")
                return
            }
            clients.heard(sender, now: clock.now())
            try dispatch(body, from: sender, peer: message.peer, envelope: envelope, size: bytes.count)
        }
    }

    private func dispatch(_ body: Lethe_V1_Envelope.OneOf_Body, from sender: ClientID, peer: PeerID,
                          envelope: Lethe_V1_Envelope, size: Int) throws {
        switch body {
        case .heartbeat:
            return
        case .trainUpdate(let update):
            try receiveTrainUpdate(update, from: sender, peer: peer, envelope: envelope, size: size)
        default:
            let reply: JobReply?
            do { reply = try JobReply(wire: body, limits: configuration.limits) } catch {
                if let line = refusals.note("\(error.code) \(body.fieldName)", "refused \(body.fieldName) from \(sender): \(error)") {
                    log(line)
                }
                sendError(error.errorBody(inReplyTo: envelope.messageNumber), to: peer)
                return
            }
            guard let reply else {
                refuse(peer, code: .unexpectedMessage, envelope: envelope,
                       reason: "a coordinator does not accept \(body.fieldName) from clients")
                return
            }
            guard job != nil, envelope.jobID == job?.request.id else {
                refuse(peer, code: .unknownJob, envelope: envelope,
                       reason: "no running job \(envelope.jobID); the message is late or for another coordinator")
                return
            }
            job?.addBytes(size, sent: false)
            try jobEvent(.reply(from: sender, round: envelope.round, reply, now: clock.now()))
        }
    }

    private func register(_ client: ClientID, hello: Lethe_V1_Hello, peer: PeerID, userID: String?,
                          replyTo: UInt64) throws {
        let problem = !configuration.expectedClients.isEmpty && !configuration.expectedClients.contains(client)
            ? "unknown client \(client): it is not in the coordinator's expected client list"
            : clients.admissionProblem(client, peer: peer, userID: userID)
        if let problem {
            if let line = refusals.note("hello", "refused Hello: \(problem)") { log(line) }
            var error = Lethe_V1_Error()
            (error.code, error.inReplyTo, error.message) = (.unauthorized, replyTo, problem)
            sendError(error, to: peer)
            return
        }
        let now = clock.now()
        let comeback = clients.hello(client, peer: peer, userID: userID, sampleCount: hello.sampleCount,
                                     labels: Set(hello.classLabels), now: now)
        log("client \(client) joined: \(hello.sampleCount) samples, classes \(hello.classLabels.sorted())")
        var welcome = Lethe_V1_Welcome()
        welcome.heartbeatIntervalMs = configuration.federation.liveness.heartbeatIntervalMilliseconds
        welcome.liveness = configuration.federation.liveness.liveness
        welcome.maxMessageBytes = UInt64(configuration.limits.maxMessageBytes)
        welcome.modelVersion = modelVersion
        send(.welcome(welcome), to: client, jobID: "", round: 0, replyTo: replyTo)
        for body in ModelWeightsWire.bodies(version: job?.modelVersion ?? modelVersion, weights: currentWeightsForClients,
                                            maxElements: maxElements) {
            // Job messages need a job id (WireCodec); outside a deletion job the model belongs to "train".
            send(body, to: client, jobID: job?.request.id ?? "train", round: 0)
        }
        // Outside a job that was the current model; a job's own version does not count for training rounds.
        if job == nil { modelSent[client] = modelVersion } else { modelSent.removeValue(forKey: client) }
        if comeback { try jobEvent(.clientReturned(client, now: now)) }
    }

    private func receiveTrainUpdate(_ update: Lethe_V1_TrainUpdate, from sender: ClientID, peer: PeerID,
                                    envelope: Lethe_V1_Envelope, size: Int) throws {
        guard training?.round != nil else {
            refuse(peer, code: .staleRound, envelope: envelope,
                   reason: "no training round is running; round \(envelope.round) is over (a replay or a straggler)")
            return
        }
        training?.report.bytesReceived += UInt64(size)
        let parameters: Tensor
        do {
            if update.hasChunk {
                var assembler = reassembly[sender] ?? TensorReassembler(limits: configuration.limits)
                let complete = try assembler.add(update.parameters, chunk: update.chunk, field: "train_update.parameters")
                reassembly[sender] = complete == nil ? assembler : nil
                guard let complete else { return }
                parameters = complete
            } else {
                parameters = try Tensor(wire: update.parameters, field: "train_update.parameters",
                                        limits: configuration.limits)
            }
        } catch {
            reassembly[sender] = nil
            if let line = refusals.note("\(error.code) train_update", "refused train_update from \(sender): \(error)") {
                log(line)
            }
            sendError(error.errorBody(inReplyTo: envelope.messageNumber), to: peer)
            return
        }
        let result = TrainResult(baseModelVersion: update.baseModelVersion, weights: parameters.storage,
                                 sampleCount: Int(update.sampleCount), trainLoss: update.trainLoss,
                                 trainAccuracy: update.trainAccuracy)
        try trainingEvent(.update(from: sender, round: envelope.round, result))
    }

    /// Answers with an `Error` of the protocol-level `code` and logs why.
    func refuse(_ peer: PeerID, code: Lethe_V1_ErrorCode, envelope: Lethe_V1_Envelope, reason: String) {
        let kind = envelope.body?.fieldName ?? "message"
        if let line = refusals.note("\(code) \(kind)", "refused \(kind) from \(envelope.senderID): \(reason)") { log(line) }
        var error = Lethe_V1_Error()
        (error.code, error.message, error.inReplyTo) = (code, reason, envelope.messageNumber)
        sendError(error, to: peer)
    }
}
