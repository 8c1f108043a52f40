import LetheData
import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

/// Small real-data fixtures: 2,000 Fashion-MNIST training images (plus 500 held out, never trained on) and 1,000
/// test images (installed by Deploy/setup.sh). An original trained briefly on so few images overfits, which is what
/// membership inference needs.
enum SmallFashionMNIST {
    static let train = try! FashionMNIST.load(split: .train, directory: nil).subset(Array(0..<2500))
    static let pool = Array(0..<2000)
    static let heldOut = Array(2000..<2500)
    static let test = try! FashionMNIST.load(split: .test, directory: nil).subset(Array(0..<1000))
    static let recipe = TrainingRecipe(epochs: 4, batchSize: 64, learningRate: 0.05)

    /// Weights of an original trained on all 2,000 images (trained once per process; weights are Sendable).
    static let originalWeights: [Float] = {
        let model = Architecture.cnnSmall.build(seed: 5)
        var rng = SeededGenerator(seed: 5)
        Trainer.train(model, on: train, positions: pool, recipe: recipe, rng: &rng)
        return model.parameters.values
    }()

    static func original() -> Sequential {
        let model = Architecture.cnnSmall.build(seed: 0)
        model.parameters.values = originalWeights
        return model
    }

    /// Forget every training image of `label` (class 1, trousers, is learnt quickly and unambiguously).
    static func classTask(_ label: Int = 1) throws -> UnlearningTask {
        try UnlearningTask(train: train, forget: pool.filter { Int(train.labels[$0]) == label },
                           retain: pool.filter { Int(train.labels[$0]) != label }, heldOut: heldOut)
    }

    static func randomTask() throws -> UnlearningTask {
        var rng = SeededGenerator(seed: 3)
        let split = try ForgetSpec.random(fraction: 0.1).select(in: train.subset(pool), rng: &rng)
        return try UnlearningTask(train: train, forget: split.forget, retain: split.retain, heldOut: heldOut)
    }

    static func evaluate(_ method: UnlearningMethod, task: UnlearningTask, data: EvaluationData) throws
        -> UnlearningMetrics
    {
        var rng = SeededGenerator(seed: 9)
        let model = try method.unlearn(original(), task: task, rng: &rng, progress: nil)
        return try UnlearningEvaluator.evaluate(model, task: task, data: data)
    }

    static func retrainConfiguration() -> Retrain.Configuration {
        var c = Retrain.Configuration()
        c.recipe = recipe
        return c
    }
}

/// Each method must move the model the way its design says (issue 7): forgetting a class raises the error on it
/// while the other classes stay usable; Retrain's membership-inference efficacy is high on a class it never saw.
@Suite(.serialized) struct MethodDirectionTests {
    let task = try! SmallFashionMNIST.classTask()
    let data = EvaluationData.excludingClass(1, from: SmallFashionMNIST.test)

    @Test func originalRemembersTheClassAndItsMembersLookLikeMembers() throws {
        let metrics = try UnlearningEvaluator.evaluate(SmallFashionMNIST.original(), task: task, data: data)
        #expect(metrics.ua < 10 && metrics.ra > 80, "\(metrics)")
        #expect(metrics.mia < 40, "\(metrics)")
    }

    @Test func retrainNeverSawTheClass() throws {
        let metrics = try SmallFashionMNIST.evaluate(Retrain(configuration: SmallFashionMNIST.retrainConfiguration()),
                                                     task: task, data: data)
        #expect(metrics.ua > 99 && metrics.ra > 80, "\(metrics)")
        #expect(metrics.mia > 90, "a model that never saw D_f must call it non-member: \(metrics)")
    }

    @Test func forgettingMethodsRaiseForgetErrorAndKeepTheRest() throws {
        // Configurations scaled to 216 forget images (a few optimiser steps per epoch).
        var salun = RandomLabel.Configuration.salun
        salun.epochs = 2
        var rl = RandomLabel.Configuration()
        rl.epochs = 2
        rl.mixing = .forgetThenRetain
        var wss = WSSCLConfiguration()
        wss.stage1.epochs = 8
        wss.stage1.batchSize = 64
        wss.stage2.epochs = 3
        wss.stage2.retainBatchesPerRound = 4
        var wssStatistics = wss
        wssStatistics.stage2.negatives = .statistics
        wssStatistics.stage2.headStepsPerRound = 2
        var literal = WSSCLConfiguration.abstractLiteral
        literal.stage1.epochs = 5
        literal.stage1.batchSize = 64
        literal.stage1.earlyStop = false
        let methods: [UnlearningMethod] = [RandomLabel(configuration: rl),
                                           RandomLabel(configuration: salun), WSSCL(configuration: wss),
                                           WSSCL(configuration: wssStatistics), WSSCL(configuration: literal)]
        for method in methods {
            let metrics = try SmallFashionMNIST.evaluate(method, task: task, data: data)
            #expect(metrics.ua > 40, "\(method.name.rawValue) (\(method.configurationSummary)): \(metrics)")
            #expect(metrics.ta > 55, "\(method.name.rawValue) (\(method.configurationSummary)): \(metrics)")
        }
    }

