import LetheFederation

/// The name of a federated training run's result, for caching it (`lethe simulate --cache-dir`).
///
/// FedAvg here is deterministic: each client's shuffles are seeded by the run's seed and the wire round, and the
/// coordinator aggregates the contributors in sorted order. The trained original is therefore a function of what
/// this key lists: the model and the data each client holds (seed, client count, partition, per-client training and
/// test limits; nil limit: each client's whole share, `--full`), the FedAvg schedule (rounds, local epochs, the
/// aggregation rule) and the local optimiser (batch size, learning rate, momentum, weight decay). Federated Retrain
/// adds the deleted samples, named by the scenario and an FNV-1a hash of their sorted ids. `format` is raised when
/// a code change alters what training produces, so old files stop matching instead of being reused wrongly.
public struct FederatedRunKey: Equatable, Sendable {
    public static let format = 1

    public var architecture = "cnn-small"
    public var seed: UInt64
    public var clients: Int
    public var partition: String
    public var trainPerClient: Int?
    public var testPerClient: Int
    public var training: FederationConfiguration.Training
    public var aggregation: AggregationRule
    /// The backdoor planted in the deletion's samples before training, with a hash of the ids that carry it
    /// (`Canary.description@hash`); nil for clean data. Only the original depends on it: Retrain never sees them.
    public var canary: String?

    public init(seed: UInt64, clients: Int, partition: String, trainPerClient: Int?, testPerClient: Int,
                training: FederationConfiguration.Training, aggregation: AggregationRule) {
        self.seed = seed
        self.clients = clients
        self.partition = partition
        self.trainPerClient = trainPerClient
        self.testPerClient = testPerClient
        self.training = training
        self.aggregation = aggregation
    }

    /// Every input of the original, as one readable line (stored in the cache file and compared on load).
    public var original: String { clean + (canary.map { " canary=\($0)" } ?? "") }

    /// The canary's part of the key: its description and the FNV-1a hash of the sorted ids that carry it.
    public static func canaryKey(_ description: String, ids: [Int]) -> String {
        "\(description)@\(hex(fnv1a(ids.sorted())))"
    }

    /// Every input of a training run on clean data.
    var clean: String {
        let t = training
        return "\(architecture) format=\(Self.format) seed=\(seed) clients=\(clients) partition=\(partition) "
            + "train=\(trainPerClient.map(String.init) ?? "full") test=\(testPerClient) rounds=\(t.rounds) "
            + "local-epochs=\(t.localEpochs) batch=\(t.batchSize) lr=\(t.learningRate) momentum=\(t.momentum) "
            + "weight-decay=\(t.weightDecay) training-seed=\(t.seed) min-clients=\(t.minimumClients) "
            + "aggregation=\(aggregation)"
            // Named only when it samples, so the keys of runs that ask every client stay as they were.
            + (t.fractionFit < 1 ? " fraction-fit=\(t.fractionFit)" : "")
    }

    /// The clean run's inputs plus the deletion: `scenario` (e.g. "ids", "class:3") and the deleted sample ids.
    public func retrain(scenario: String, forgetIDs: [Int]) -> String {
        clean + " forget=\(scenario):\(Self.hex(Self.fnv1a(forgetIDs.sorted())))"
    }

    /// `original-<hash of the key>.safetensors`.
    public var originalFileName: String { "original-\(Self.hex(Self.fnv1a(original))).safetensors" }

    /// `retrain-<hash of the original's key>-<hash of the deletion>.safetensors`: a run's files sort together.
    public func retrainFileName(scenario: String, forgetIDs: [Int]) -> String {
        let deletion = Self.fnv1a(retrain(scenario: scenario, forgetIDs: forgetIDs))
        return "retrain-\(Self.hex(Self.fnv1a(clean)))-\(Self.hex(deletion)).safetensors"
    }

    /// FNV-1a 64 of the ids as 8-byte little-endian integers: the same in every process, unlike Swift's `Hasher`.
    public static func fnv1a(_ ids: [Int]) -> UInt64 {
        let bytes = ids.flatMap { id in
            let bits = UInt64(bitPattern: Int64(id))
            return (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        }
        return fnv1a(bytes: bytes)
    }

    /// FNV-1a 64 of the text's UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 { fnv1a(bytes: Array(text.utf8)) }

    static func fnv1a(bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
