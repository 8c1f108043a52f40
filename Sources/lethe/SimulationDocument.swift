import LetheCoordinator
import LetheReport

/// `--json`: the `ResultsDocument` keys at the top level, plus the simulation's own figures under "simulation".
struct SimulationDocument: Encodable {
    var results: ResultsDocument
    var simulation: Details

    struct Details: Encodable {
        var wallSeconds: Double
        var cores: Int
        var threadsPerNode: Int
        var transport: String
        var scenario: String
        var trainPerClient: [Int]
        var testImages: Int
        var rounds: Int
        var localEpochs: Int
        var ftRounds: Int
        var forgettingEpochs: Int
        var contrastiveEpochs: Int
        /// The unlearning job's wall time over federated Retrain's.
        var jobToRetrainTime: Double
        /// The coordinator's activities: seconds and bytes per phase (training rounds as round-N).
        var activities: [ActivityReport]
        var wireCensus: WireCensus?
        var peakResidentMiB: [String: Double]
        var runFolder: String
        /// The job's signed deletion certificate (verified by the run).
        var certificate: String
        /// `--cache-dir` only: what came from the cache (absent from the JSON without it).
        var cache: CacheDetails?
    }

    /// Which of the federated original and Retrain were taken from `--cache-dir` and which were trained and stored.
    struct CacheDetails: Encodable {
        var directory: String
        /// The Retrain key (the original's key plus the deletion).
        var key: String
        var originalCached: Bool
        var retrainCached: Bool
        var originalFile: String
        var retrainFile: String
        var originalTrainSeconds: Double
        var retrainTrainSeconds: Double
    }

    enum Keys: String, CodingKey { case simulation }

    func encode(to encoder: any Encoder) throws {
        try results.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(simulation, forKey: .simulation)
    }
}
