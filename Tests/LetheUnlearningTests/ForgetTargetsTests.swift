import LetheData
import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

@Suite struct ForgetTargetsTests {
    /// Hand-computed: four forget confidences take the held-out values at quantiles 1/8, 3/8, 5/8, 7/8 of the
    /// eight sorted references, in the forget samples' own rank order.
    @Test func ranksMapOntoTheHeldOutDistribution() {
        let reference: [Float] = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4]  // sorted: .1 .2 .3 .4 .6 .7 .8 .9
        let matched = ForgetTargets.quantileMatched([0.99, 0.95, 0.999, 0.97], reference: reference)
        #expect(matched == [0.7, 0.2, 0.9, 0.4])
    }

    /// The true label gets the matched mass; the wrong classes keep their proportions: p = (.9, .06, .04), label 0,
    /// matched .5 → (.5, .3, .2).
    @Test func targetKeepsTheWrongClassProportions() {
        let q = ForgetTargets.target([0.9, 0.06, 0.04], label: 0, trueProbability: 0.5)
        #expect(abs(q[0] - 0.5) < 1e-6 && abs(q[1] - 0.3) < 1e-6 && abs(q[2] - 0.2) < 1e-6)
        // A one-hot original spreads the freed mass uniformly.
        let uniform = ForgetTargets.target([1, 0, 0], label: 0, trueProbability: 0.4)
        #expect(abs(uniform[1] - 0.3) < 1e-6 && abs(uniform[2] - 0.3) < 1e-6)
    }

    @Test func aTaskWithoutHeldOutDataIsRefused() throws {
        let task = try WSSCLRetainLossTests.task()
        #expect(throws: UnlearningError.self) {
            try ForgetTargets.heldOutQuantiles(original: Architecture.cnnSmall.build(seed: 1), task: task)
        }
    }

    /// A federated client has no validation split; its test slice stands in, and every forget row is a distribution.
    @Test func aReferenceSetStandsInForMissingHeldOutData() throws {
        let task = try WSSCLRetainLossTests.task()
        let targets = try ForgetTargets.heldOutQuantiles(original: Architecture.cnnSmall.build(seed: 1), task: task,
                                                 reference: HeldOutSamples(dataset: task.train, positions: task.retain))
        let rows = targets.targets(for: task.forget)
        #expect(rows.shape == [task.forget.count, 10])
        for row in 0..<task.forget.count {
            let sum = (0..<10).reduce(Float(0)) { $0 + rows.storage[row * 10 + $1] }
            #expect(abs(sum - 1) < 1e-5)
        }
    }

    /// Targets computed once up front are the per-batch ones (`WSSCL.pseudoLabels` without views).
    @Test func precomputedOtherClassesTargetsMatchThePerBatchOnes() throws {
        let task = try WSSCLRetainLossTests.task()
        let original = Architecture.cnnSmall.build(seed: 2)
        let method = WSSCLPseudoLabelTests.method(.otherClasses)
        let fixed = try #require(try method.precomputedTargets(original, task: task))
        let positions = [3, 0, 5]
        let (images, labels) = task.batch(positions)
        var rng = SeededGenerator(seed: 1)
        let perBatch = method.pseudoLabels(original, images: images, labels: labels, classes: 10, rng: &rng)
        let once = fixed.targets(for: positions)
        #expect(once.shape == perBatch.shape)
        #expect(zip(once.storage, perBatch.storage).allSatisfy { abs($0 - $1) < 1e-5 })
        // Views are drawn per batch, and uniform targets need no model: neither is precomputed.
        var viewed = WSSCLConfiguration()
        viewed.stage1.objective = .otherClasses
        #expect(try WSSCL(configuration: viewed).precomputedTargets(original, task: task) == nil)
        #expect(try WSSCLPseudoLabelTests.method(.uniform).precomputedTargets(original, task: task) == nil)
    }
}
