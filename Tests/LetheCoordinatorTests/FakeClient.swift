import Foundation
import LetheFederation
import LetheTensor
import LetheTransport
import LetheWire
import LetheCoordinator

/// A monotonic clock the test moves by hand.
final class ManualClock: NodeClock, @unchecked Sendable {
    var seconds = 0.0
    func now() -> Double { seconds }
    func date() -> Date { Date(timeIntervalSince1970: 1_000_000 + seconds) }
}

/// A scripted client over `InProcessTransport`: it answers every request of the contract with fixed, checkable
/// numbers, and records every message it received.
final class FakeClient {
    let id: String
    let transport: InProcessTransport
    var received: [Lethe_V1_Envelope] = []
    var errors: [Lethe_V1_Error] = []
    var sampleCount: UInt64 = 100
    var labels: [UInt32]
    /// Stop answering (a client that hangs or died).
    var silent = false
    /// Answer phase requests of this phase with an Error (a client whose local computation fails).
    var failingPhase: Lethe_V1_Phase?
    /// Answer this many TrainRequests with `staleModel` (a client holding another model version) before training.
    var staleTrainRequests = 0
    private var number: UInt64 = 0
    private var mask: WireMask?

    /// `connection` names the transport peer (default: the id), `userID` the CURVE key it authenticated with.
    init(_ id: String, network: InProcessNetwork, labels: [UInt32] = [0, 1], connection: String? = nil,
         userID: String? = nil) throws {
        self.id = id
        self.labels = labels
        transport = try network.connect("coordinator", identity: PeerID(Data((connection ?? id).utf8)), userID: userID)
    }

    func send(_ body: Lethe_V1_Envelope.OneOf_Body, jobID: String = "", round: UInt64 = 0) throws {
        number += 1
        let envelope = WireCodec.envelope(jobID: jobID, round: round, senderID: id, messageNumber: number, body: body)
        try transport.send([try WireCodec.encode(envelope)], to: .server)
    }

    func sendRaw(_ data: Data) throws { try transport.send([data], to: .server) }

    func hello() throws {
        var hello = Lethe_V1_Hello()
        (hello.softwareVersion, hello.sampleCount, hello.classLabels) = ("test", sampleCount, labels)
        try send(.hello(hello))
    }

    /// Reads everything queued and answers what asks for an answer.
    func serve() throws {
        while let message = try transport.receive(timeout: .zero) {
            let envelope = try WireCodec.decode(message.frames.last!)
            received.append(envelope)
            if case .error(let error)? = envelope.body { errors.append(error) }
            guard !silent, let reply = answer(envelope) else { continue }
            try send(reply, jobID: envelope.jobID, round: envelope.round)
        }
    }

    private func answer(_ envelope: Lethe_V1_Envelope) -> Lethe_V1_Envelope.OneOf_Body? {
        switch envelope.body {
        case .trainRequest(let request) where staleTrainRequests > 0:
            staleTrainRequests -= 1
            var error = Lethe_V1_Error()
            (error.code, error.inReplyTo) = (.staleModel, envelope.messageNumber)
            error.message = "the client holds model version 99, but the request names version \(request.modelVersion)"
            return .error(error)
        case .trainRequest(let request):
            var update = Lethe_V1_TrainUpdate()
            (update.baseModelVersion, update.sampleCount, update.trainLoss) = (request.modelVersion, sampleCount, 0.5)
            update.trainAccuracy = 80
            update.parameters = Tensor(shape: [8], storage: [Float](repeating: Float(labels.count), count: 8)).wire
            return .trainUpdate(update)
        case .deletionRequest(let request):
            var ack = Lethe_V1_DeletionAck()
            (ack.requestID, ack.state) = (request.requestID, .recorded)
            return .deletionAck(ack)
        case .saliencyRequest(let request):
            var report = Lethe_V1_SaliencyReport()
            (report.requestID, report.modelVersion, report.forgetSampleCount) = (request.requestID, request.modelVersion, 10)
            report.dense = Tensor(shape: [8], storage: [0, 1, 2, 3, 4, 5, 6, 7]).wire
            return .saliencyReport(report)
        case .maskBroadcast(let broadcast):
            mask = try? WireMask(wire: broadcast.mask)
            return nil
        case .phaseRequest(let request) where request.phase == failingPhase:
            var error = Lethe_V1_Error()
            (error.code, error.message, error.inReplyTo) = (.internal, "phase_request failed: scripted", envelope.messageNumber)
            return .error(error)
        case .phaseRequest(let request) where request.phase == .statistics:
            var stats = Lethe_V1_FeatureStats()
            (stats.requestID, stats.modelVersion, stats.featureDim) = (request.requestID, request.modelVersion, 2)
            stats.classes = WireFeatureStatistics(featureDim: 2, classes: [
                .init(label: 0, count: 4, sum: [1, 2], sumSquares: [1, 4])]).wireClasses
            return .featureStats(stats)
        case .phaseRequest(let request):
            guard let mask else { return nil }
            var delta = Lethe_V1_ModelDelta()
            (delta.requestID, delta.phase, delta.baseModelVersion, delta.sampleCount) =
                (request.requestID, request.phase, request.modelVersion, 10)
            delta.delta = WireSparseDelta(mask: mask, values: [Float](repeating: 1, count: mask.popCount)).wire
            return .modelDelta(delta)
        case .evalRequest(let request):
            var report = Lethe_V1_EvalReport()
            (report.requestID, report.modelVersion) = (request.requestID, request.modelVersion)
            report.metrics = WireMetrics(ua: 60, ra: 90, ta: 85, mia: 50, forgetSamples: 10, retainSamples: 90,
                                         testSamples: 50).wire
            return .evalReport(report)
        default:
            return nil
        }
    }
}
