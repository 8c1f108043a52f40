import LetheTensor
import LetheWire

/// A client's id: the envelope's sender_id ("client-0", …).
public typealias ClientID = String

/// The two phases whose results are masked deltas.
public enum DeltaPhase: String, Codable, Equatable, Sendable { case forget, contrastive }

/// What the coordinator asks of clients during a deletion job, in domain terms (the node maps it to the wire).
public enum JobCommand: Equatable, Sendable {
    /// Forward the deletion request to a forget holder, so it knows its local forget set.
    case deletion(DeletionRequestRecord)
    /// The full model of `version`; clients keep the latest.
    case modelWeights(version: UInt64, weights: [Float])
    case saliencyRequest(modelVersion: UInt64, encoding: FederationConfiguration.SaliencyEncoding, topFraction: Double)
    case mask(WeightMask, modelVersion: UInt64, fraction: Double)
    /// PHASE_FORGET or PHASE_CONTRASTIVE: `steps` epochs of the phase on the holder's forget data.
    case deltaPhase(DeltaPhase, modelVersion: UInt64, steps: Int, learningRate: Float, seed: UInt64)
    /// PHASE_STATISTICS; `noiseSigma` is the unit σ of `GaussianNoiseScales` (0: exact statistics).
    case statisticsRequest(modelVersion: UInt64, noiseSigma: Double)
    case globalStatistics(WireFeatureStatistics, modelVersion: UInt64, contributors: Int)
    case evaluationRequest(modelVersion: UInt64)
}

/// A client's answer within a deletion job, already decoded and validated by the wire layer.
public enum JobReply: Equatable, Sendable {
    case deletionAck(recorded: Bool, reason: String)
    case saliency(SaliencyContribution, modelVersion: UInt64)
    case delta(DeltaPhase, DeltaContribution, baseVersion: UInt64)
    case statistics(WireFeatureStatistics, modelVersion: UInt64)
    case evaluation(WireMetrics, modelVersion: UInt64)

    /// The phase that expects this reply.
    var phase: JobPhase {
        switch self {
        case .deletionAck: .requested
        case .saliency: .saliency
        case .delta(.forget, _, _): .forgetting
        case .delta(.contrastive, _, _): .contrastive
        case .statistics: .statistics
        case .evaluation: .verification
        }
    }
}

/// Inputs of the job state machine. `now` comes from the coordinator's injected clock, in seconds.
public enum JobEvent: Equatable, Sendable {
    case start(now: Double)
    case reply(from: ClientID, round: UInt64, JobReply, now: Double)
    /// The node stopped hearing from a client for `liveness` heartbeat intervals.
    case clientDied(ClientID, now: Double)
    /// A client registered again (reconnect or restart) while the job runs.
    case clientReturned(ClientID, now: Double)
    /// A client answered the job's `round` with an Error (it could not carry the request out).
    case clientFailed(ClientID, round: UInt64, reason: String, now: Double)
    /// Time passed: checks the phase deadline.
    case tick(now: Double)
}

/// Why a client's message was refused; the node answers with an `Error` of the matching code.
public enum Refusal: Equatable, Sendable {
    /// The sender is not a participant of this job.
    case unknownClient
    /// The message belongs to another round (a replay, a duplicate, or a straggler from an earlier phase).
    case staleRound
    /// Valid, but not what the current phase waits for.
    case unexpected
    /// Content that does not fit the job (a vector for another model, a delta outside the mask, …).
    case invalid
}

/// Outputs of the job state machine, for the node to carry out in order.
public enum JobAction: Equatable, Sendable {
    case send(JobCommand, to: [ClientID], round: UInt64)
    case refuse(ClientID, Refusal, reason: String)
    /// The job record changed (phase, timings): store it durably before going on.
    case save(JobRecord)
    /// A phase boundary was crossed: store what a restarted coordinator needs to resume from it.
    case checkpoint(JobCheckpoint)
    /// The unlearned model is ready: store it as `version` and mark the request done.
    case publish(version: UInt64, weights: [Float], metrics: JobMetrics)
    case failed(reason: String)
    /// A line for the operator's log (progress and dropped clients).
    case log(String)
}

/// Verification figures aggregated over clients: UA and MIA weighted by forget counts (holders), RA by retained
/// counts and TA by test counts, so the figures equal those of the union of the clients' data.
public struct JobMetrics: Codable, Equatable, Sendable {
    public var ua: Double
    public var ra: Double
    public var ta: Double
    public var mia: Double
    public var forgetSamples: UInt64
    public var retainSamples: UInt64
    public var testSamples: UInt64
    public var reports: Int
    /// The canary's attack success rate over the clients that hold one (weighted by their triggered test images),
    /// and how many images that is; nil when no client reported a canary (and in records from before ASR existed).
    public var asr: Double?
    public var canarySamples: UInt64?

    public init(ua: Double, ra: Double, ta: Double, mia: Double, forgetSamples: UInt64, retainSamples: UInt64,
                testSamples: UInt64, reports: Int) {
        (self.ua, self.ra, self.ta, self.mia) = (ua, ra, ta, mia)
        (self.forgetSamples, self.retainSamples, self.testSamples, self.reports) =
            (forgetSamples, retainSamples, testSamples, reports)
    }
}
