import Foundation

/// The part of `lethe simulate --json`'s `simulation` object a report draws: the run's configuration and the
/// coordinator's activities. Keys the report does not draw (the wire census, cache details, memory) are in the
/// schema but not read here.
public struct SimulationFigures: Codable, Equatable, Sendable {
    public var wallSeconds: Double
    public var cores: Int
    public var threadsPerNode: Int
    public var transport: String
    public var scenario: String
    public var trainPerClient: [Int]
    public var testImages: Int
    public var rounds: Int
    public var localEpochs: Int
    public var ftRounds: Int
    public var forgettingEpochs: Int
    public var contrastiveEpochs: Int
    /// The unlearning job's wall time over federated Retrain's.
    public var jobToRetrainTime: Double
    public var activities: [Activity]

    public init(wallSeconds: Double, cores: Int, threadsPerNode: Int, transport: String, scenario: String,
                trainPerClient: [Int], testImages: Int, rounds: Int, localEpochs: Int, ftRounds: Int,
                forgettingEpochs: Int, contrastiveEpochs: Int, jobToRetrainTime: Double, activities: [Activity]) {
        self.wallSeconds = wallSeconds; self.cores = cores; self.threadsPerNode = threadsPerNode
        self.transport = transport; self.scenario = scenario; self.trainPerClient = trainPerClient
        self.testImages = testImages; self.rounds = rounds; self.localEpochs = localEpochs; self.ftRounds = ftRounds
        self.forgettingEpochs = forgettingEpochs; self.contrastiveEpochs = contrastiveEpochs
        self.jobToRetrainTime = jobToRetrainTime; self.activities = activities
    }

    /// One coordinator activity (a FedAvg run or the unlearning job), as `ActivityReport` writes it.
    public struct Activity: Codable, Equatable, Sendable {
        public var name: String
        /// "training" or "unlearning".
        public var kind: String
        public var seconds: Double
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        /// "<phase>.sent" / "<phase>.received" (training rounds as "round-N.…").
        public var phaseBytes: [String: UInt64]
        public var phaseSeconds: [String: Double]
        /// Per FedAvg round: the clients' mean local training loss, weighted by sample count (absent for an
        /// activity that ran no rounds here, such as a cached model).
        public var roundLoss: [Double]?
        /// Per FedAvg round: the clients' mean training accuracy over their last local epoch, in percent.
        public var roundAccuracy: [Double]?

        public init(name: String, kind: String, seconds: Double, bytesSent: UInt64 = 0, bytesReceived: UInt64 = 0,
                    phaseBytes: [String: UInt64] = [:], phaseSeconds: [String: Double] = [:],
                    roundLoss: [Double]? = nil, roundAccuracy: [Double]? = nil) {
            self.roundAccuracy = roundAccuracy
            self.name = name; self.kind = kind; self.seconds = seconds
            self.bytesSent = bytesSent; self.bytesReceived = bytesReceived
            self.phaseBytes = phaseBytes; self.phaseSeconds = phaseSeconds; self.roundLoss = roundLoss
        }
    }

    /// The unlearning job's activity, the one whose phases the report draws.
    public var job: Activity? { activities.last { $0.kind == "unlearning" } }
}
