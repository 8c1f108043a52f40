import Foundation
import LetheData
import LetheNN
import LetheTensor
import LetheTestSupport
@testable import LetheUnlearning
import Testing

/// Stage 1's pseudo-labels q(x) for the objectives that read them from the original model.
@Suite struct WSSCLPseudoLabelTests {
    static func method(_ objective: WSSCLConfiguration.Stage1.Objective) -> WSSCL {
        var configuration = WSSCLConfiguration()
        configuration.stage1.objective = objective
        configuration.stage1.pseudoLabelViews = 0
        return WSSCL(configuration: configuration)
    }

    /// `other-classes`: the true label gets nothing and the other classes keep the original's proportions, checked
    /// against the original's softmax computed here in Double.
    @Test func otherClassesMoveTheTrueLabelsMassToTheRest() throws {
        let original = Architecture.cnnSmall.build(seed: 2)
        let images = randomTensor([6, 1, 28, 28], seed: 9)
        let labels: [Int32] = [0, 3, 3, 7, 9, 1]
        var rng = SeededGenerator(seed: 1)
        let q = Self.method(.otherClasses).pseudoLabels(original, images: images, labels: labels, classes: 10,
                                                        rng: &rng)
        let logits = original.logits(images)
        for (row, label) in labels.enumerated() {
            let z = (0..<10).map { Double(logits.storage[row * 10 + $0]) }
            let e = z.map { exp($0 - z.max()!) }
            let others = e.indices.filter { $0 != Int(label) }.reduce(0) { $0 + e[$1] }
            for k in 0..<10 {
                let expected = k == Int(label) ? 0 : e[k] / others
                #expect(abs(Double(q.storage[row * 10 + k]) - expected) < 1e-5, "row \(row) class \(k)")
            }
        }
    }

    /// `minimize-kl` without views is the original's softmax itself, the true label included.
    @Test func minimizeKLKeepsTheOriginalsOutputs() throws {
        let original = Architecture.cnnSmall.build(seed: 2)
        let images = randomTensor([4, 1, 28, 28], seed: 9)
        var rng = SeededGenerator(seed: 1)
        let q = Self.method(.minimizeKL).pseudoLabels(original, images: images, labels: [0, 1, 2, 3], classes: 10,
                                                      rng: &rng)
        let p = original.logits(images).softmaxRows()
        #expect(zip(q.storage, p.storage).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// From an original that memorised its 40 images, stage-1 steps toward `other-classes` targets take the forget
    /// samples' true-label confidence down.
    @Test func otherClassesStageLowersTheTrueLabelsConfidence() throws {
        let task = try WSSCLRetainLossTests.task()
        let original = Architecture.cnnSmall.build(seed: 3)
        var training = SeededGenerator(seed: 2)
        Trainer.train(original, on: task.train, positions: Array(0..<task.train.count),
                      recipe: TrainingRecipe(epochs: 30, batchSize: 8), rng: &training)
        var configuration = WSSCLConfiguration()
        configuration.maskFraction = nil
        configuration.stage1.objective = .otherClasses
        configuration.stage1.epochs = 10
        configuration.stage1.batchSize = 8
        configuration.stage1.retainStepsPerForgetStep = 0
        configuration.stage1.learningRate = 0.05
        configuration.stage2.epochs = 0
        let model = original.clone()
        var rng = SeededGenerator(seed: 1)
        try WSSCL(configuration: configuration).forgettingPhase(model, original: original, task: task, mask: nil,
                                                               rng: &rng)
        let confidence = { (m: Sequential) -> Double in
            let (images, labels) = task.batch(task.forget)
            let p = m.logits(images).softmaxRows()
            return labels.indices.reduce(0) { $0 + Double(p.storage[$1 * 10 + Int(labels[$1])]) } / Double(labels.count)
        }
        let before = confidence(original), after = confidence(model)
        #expect(before > 0.6, "the original memorised the forget samples: \(before)")
        #expect(after < 0.5 * before, "true-label confidence \(before) → \(after)")
    }
}
