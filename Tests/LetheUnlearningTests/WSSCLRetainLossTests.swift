import LetheData
import LetheNN
import LetheTensor
import LetheTestSupport
@testable import LetheUnlearning
import Testing

/// The distillation reading of WSS-CL's retain steps (`retainLoss: distill`).
@Suite struct WSSCLRetainLossTests {
    /// 40 random 28×28 images, four per class.
    static func task() throws -> UnlearningTask {
        var rng = SeededGenerator(seed: 4)
        let images = (0..<(40 * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let train = ImageDataset(images: images, labels: (0..<40).map { Int32($0 % 10) },
                                 channels: 1, height: 28, width: 28, classCount: 10)
        return try UnlearningTask(train: train, forget: Array(0..<8), retain: Array(8..<40))
    }

    /// KL(p ‖ p) is minimal: distilling a model into an identical copy gives a zero gradient.
    @Test func distillingIntoItselfHasNoGradient() throws {
        let model = Architecture.cnnSmall.build(seed: 3)
        let images = randomTensor([8, 1, 28, 28], seed: 5)
        WSSCL.distillationGradient(model, teacher: model.clone(), images: images)
        #expect(model.parameters.gradients.allSatisfy { abs($0) < 1e-6 })
        // A different teacher pulls: the gradient is not zero.
        WSSCL.distillationGradient(model, teacher: Architecture.cnnSmall.build(seed: 4), images: images)
        #expect(model.parameters.gradients.contains { abs($0) > 1e-4 })
    }

    @Test func distillationWithoutTheOriginalIsRefused() throws {
        var configuration = WSSCLConfiguration()
        configuration.retainLoss = .distill
        configuration.stage2.negatives = .statistics
        let method = WSSCL(configuration: configuration)
        let task = try Self.task()
        let model = Architecture.cnnSmall.build(seed: 3)
        let statistics = try FeatureStatistics.of(model, task: task, positions: task.retain)
        var rng = SeededGenerator(seed: 1)
        #expect(throws: UnlearningError.self) {
            try method.contrastivePhase(model, task: task, statistics: statistics, mask: nil, rng: &rng)
        }
        try method.contrastivePhase(model, original: model.clone(), task: task, statistics: statistics, mask: nil,
                                    rng: &rng)
    }

    /// Stage 2 alone with a zero contrastive rate and batches of 8: only retain rounds can move weights.
    static func retainRoundsOnly() -> WSSCLConfiguration {
        var configuration = WSSCLConfiguration()
        configuration.maskFraction = nil
        configuration.stage1.epochs = 0
        configuration.stage2.epochs = 2
        configuration.stage2.learningRate = 0
        configuration.stage2.minimumLearningRate = 0
        configuration.stage2.batchSize = 8
        return configuration
    }

    /// `configuration` run from a fixed original on the small task; the resulting weights.
    static func weights(after configuration: WSSCLConfiguration, from original: Sequential) throws -> [Float] {
        var rng = SeededGenerator(seed: 1)
        return try WSSCL(configuration: configuration).unlearn(original, task: task(), rng: &rng, progress: nil)
            .parameters.values
    }

    /// Without weight decay, distilling the original into itself leaves the weights where they were, while CE steps
    /// move them.
    @Test func distilledRetainStepsKeepTheOriginal() throws {
        var configuration = Self.retainRoundsOnly()
        configuration.stage2.weightDecay = 0
        configuration.stage2.retainBatchesPerRound = 3
        let original = Architecture.cnnSmall.build(seed: 3)
        configuration.retainLoss = .distill
        #expect(maxAbsoluteDifference(try Self.weights(after: configuration, from: original), original.parameters.values) < 1e-6)
        configuration.retainLoss = .crossEntropy
        #expect(maxAbsoluteDifference(try Self.weights(after: configuration, from: original), original.parameters.values) > 1e-6)
    }

    /// The retain round's length shows in the weights: 8 forget samples in batches of 8 make one forget batch, so
    /// following the forget round means one retain batch.
    @Test func retainRoundsCanFollowTheForgetRound() throws {
        let original = Architecture.cnnSmall.build(seed: 3)
        func run(batches: Int?, follow: Bool) throws -> [Float] {
            var configuration = Self.retainRoundsOnly()
            configuration.stage2.retainBatchesPerRound = batches
            configuration.stage2.retainRoundsFollowForget = follow
            return try Self.weights(after: configuration, from: original)
        }
        let following = try run(batches: 3, follow: true)
        #expect(following == (try run(batches: 1, follow: false)))
        #expect(following != (try run(batches: 3, follow: false)))
    }
}
