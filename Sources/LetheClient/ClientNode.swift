import Foundation
import LetheNN
import LetheWire

/// A federated client: its private data, its configuration and one handler per message kind of the protocol
/// (/work/federation-contract.md). Handlers are functions from (state, message) to (state, replies); the node
/// itself holds only what never changes plus a scratch model the handlers load weights into, so it is used by one
/// thread at a time (`ClientRunner` gives it a serial worker).
public final class ClientNode {
    public let data: ClientData
    public let configuration: ClientConfiguration
    /// Scratch model of the protocol's architecture; handlers copy the state's parameters in before using it.
    let model: Sequential
    let log: @Sendable (String) -> Void

    /// Where installed models are shared with other nodes of this process (nil: each node keeps its own copy).
    let sharedModels: SharedModels?

    /// - Parameter log: receives one line per protocol step (phase, round, counts, seconds).
    public init(data: ClientData, configuration: ClientConfiguration, architecture: Architecture = .cnnSmall,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.data = data
        self.configuration = configuration
        self.model = architecture.build(seed: 0, inputChannels: data.train.channels, classes: data.classCount)
        self.log = log
        sharedModels = nil
    }

    /// A node that borrows `scratch` (a model of the protocol's architecture) and installs models through
    /// `sharedModels`: how a thousand virtual clients in one process hold one scratch model per worker thread and
    /// one copy of each model version, not one of each per client. Nodes sharing `scratch` must be used by one
    /// thread at a time between them (`VirtualClientHost` gives each worker its own).
    public init(data: ClientData, configuration: ClientConfiguration, scratch: Sequential, sharedModels: SharedModels,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.data = data
        self.configuration = configuration
        self.model = scratch
        self.log = log
        self.sharedModels = sharedModels
    }

    /// Number of weights of the model (the length of every parameter vector, mask and dense saliency report).
    public var parameterCount: Int { model.parameters.count }

    /// Decodes and validates raw bytes, then handles the envelope. Invalid bytes get an `Error` reply and leave the
    /// state unchanged, so a malformed, oversized or NaN-carrying message never stops the node.
    public func handle(_ bytes: Data, state: ClientState) -> (state: ClientState, replies: [Lethe_V1_Envelope]) {
        do {
            let envelope = try WireCodec.decode(bytes, limits: configuration.limits)
            return handle(envelope, state: state)
        } catch {
            // The message number is read without validation where the bytes parse (0 where they do not).
            log("refused an invalid message: \(error)")
            let number = WireCodec.messageNumber(in: bytes, limits: configuration.limits)
            return (state, [envelope(jobID: "", round: 0, replyTo: number, body: .error(error.errorBody(inReplyTo: number)))])
        }
    }

    /// Handles an envelope that passed `WireCodec.decode`. A replayed message number gets the stored replies (or,
    /// once out of the replay window, a stale-round Error); a refused message gets an `Error` reply and leaves the
    /// state unchanged.
    public func handle(_ message: Lethe_V1_Envelope, state: ClientState) -> (state: ClientState,
                                                                             replies: [Lethe_V1_Envelope]) {
        let number = message.messageNumber
        var state = state
        if message.incarnation != 0, message.incarnation != state.coordinatorIncarnation {
            enterIncarnation(message.incarnation, state: &state)
        } else if case .welcome = message.body, message.incarnation == 0 {
            // A coordinator that stamps no incarnation: each Welcome opens a new session, numbered from 1 again.
            (state.lastMessageNumber, state.answered) = (0, [])
        }
        if number != 0, number <= state.lastMessageNumber {
            if let stored = state.answered.last(where: { $0.number == number }) { return (state, stored.replies) }
            return (state, [errorReply(to: message, ClientError.replayed(messageNumber: number))])
        }
        var next = state
        let replies: [Lethe_V1_Envelope]
        do {
            replies = try dispatch(message, state: &next)
        } catch let error as ClientError {
            log("refused \(message.body?.fieldName ?? "message") #\(number): \(error)")
            next = state
            replies = [errorReply(to: message, error)]
        } catch let error as WireError {
            log("refused \(message.body?.fieldName ?? "message") #\(number): \(error)")
            next = state
            replies = [reply(to: message, .error(error.errorBody(inReplyTo: number)))]
        } catch {
            next = state
            replies = [errorReply(to: message, .computation(step: message.body?.fieldName ?? "message",
                                                              reason: "\(error)"))]
        }
        if number != 0 { next.remember(number, replies: replies, window: configuration.replayWindow) }
        return (next, replies)
    }

