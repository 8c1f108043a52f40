import LetheTensor

/// What a restarted coordinator needs to resume a job from the start of `phase`: the model the phase starts
/// from and the products of earlier phases (mask, merged statistics). Written by the node at every phase boundary,
/// before the phase's first request goes out, so "restart from the last recorded phase" never lacks an input.
///
/// `holders` keeps the job's forget holders: after a class deletion the holders no longer list the class in their
/// Hello (they already applied the deletion), so a resumed job cannot re-derive them from the roster.
/// `weights`/`modelVersion` are the in-job model the clients hold: the job broadcasts a new in-job version only
/// *after* the checkpoint that names it is written, so clients never hold a version newer than the checkpoint.
public struct JobCheckpoint: Codable, Equatable, Sendable {
    public var jobID: String
    public var phase: JobPhase
    public var modelVersion: UInt64
    public var weights: [Float]
    public var mask: WeightMask?
    public var statistics: StoredStatistics?
    /// The job's forget holders (client ids); nil in checkpoints written before it was kept.
    public var holders: [ClientID]?

    public init(jobID: String, phase: JobPhase, modelVersion: UInt64, weights: [Float], mask: WeightMask?,
                statistics: StoredStatistics?, holders: [ClientID]? = nil) {
        self.holders = holders
        self.jobID = jobID
        self.phase = phase
        self.modelVersion = modelVersion
        self.weights = weights
        self.mask = mask
        self.statistics = statistics
    }

    /// Merged statistics in a `Codable` form (the wire value is not `Codable`).
    public struct StoredStatistics: Codable, Equatable, Sendable {
        public var featureDim: Int
        public var labels: [UInt32]
        public var counts: [UInt64]
        public var sums: [[Double]]
        public var sumSquares: [[Double]]
        public var contributors: Int
    }
}