    /// Gradient ascent is a blunt tool (lr 1e-2 destroys this model): at a moderate rate it must raise UA.
    @Test func fineTuningGradientAscentAndGradientConstraintMoveTowardsForgetting() throws {
        var ga = GradientAscent.Configuration()
        ga.learningRate = 5e-3
        ga.epochs = 5
        var ft = FineTune.Configuration()
        ft.recipe = TrainingRecipe(epochs: 3, batchSize: 64, learningRate: 0.05)
        var gc = GradientConstraint.Configuration()
        gc.learningRate = 3e-4
        gc.epochs = 3
        let original = try UnlearningEvaluator.evaluate(SmallFashionMNIST.original(), task: task, data: data)
        for method: UnlearningMethod in [FineTune(configuration: ft), GradientAscent(configuration: ga),
                                         GradientConstraint(configuration: gc)] {
            let metrics = try SmallFashionMNIST.evaluate(method, task: task, data: data)
            #expect(metrics.ua > original.ua, "\(method.name.rawValue): \(metrics) vs original \(original)")
            #expect(metrics.ta > 50, "\(method.name.rawValue): \(metrics)")
        }
    }

    /// DECISIONS.md §15: for random forgetting Retrain's MIA-efficacy exceeds the original's.
    @Test func randomForgettingRetrainLooksLessLikeMembership() throws {
        let random = try SmallFashionMNIST.randomTask()
        let data = EvaluationData(test: SmallFashionMNIST.test)
        let original = try UnlearningEvaluator.evaluate(SmallFashionMNIST.original(), task: random, data: data)
        let retrain = try SmallFashionMNIST.evaluate(Retrain(configuration: SmallFashionMNIST.retrainConfiguration()),
                                                     task: random, data: data)
        #expect(retrain.mia > original.mia + 5, "retrain \(retrain) vs original \(original)")
        #expect(retrain.ua > original.ua, "retrain \(retrain) vs original \(original)")
    }

    /// The sample-deletion WSS-CL's stage 1 (held-out-quantile pseudo-labels) moves an overfit model's confidence
    /// on random forget samples to what it has on unseen samples, and keeps the retained data.
    @Test func sampleDeletionWSSCLMakesForgetSamplesLookUnseen() throws {
        let train = SmallFashionMNIST.train
        let pool = Array(0..<500)
        let overfit = Architecture.cnnSmall.build(seed: 7)
        var rng = SeededGenerator(seed: 7)
        Trainer.train(overfit, on: train, positions: pool,
                      recipe: TrainingRecipe(epochs: 15, batchSize: 32, learningRate: 0.05), rng: &rng)
        let task = try UnlearningTask(train: train, forget: Array(pool[0..<60]), retain: Array(pool[60...]),
                                      heldOut: SmallFashionMNIST.heldOut)
        var wss = WSSCLConfiguration.forSamples
        wss.stage1.batchSize = 16
        wss.stage2.epochs = 0
        let unlearned = try WSSCL(configuration: wss).unlearn(overfit, task: task, rng: &rng, progress: nil)
        func confidence(_ model: Sequential, _ positions: [Int]) -> Double {
            let p = Evaluator.evaluate(model, on: train, positions: positions).trueLabelProbabilities
            return p.reduce(0) { $0 + Double($1) } / Double(p.count)
        }
        let unseen = confidence(overfit, task.heldOut)
        let before = confidence(overfit, task.forget), after = confidence(unlearned, task.forget)
        #expect(before > unseen + 0.05, "the fixture must overfit: forget \(before), held out \(unseen)")
        #expect(abs(after - unseen) < 0.5 * abs(before - unseen), "forget \(before) → \(after), held out \(unseen)")
        let retainedBefore = Evaluator.evaluate(overfit, on: train, positions: task.retain).accuracy
        #expect(Evaluator.evaluate(unlearned, on: train, positions: task.retain).accuracy > retainedBefore - 10)
    }
}
