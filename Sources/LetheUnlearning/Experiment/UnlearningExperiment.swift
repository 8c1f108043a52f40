import Dispatch
import Foundation
import LetheData
import LetheNN
import LetheTensor

/// What one method achieved in one protocol run.
public struct MethodOutcome: Codable, Sendable {
    public var method: String
    public var metrics: UnlearningMetrics
    /// Wall time of the unlearning run, mask included, evaluation excluded (RTE).
    public var seconds: Double
    /// Mean |Δ| to Retrain over UA, RA, TA, MIA (0 for Retrain itself).
    public var averageGap: Double
    public var configuration: String
}

/// One protocol run: the original ("do nothing") and Retrain rows, then every method asked for.
public struct ExperimentOutcome: Codable, Sendable {
    public var seed: UInt64
    public var forgetCount: Int
    public var retainCount: Int
    public var original: MethodOutcome
    public var retrain: MethodOutcome
    public var methods: [MethodOutcome]
}

/// Runs the protocol for one seed: original and Retrain (cached), each method from the same original, metrics.
public struct UnlearningExperiment {
    public let setup: ExperimentSetup
    public let data: ExperimentData
    private let architecture: Architecture

    public init(setup: ExperimentSetup, train: ImageDataset, test: ImageDataset,
                architecture: Architecture = .cnnSmall) throws {
        self.setup = setup
        self.data = try ExperimentData(setup: setup, train: train, test: test)
        self.architecture = architecture
    }

    /// The original model θ_o trained on D = D_r ∪ D_f (from the cache when present) and its training seconds.
    public func originalModel(progress: PhaseProgress? = nil) throws -> (Sequential, Double) {
        var rng = setup.generator(.original)
        let model = architecture.build(seed: rng.next(), classes: data.task.train.classCount)
        let key = setup.originalKey(forgetCount: data.task.forget.count, forgetHash: stableHash(data.task.forget))
        return try ModelCache(directory: setup.cacheDirectory).model(key: "original-\(key)", architecture: model) {
            let start = DispatchTime.now().uptimeNanoseconds
            Trainer.train(model, on: data.task.train, positions: data.pool, recipe: setup.recipe, rng: &rng) {
                progress?("original", $0.fractionDone)
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// Retrain on D_r (from the cache when present) and its training seconds.
    public func retrainedModel(original: Sequential, progress: PhaseProgress? = nil) throws -> (Sequential, Double) {
        var rng = setup.generator(.retrain)
        let method = Retrain(configuration: { var c = Retrain.Configuration(); c.recipe = setup.recipe; return c }())
        let key = setup.retrainKey(forgetCount: data.task.forget.count, forgetHash: stableHash(data.task.forget))
        let shell = original.rebuild(0)
        return try ModelCache(directory: setup.cacheDirectory).model(key: "retrain-\(key)", architecture: shell) {
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try method.unlearn(original, task: data.task, rng: &rng, progress: progress)
            shell.parameters.values = model.parameters.values
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// The whole run. `progress` receives (phase, fraction) for every phase, methods included; `finished` receives
    /// each method's row (with its index in `methods`) as soon as it is evaluated, so long sweeps are legible live.
    public func run(methods: [UnlearningMethod], original given: Sequential? = nil,
                    progress: PhaseProgress? = nil,
                    finished: ((Int, MethodOutcome) -> Void)? = nil) throws -> ExperimentOutcome {
        let original = try given ?? originalModel(progress: progress).0
        let (retrained, retrainSeconds) = try retrainedModel(original: original, progress: progress)
        progress?("evaluating original and retrain", 0)
        let retrainMetrics = try UnlearningEvaluator.evaluate(retrained, task: data.task, data: data.evaluation)
        let originalMetrics = try UnlearningEvaluator.evaluate(original, task: data.task, data: data.evaluation)
        var outcomes: [MethodOutcome] = []
        for (index, method) in methods.enumerated() {
            if method.name == .retrain { continue }
            var rng = setup.generator(.methods).derived(UInt64(index))
            let start = DispatchTime.now().uptimeNanoseconds
            let unlearned = try method.unlearn(original, task: data.task, rng: &rng) { phase, fraction in
                progress?("\(method.name.rawValue): \(phase)", fraction)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let metrics = try UnlearningEvaluator.evaluate(unlearned, task: data.task, data: data.evaluation)
            outcomes.append(MethodOutcome(method: method.name.rawValue, metrics: metrics, seconds: seconds,
                                          averageGap: metrics.averageGap(to: retrainMetrics),
                                          configuration: method.configurationSummary))
            finished?(index, outcomes.last!)
        }
        return ExperimentOutcome(
            seed: setup.seed, forgetCount: data.task.forget.count, retainCount: data.task.retain.count,
            original: MethodOutcome(method: "original", metrics: originalMetrics, seconds: 0,
                                    averageGap: originalMetrics.averageGap(to: retrainMetrics), configuration: "no unlearning"),
            retrain: MethodOutcome(method: "retrain", metrics: retrainMetrics, seconds: retrainSeconds, averageGap: 0,
                                   configuration: "recipe of the original on D_r"),
            methods: outcomes)
    }
}

/// FNV-1a over the positions: a hash that is the same in every process (Swift's Hasher is seeded per process).
func stableHash(_ values: [Int]) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in values {
        hash ^= UInt64(bitPattern: Int64(value))
        hash = hash &* 0x100_0000_01b3
    }
    return Int(bitPattern: UInt(hash))
}