    /// A message from a coordinator incarnation this client has not seen: the coordinator (re)started, so its
    /// message numbers start from 1 and its model versions may be lower than the one held. Both are scoped to the
    /// incarnation, so the replay window and the model-version floor are dropped (the installed weights stay until
    /// the new incarnation sends its model). A restarted coordinator that does not know this client answers its
    /// heartbeats with "send Hello first", which `handleRemoteError` answers with Hello.
    func enterIncarnation(_ incarnation: UInt64, state: inout ClientState) {
        if state.coordinatorIncarnation != 0 {
            log("the coordinator restarted (incarnation \(hexID(state.coordinatorIncarnation)) → "
                + "\(hexID(incarnation))); its message numbers and model versions start afresh")
        }
        state.coordinatorIncarnation = incarnation
        (state.lastMessageNumber, state.answered) = (0, [])
        state.modelVersion = nil
        state.pendingWeights = nil
    }

    /// One handler per body kind.
    func dispatch(_ message: Lethe_V1_Envelope, state: inout ClientState) throws -> [Lethe_V1_Envelope] {
        guard let body = message.body else { return [] }
        switch body {
        case .welcome(let welcome): return handleWelcome(welcome, state: &state)
        case .heartbeat: return []
        case .modelWeights(let weights): return try handleModelWeights(weights, state: &state)
        case .trainRequest(let request): return try handleTrainRequest(request, message, state: &state)
        case .deletionRequest(let request): return handleDeletionRequest(request, message, state: &state)
        case .saliencyRequest(let request): return try handleSaliencyRequest(request, message, state: state)
        case .maskBroadcast(let broadcast): return try handleMaskBroadcast(broadcast, state: &state)
        case .phaseRequest(let request): return try handlePhaseRequest(request, message, state: state)
        case .globalStats(let stats): return try handleGlobalStats(stats, state: &state)
        case .evalRequest(let request): return try handleEvalRequest(request, message, state: state)
        case .error(let error): return handleRemoteError(error, state: state)
        case .jobStatus(let status): return handleJobStatus(status)
        case .hello, .trainUpdate, .deletionAck, .saliencyReport, .modelDelta, .featureStats, .evalReport,
             .statusQuery, .statusReport:
            throw ClientError.unexpected(kind: body.fieldName)
        }
    }

    /// An envelope from this client (message numbers are stamped by whoever sends it: `ClientRunner`).
    func envelope(jobID: String, round: UInt64, replyTo: UInt64,
                  body: Lethe_V1_Envelope.OneOf_Body) -> Lethe_V1_Envelope {
        WireCodec.envelope(jobID: jobID, round: round, senderID: configuration.clientID, replyTo: replyTo, body: body)
    }

    /// A reply in the request's job and round.
    func reply(to message: Lethe_V1_Envelope, _ body: Lethe_V1_Envelope.OneOf_Body) -> Lethe_V1_Envelope {
        envelope(jobID: message.jobID, round: message.round, replyTo: message.messageNumber, body: body)
    }

    func errorReply(to message: Lethe_V1_Envelope, _ error: ClientError) -> Lethe_V1_Envelope {
        reply(to: message, .error(error.errorBody(inReplyTo: message.messageNumber)))
    }

    /// Loads `state`'s installed parameters into the scratch model; throws when there is none or it is stale.
    func loadModel(_ state: ClientState, version: UInt64, for step: String) throws(ClientError) -> Sequential {
        guard let held = state.modelVersion else { throw .noModel(needed: step) }
        guard held == version else { throw .staleModel(held: held, requested: version) }
        model.parameters.values = state.parameters
        return model
    }
}

extension ClientState {
    /// Records the replies to `number`, keeping the newest `window` entries.
    mutating func remember(_ number: UInt64, replies: [Lethe_V1_Envelope], window: Int) {
        lastMessageNumber = max(lastMessageNumber, number)
        answered.append((number, replies))
        if answered.count > window { answered.removeFirst(answered.count - window) }
    }
}
