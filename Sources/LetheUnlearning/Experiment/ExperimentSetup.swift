import Foundation
import LetheData
import LetheNN
import LetheTensor

/// One run of the evaluation protocol (ALGORITHMS.md "Protocol"): what data, which forget set, which seed.
///
/// A seed draws its own validation split, forget set, original model and Retrain (DECISIONS.md §13), each from its
/// own derived generator so that changing one choice never shifts another.
public struct ExperimentSetup: Sendable {
    public var seed: UInt64
    public var forget: ForgetSpec
    /// Share of the training images held out (stratified) as validation data; never trained on.
    public var validationFraction = 0.1
    /// Recipe of the original model and of Retrain.
    public var recipe = TrainingRecipe()
    /// Use only this many training images (drawn by seed before the split) for quick runs; nil: all.
    public var trainSubset: Int?
    /// Use only the first N test images; nil: all.
    public var testSubset: Int?
    /// Where original and Retrain checkpoints are cached (nil: no cache).
    public var cacheDirectory: URL?

    public init(seed: UInt64, forget: ForgetSpec) {
        self.seed = seed
        self.forget = forget
    }

    /// Generators for each random choice of the protocol.
    func generator(_ purpose: Purpose) -> SeededGenerator {
        SeededGenerator(seed: seed).derived(purpose.rawValue)
    }

    enum Purpose: UInt64 {
        case subset = 1, split, forgetSet, original, retrain, methods = 100
    }

    /// A file-name-safe key of everything the original model depends on.
    var originalKey: String {
        let r = recipe
        return "seed\(seed)-n\(trainSubset.map(String.init) ?? "all")-v\(validationFraction)-e\(r.epochs)-b\(r.batchSize)-lr\(r.learningRate)"
    }

    /// The key of a Retrain checkpoint: the original's key plus the forget set.
    func retrainKey(forgetCount: Int, forgetHash: Int) -> String {
        let kind: String
        switch forget {
        case .random(let fraction): kind = "random\(fraction)"
        case .wholeClass(let label): kind = "class\(label)"
        case .ids: kind = "ids\(forgetCount)-\(String(UInt(bitPattern: forgetHash), radix: 16))"
        }
        return "\(originalKey)-\(kind)"
    }
}

/// The data of one protocol run, split and selected.
public struct ExperimentData: Sendable {
    public let task: UnlearningTask
    public let evaluation: EvaluationData
    /// Training pool D = D_r ∪ D_f (positions in the training set).
    public let pool: [Int]

    /// Loads nothing: splits already-loaded data as the setup says.
    public init(setup: ExperimentSetup, train: ImageDataset, test: ImageDataset) throws {
        var subsetRNG = setup.generator(.subset)
        var candidates = Array(0..<train.count)
        if let n = setup.trainSubset, n < train.count { candidates = Array(subsetRNG.permutation(train.count).prefix(n)).sorted() }
        let candidateSet = train.subset(candidates)
        var splitRNG = setup.generator(.split)
        let split = candidateSet.stratifiedSplit(validationFraction: setup.validationFraction, rng: &splitRNG)
        let pool = split.train.map { candidates[$0] }.sorted()
        let heldOut = split.validation.map { candidates[$0] }.sorted()
        var forgetRNG = setup.generator(.forgetSet)
        let selection = try setup.forget.select(in: train.subset(pool), rng: &forgetRNG)
        self.pool = pool
        task = try UnlearningTask(train: train, forget: selection.forget.map { pool[$0] },
                                  retain: selection.retain.map { pool[$0] }, heldOut: heldOut)
        let testSet = setup.testSubset.map { test.subset(Array(0..<min($0, test.count))) } ?? test
        evaluation = EvaluationData(test: testSet, forgetting: setup.forget)
    }
}
