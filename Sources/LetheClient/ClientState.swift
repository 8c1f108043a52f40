import LetheTensor
import LetheUnlearning
import LetheWire

/// Everything a client remembers between messages, as a value: a handler takes the state and a message and
/// returns the new state and its replies, so every protocol step is testable without sockets.
public struct ClientState: Sendable {
    /// Version of the installed global model (nil before the first ModelWeights).
    public internal(set) var modelVersion: UInt64?
    /// The installed global model's flat parameters (arena order of `ParameterVector`).
    public internal(set) var parameters: [Float] = []
    /// The coordinator's liveness contract, once welcomed.
    public internal(set) var welcome: Lethe_V1_Welcome?
    /// Welcomes received so far: the runner says Hello again until this grows (a lost Hello is retried).
    public internal(set) var welcomeCount = 0
    /// Local positions deleted by accepted requests: never trained on again, never counted as retained.
    public internal(set) var deletedPositions: Set<Int> = []
    /// Deletion requests this client has answered, by request id.
    public internal(set) var deletions: [String: DeletionJob] = [:]
    /// A ModelWeights arriving in chunks, until its last chunk.
    var pendingWeights: PendingWeights?
    /// Replies to recent incoming message numbers (oldest first), for answering a replay without re-running it.
    var answered: [(number: UInt64, replies: [Lethe_V1_Envelope])] = []
    /// Highest incoming message number handled.
    var lastMessageNumber: UInt64 = 0
    /// The incarnation of the coordinator this client talks to (0 before the first stamped message): message
    /// numbers and model versions are scoped to it.
    public internal(set) var coordinatorIncarnation: UInt64 = 0

    public init() {}

    /// Retained positions: every local sample not deleted, ascending.
    public func retainedPositions(count: Int) -> [Int] {
        (0..<count).filter { !deletedPositions.contains($0) }
    }
}

/// One deletion request as this client knows it: its local forget set and what the job has sent so far.
public struct DeletionJob: Sendable {
    /// The ack sent (re-sent unchanged if the request is forwarded again).
    public var ack: Lethe_V1_DeletionAck
    /// Local positions to forget (empty when rejected).
    public var forgetPositions: [Int]
    /// The forgotten class for class-wise deletion (TA then excludes it, as `EvaluationData.excludingClass` does).
    public var forgottenClass: Int?
    /// Which WSS-CL reading the phases run: a whole class, samples (sample ids and the whole client), or a poisoned
    /// contribution (the request's reason).
    public var kind = ForgettingKind.samples
    /// The global saliency mask (MaskBroadcast).
    public var mask: WeightMask?
    /// The merged retained-feature statistics (GlobalStats).
    public var statistics: FeatureStatistics?

    /// Whether this client holds forget data of the request.
    public var isHolder: Bool { ack.state == .recorded && !forgetPositions.isEmpty }
}

/// Chunks of one ModelWeights collected so far.
/// `@unchecked`: `TensorReassembler` is a plain value (arrays and ints) that LetheWire does not mark Sendable.
struct PendingWeights: @unchecked Sendable {
    var version: UInt64
    var sha256: [UInt8]
    var reassembler: TensorReassembler
}
