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
    /// A backdoor planted in the forget set before the original is trained (`Canary`); nil: clean data.
    public var canary: Canary?

    public init(seed: UInt64, forget: ForgetSpec) {
        self.seed = seed
        self.forget = forget
    }

    /// Generators for each random choice of the protocol.
    func generator(_ purpose: Purpose) -> SeededGenerator {
        SeededGenerator(seed: seed).derived(purpose.rawValue)
    }

    enum Purpose: UInt64 {
        case subset = 1, split, forgetSet, original, retrain, membershipAudit, methods = 100
    }

    /// A file-name-safe key of the clean training run: data, split and recipe.
    var trainingKey: String {
        let r = recipe
        return "seed\(seed)-n\(trainSubset.map(String.init) ?? "all")-v\(validationFraction)-e\(r.epochs)-b\(r.batchSize)-lr\(r.learningRate)"
    }

    /// The key of the original: the clean run's, and with a canary also the canary and the forget set carrying it.
    func originalKey(forgetCount: Int, forgetHash: Int) -> String {
        guard let canary else { return trainingKey }
        return trainingKey + "-canary\(canary.target)s\(canary.size)p\(canary.seed)-"
            + forgetKey(forgetCount: forgetCount, forgetHash: forgetHash)
    }

    /// The key of a Retrain checkpoint: the clean run's plus the forget set (Retrain never sees a canary sample).
    func retrainKey(forgetCount: Int, forgetHash: Int) -> String {
        "\(trainingKey)-\(forgetKey(forgetCount: forgetCount, forgetHash: forgetHash))"
    }

    private func forgetKey(forgetCount: Int, forgetHash: Int) -> String {
        switch forget {
        case .random(let fraction): "random\(fraction)"
        case .wholeClass(let label): "class\(label)"
        case .ids: "ids\(forgetCount)-\(String(UInt(bitPattern: forgetHash), radix: 16))"
        }
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
        let forget = selection.forget.map { pool[$0] }
        if setup.canary != nil, case .wholeClass = setup.forget { throw CanaryError.meaninglessForClassDeletion }
        let trained = try setup.canary.map { try $0.stamped(train, at: forget, relabel: true) } ?? train
        task = try UnlearningTask(train: trained, forget: forget, retain: selection.retain.map { pool[$0] },
                                  heldOut: heldOut)
        let testSet = setup.testSubset.map { test.subset(Array(0..<min($0, test.count))) } ?? test
        var evaluation = EvaluationData(test: testSet, forgetting: setup.forget)
        var auditRNG = setup.generator(.membershipAudit)
        try evaluation.addAudits(forgetClasses: forget.map { train.labels[$0] }, canary: setup.canary, rng: &auditRNG)
        self.evaluation = evaluation
    }
}
