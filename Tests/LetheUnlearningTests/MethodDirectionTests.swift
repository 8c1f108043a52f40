import LetheData
import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

/// Each method, on a small learnable task, must move the model the way its design says: forgetting a class raises
/// the error on that class while the rest stays usable. Sizes are tiny so the suite stays fast.
@Suite(.serialized) struct MethodDirectionTests {
    static let pool = bandImages(count: 320, seed: 1)
    static let testSet = bandImages(count: 160, seed: 2)
    static let task = try! UnlearningTask(train: pool, forget: (0..<320).filter { $0 % 4 == 0 },
                                          retain: (0..<320).filter { $0 % 4 != 0 }, heldOut: [])
    static let evaluation = EvaluationData.excludingClass(0, from: testSet)
    /// The original's weights, trained once (weights are Sendable; models are not).
    static let originalWeights: [Float] = {
        let model = Architecture.cnnSmall.build(seed: 5, classes: 4)
        var rng = SeededGenerator(seed: 5)
        Trainer.train(model, on: pool, positions: Array(0..<pool.count),
                      recipe: TrainingRecipe(epochs: 3, batchSize: 32, learningRate: 0.02), rng: &rng)
        return model.parameters.values
    }()

    var original: Sequential {
        let model = Architecture.cnnSmall.build(seed: 0, classes: 4)
        model.parameters.values = Self.originalWeights
        return model
    }

    func run(_ method: UnlearningMethod) throws -> UnlearningMetrics {
        var rng = SeededGenerator(seed: 9)
        let model = try method.unlearn(original, task: Self.task, rng: &rng, progress: nil)
        return try UnlearningEvaluator.evaluate(model, task: Self.task, data: Self.evaluation)
    }

    @Test func originalRemembersTheClass() throws {
        let metrics = try UnlearningEvaluator.evaluate(original, task: Self.task, data: Self.evaluation)
        #expect(metrics.ua < 5 && metrics.ra > 95, "\(metrics)")
        #expect(metrics.mia < 20, "the original's forget samples look like members: \(metrics)")
    }

    @Test func retrainNeverSawTheClass() throws {
        var c = Retrain.Configuration()
        c.recipe = TrainingRecipe(epochs: 3, batchSize: 32, learningRate: 0.02)
        let metrics = try run(Retrain(configuration: c))
        #expect(metrics.ua > 99 && metrics.ra > 95, "\(metrics)")
        #expect(metrics.mia > 80, "a model that never saw D_f must classify it as non-member: \(metrics)")
    }

    @Test func forgettingMethodsRaiseForgetErrorAndKeepTheRest() throws {
        var ga = GradientAscent.Configuration()
        ga.learningRate = 0.01
        ga.batchSize = 32
        var rl = RandomLabel.Configuration()
        rl.batchSize = 32
        rl.epochs = 3
        var salun = RandomLabel.Configuration.salun
        salun.batchSize = 32
        salun.epochs = 3
        var wss = WSSCLConfiguration()
        wss.stage1.batchSize = 32
        wss.stage2.batchSize = 32
        wss.stage2.epochs = 2
        wss.stage2.retainBatchesPerRound = 4
        var wssStatistics = wss
        wssStatistics.stage2.negatives = .statistics
        wssStatistics.stage2.headStepsPerRound = 2
        let methods: [UnlearningMethod] = [GradientAscent(configuration: ga), RandomLabel(configuration: rl),
                                           RandomLabel(configuration: salun), WSSCL(configuration: wss),
                                           WSSCL(configuration: wssStatistics), WSSCL(configuration: .abstractLiteral)]
        for method in methods {
            let metrics = try run(method)
            #expect(metrics.ua > 30, "\(method.name.rawValue) (\(method.configurationSummary)): \(metrics)")
            #expect(metrics.ta > 60, "\(method.name.rawValue) destroyed the model: \(metrics)")
        }
    }

    @Test func fineTuningOnRetainedDataDriftsAwayFromTheClass() throws {
        var c = FineTune.Configuration()
        c.recipe = TrainingRecipe(epochs: 3, batchSize: 32, learningRate: 0.05)
        let metrics = try run(FineTune(configuration: c))
        #expect(metrics.ua > 5 && metrics.ra > 90, "\(metrics)")
    }

    @Test func gradientConstraintRaisesForgetLoss() throws {
        var c = GradientConstraint.Configuration()
        c.learningRate = 1e-3
        c.epochs = 3
        c.batchSize = 32
        let metrics = try run(GradientConstraint(configuration: c))
        #expect(metrics.ua > 5, "\(metrics)")
        var contrastive = c
        contrastive.task = .contrastive
        contrastive.learningRate = 1e-4
        let unchangedShape = try run(GradientConstraint(configuration: contrastive))
        #expect(unchangedShape.ta > 60, "\(unchangedShape)")
    }
}
