import Foundation
import LetheFederation
import LetheTensor
import LetheWire

/// How a coordinator node runs: who may join, what it trains, what it runs after its jobs, and where it writes.
public struct CoordinatorConfiguration: Sendable {
    /// Federation rules (rounds, phases, timeouts, aggregation).
    public var federation = FederationConfiguration()
    /// Client ids allowed to join; empty admits any id (the contract's "when one is configured").
    public var expectedClients: [ClientID] = []
    /// Clients that must have said Hello before training starts (default: all expected, at least 1).
    public var quorumToStart = 1
    /// Largest message accepted; also announced in Welcome so clients chunk larger payloads.
    public var limits = WireLimits.default
    /// Folder for published safetensors files, job checkpoints and the activity summary.
    public var outputDirectory: URL
    /// Name → shape layout of the flat weights (from the model's ParameterVector), written into safetensors files.
    public var layout: [ParameterVector.Entry]
    /// Work after the deletion jobs, for comparisons (`lethe simulate`): retrain from scratch, fine-tune.
    public var comparisons: [Comparison] = []
    /// Stop once this many deletion jobs have finished and the comparisons ran (nil: serve until stopped).
    public var stopAfterJobs: Int?
    /// The node's own id in envelopes.
    public var nodeID = "coordinator"
    /// Classes of the model's output (nil: not known, only `limits.maxClasses` bounds a class deletion).
    public var classCount: Int?
    /// The key that signs each published job's deletion certificate (nil: no certificates, as in unit tests that
    /// do not look at them; `lethe coordinator` always has one).
    public var signingKey: SigningKey?

    public init(outputDirectory: URL, layout: [ParameterVector.Entry]) {
        self.outputDirectory = outputDirectory
        self.layout = layout
    }

    /// Training runs the coordinator performs after the deletion jobs, each published as its own version.
    public enum Comparison: Codable, Equatable, Sendable {
        /// FedAvg from `initialWeights` for `rounds` rounds on the clients' retained data (federated Retrain,
        /// DECISIONS.md §19).
        case retrain(rounds: Int)
        /// A second federated Retrain from the same initial weights on the round seeds after the runs before it, so
        /// on another data order: its Avg. Gap to the first is the floor of the comparison, how far two models
        /// retrained without the forget data differ by chance alone (`lethe simulate --noise-floor`).
        case retrainAgain(rounds: Int)
        /// FedAvg for `rounds` rounds starting from the original model (federated FT).
        case fineTune(rounds: Int)
        /// Nothing is trained or published, but the model versions and wire round numbers of a `rounds`-round run
        /// are used up, so the runs after it get the seeds they would get had it run (`lethe simulate` takes a
        /// cached Retrain's place with it).
        case skipped(rounds: Int)

        public var name: String {
            switch self {
            case .retrain: "retrain"
            case .retrainAgain: "retrain-2"
            case .fineTune: "ft"
            case .skipped: "skipped"
            }
        }
    }
}

/// Time for the node: monotonic seconds for timeouts and wall dates for records, injectable for tests.
public protocol NodeClock: Sendable {
    /// Monotonic seconds since an arbitrary origin.
    func now() -> Double
    func date() -> Date
}

/// The real clock.
public struct SystemNodeClock: NodeClock {
    private let origin = ContinuousClock.now
    public init() {}
    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
    public func date() -> Date { Date() }
}

/// Errors of the coordinator node that stop it (bad input from peers never does; it is answered and logged).
public enum CoordinatorError: Error, CustomStringConvertible {
    case store(String)
    case files(path: String, reason: String)
    case configuration(String)
    case trainingFailed(String)

    public var description: String {
        switch self {
        case .store(let detail): return "job store failed: \(detail); check the ledger file and disk space"
        case .files(let path, let reason): return "cannot use \(path): \(reason); check the output folder"
        case .configuration(let detail): return "invalid coordinator configuration: \(detail)"
        case .trainingFailed(let reason): return "training stopped: \(reason)"
        }
    }
}
