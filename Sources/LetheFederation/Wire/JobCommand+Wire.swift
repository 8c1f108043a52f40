import Foundation
import LetheTensor
import LetheWire

/// Domain ↔ wire for the job's messages, in one place (STYLE.md principle 9): nodes never build generated types
/// by hand for job traffic.
extension JobCommand {
    /// The envelope bodies of this command; model weights may need several (chunks of at most `maxElements`).
    public func wireBodies(requestID: String, maxElements: Int) -> [Lethe_V1_Envelope.OneOf_Body] {
        switch self {
        case .deletion(let request):
            return [.deletionRequest(request.wire)]
        case .modelWeights(let version, let weights):
            return ModelWeightsWire.bodies(version: version, weights: weights, maxElements: maxElements)
        case .saliencyRequest(let version, let encoding, let fraction):
            var m = Lethe_V1_SaliencyRequest()
            (m.requestID, m.modelVersion, m.topFraction) = (requestID, version, Float(fraction))
            m.encoding = encoding == .dense ? .dense : .topK
            return [.saliencyRequest(m)]
        case .mask(let mask, let version, let fraction):
            var m = Lethe_V1_MaskBroadcast()
            (m.requestID, m.modelVersion, m.mask, m.fraction) = (requestID, version, mask.wireMask.wire, Float(fraction))
            return [.maskBroadcast(m)]
        case .deltaPhase(let phase, let version, let steps, let rate, let seed):
            var m = Lethe_V1_PhaseRequest()
            (m.requestID, m.modelVersion, m.steps, m.learningRate, m.seed) = (requestID, version, UInt32(steps), rate, seed)
            m.phase = phase == .forget ? .forget : .contrastive
            return [.phaseRequest(m)]
        case .statisticsRequest(let version, let sigma):
            var m = Lethe_V1_PhaseRequest()
            (m.requestID, m.modelVersion, m.phase, m.steps, m.noiseSigma) = (requestID, version, .statistics, 1, sigma)
            return [.phaseRequest(m)]
        case .globalStatistics(let stats, let version, let contributors):
            var m = Lethe_V1_GlobalStats()
            (m.requestID, m.modelVersion, m.featureDim) = (requestID, version, UInt32(stats.featureDim))
            (m.classes, m.contributorCount) = (stats.wireClasses, UInt32(contributors))
            return [.globalStats(m)]
        case .evaluationRequest(let version):
            var m = Lethe_V1_EvalRequest()
            (m.requestID, m.modelVersion) = (requestID, version)
            return [.evalRequest(m)]
        }
    }
}

extension JobReply {
    /// The job reply carried by a validated envelope body, nil for bodies that are not job replies.
    /// - Throws: `WireError` for content the envelope validator cannot judge alone (e.g. statistics sums).
    public init?(wire body: Lethe_V1_Envelope.OneOf_Body, limits: WireLimits = .default) throws(WireError) {
        switch body {
        case .deletionAck(let m):
            self = .deletionAck(recorded: m.state == .recorded || m.state == .done, reason: m.reason)
        case .saliencyReport(let m):
            let scores: SaliencyScores
            switch m.scores {
            case .dense(let tensor)?:
                scores = .dense(try Tensor(wire: tensor, field: "saliency_report.dense", limits: limits).storage)
            case .topK(let bits)?:
                scores = .topK(try WireMask(wire: bits, field: "saliency_report.top_k", limits: limits))
            case nil:
                throw .missingField(field: "saliency_report.scores")
            }
            self = .saliency(SaliencyContribution(scores: scores, forgetCount: Int(m.forgetSampleCount)),
                             modelVersion: m.modelVersion)
        case .modelDelta(let m):
            let delta = try WireSparseDelta(wire: m.delta, field: "model_delta.delta", limits: limits)
            let phase: DeltaPhase
            switch m.phase {
            case .forget: phase = .forget
            case .contrastive: phase = .contrastive
            default: throw .invalidValue(field: "model_delta.phase", detail: "a delta belongs to FORGET or CONTRASTIVE")
            }
            self = .delta(phase, DeltaContribution(delta: delta, sampleCount: Int(m.sampleCount)),
                          baseVersion: m.baseModelVersion)
        case .featureStats(let m):
            let stats = try WireFeatureStatistics(featureDim: m.featureDim, wireClasses: m.classes,
                                                  field: "feature_stats.classes", limits: limits)
            self = .statistics(stats, modelVersion: m.modelVersion)
        case .evalReport(let m):
            self = .evaluation(try WireMetrics(wire: m.metrics, field: "eval_report.metrics"), modelVersion: m.modelVersion)
        default:
            return nil
        }
    }
}

extension DeletionRequestRecord {
    /// The DeletionRequest a forget holder receives (and `lethe forget` sends).
    public var wire: Lethe_V1_DeletionRequest {
        var m = Lethe_V1_DeletionRequest()
        (m.requestID, m.targetClientID) = (id, clientID)
        switch scope {
        case .samples(let ids):
            var samples = Lethe_V1_SampleIds()
            samples.ids = ids.map { UInt64($0) }
            m.scope = .samples(samples)
        case .wholeClass(let label): m.scope = .classLabel(UInt32(label))
        case .wholeClient: m.scope = .wholeClient(true)
        }
        m.reason = reason == .poisoned ? .poisoned : .privacy
        return m
    }

    /// The reason of a wire request (unset and unknown values read as privacy, the reading that changes least).
    public static func reason(of m: Lethe_V1_DeletionRequest) -> DeletionReason {
        m.reason == .poisoned ? .poisoned : .privacy
    }

    /// The scope of a validated wire request.
    public static func scope(of m: Lethe_V1_DeletionRequest) -> DeletionScope {
        switch m.scope {
        case .samples(let samples)?: .samples(samples.ids.map { Int(clamping: $0) })
        case .classLabel(let label)?: .wholeClass(Int(label))
        case .wholeClient?, nil: .wholeClient
        }
    }
}

/// ModelWeights bodies: one when the model fits, numbered chunks otherwise (DECISIONS.md §8), each carrying the
/// SHA-256 of the complete little-endian weights.
public enum ModelWeightsWire {
    public static func bodies(version: UInt64, weights: [Float], maxElements: Int) -> [Lethe_V1_Envelope.OneOf_Body] {
        let digest = Data(SHA256.digest(weights.withUnsafeBytes { Data($0) }))
        return Tensor(shape: [weights.count], storage: weights).wirePieces(maxElements: maxElements).map { piece in
            var m = Lethe_V1_ModelWeights()
            (m.modelVersion, m.parameters, m.sha256) = (version, piece.tensor, digest)
            if let chunk = piece.chunk { m.chunk = chunk }
            return .modelWeights(m)
        }
    }
}
