import Foundation
import LetheTensor
import LetheWire

/// Session-level messages: registration, liveness, model distribution, and what the coordinator reports.
extension ClientNode {
    /// The Hello that registers this client: its retained sample count (FedAvg weights by it) and the classes it
    /// holds (the coordinator routes class-wise deletions by them).
    public func hello(_ state: ClientState) -> Lethe_V1_Envelope {
        var hello = Lethe_V1_Hello()
        hello.softwareVersion = configuration.softwareVersion
        let retained = state.retainedPositions(count: data.train.count)
        hello.sampleCount = UInt64(retained.count)
        let counts = data.train.classCounts(at: retained)
        hello.classLabels = counts.indices.filter { counts[$0] > 0 }.map { UInt32($0) }
        return envelope(jobID: "", round: 0, replyTo: 0, body: .hello(hello))
    }

    /// An application heartbeat (any message also counts as a sign of life).
    public func heartbeat(sequence: UInt64, sentUnixMs: UInt64) -> Lethe_V1_Envelope {
        var beat = Lethe_V1_Heartbeat()
        beat.sequence = sequence
        beat.sentUnixMs = sentUnixMs
        return envelope(jobID: "", round: 0, replyTo: 0, body: .heartbeat(beat))
    }

    /// Welcome: adopt the coordinator's liveness contract and message size limit.
    func handleWelcome(_ welcome: Lethe_V1_Welcome, state: inout ClientState) -> [Lethe_V1_Envelope] {
        state.welcome = welcome
        state.welcomeCount += 1
        log("welcomed: heartbeat every \(welcome.heartbeatIntervalMs) ms, liveness \(welcome.liveness), "
            + "coordinator model version \(welcome.modelVersion)")
        return []
    }

    /// ModelWeights, whole or chunked: reassemble, check the parameter count and SHA-256, then install. A model
    /// that fails a check is not installed; the previous one stays.
    func handleModelWeights(_ weights: Lethe_V1_ModelWeights,
                            state: inout ClientState) throws -> [Lethe_V1_Envelope] {
        if let held = state.modelVersion, weights.modelVersion < held {
            throw ClientError.staleModel(held: held, requested: weights.modelVersion)
        }
        let parameters: Tensor
        if weights.hasChunk {
            if state.pendingWeights?.version != weights.modelVersion || state.pendingWeights?.sha256 != [UInt8](weights.sha256) {
                state.pendingWeights = PendingWeights(version: weights.modelVersion, sha256: [UInt8](weights.sha256),
                                                      reassembler: TensorReassembler(limits: configuration.limits))
            }
            guard let whole = try state.pendingWeights!.reassembler.add(weights.parameters, chunk: weights.chunk,
                                                                        field: "model_weights.parameters")
            else { return [] }
            state.pendingWeights = nil
            parameters = whole
        } else {
            parameters = try Tensor(wire: weights.parameters, field: "model_weights.parameters",
                                    limits: configuration.limits)
        }
        try install(parameters, version: weights.modelVersion, sha256: [UInt8](weights.sha256), state: &state)
        return []
    }

    func install(_ parameters: Tensor, version: UInt64, sha256: [UInt8],
                 state: inout ClientState) throws(ClientError) {
        guard parameters.count == parameterCount else {
            throw .parameterCount(expected: parameterCount, actual: parameters.count)
        }
        guard sha256.count == 32 else { throw .checksum(version: version, detail: "the sha256 field is empty") }
        let verified = sharedModels?.alreadyVerified(parameters.storage, sha256: sha256)
        if verified == nil {
            let actual = SHA256.digest(parameters.wire.data)
            guard actual == sha256 else {
                throw .checksum(version: version, detail: "expected \(hex(sha256)), computed \(hex(actual))")
            }
        }
        state.modelVersion = version
        state.parameters = verified ?? sharedModels?.shared(parameters.storage, sha256: sha256) ?? parameters.storage
        log("installed model version \(version) (\(parameters.count) parameters, sha256 \(hex(sha256).prefix(12))…)")
    }

    /// The coordinator refused something this client sent: log it; never answer an Error with an Error.
    /// A coordinator that restarted no longer knows this connection and refuses everything but Hello ("send Hello
    /// first"): say Hello again so the node rejoins and a resumed job can reach it. Hello itself is never refused
    /// that way, so this cannot ping-pong.
    func handleRemoteError(_ error: Lethe_V1_Error, state: ClientState) -> [Lethe_V1_Envelope] {
        log("coordinator error \(error.code) on message #\(error.inReplyTo): \(LogSafe.text(error.message))")
        if error.code == .unauthorized && error.message.contains("send Hello first") {
            log("the coordinator does not know this connection (restarted?); saying Hello again")
            return [hello(state)]
        }
        return []
    }

    /// Job progress from the coordinator: logged for the operator.
    func handleJobStatus(_ status: Lethe_V1_JobStatus) -> [Lethe_V1_Envelope] {
        log("job \(status.state) phase \(status.phase) \(Int(status.progress * 100)) % \(LogSafe.text(status.detail))")
        return []
    }
}

/// Lowercase hex of a digest.
func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// An incarnation id as 16 hex digits.
func hexID(_ id: UInt64) -> String { String(format: "%016llx", id) }
