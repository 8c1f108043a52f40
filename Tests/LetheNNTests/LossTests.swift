import Foundation
import LetheNN
import LetheTensor
import LetheTestSupport
import Testing

/// Loss values checked by hand and gradients by finite differences.
@Suite struct LossTests {
    let logits = randomTensor([4, 5], seed: 21)

    func softTargets(seed: UInt64) -> Tensor {
        randomTensor([4, 5], seed: seed).softmaxRows()
    }

    @Test func crossEntropyOfUniformLogitsIsLogOfClassCount() {
        let result = ClassificationLoss.crossEntropy(logits: Tensor(shape: [3, 10]), labels: [0, 4, 9])
        #expect(abs(result.loss - Float(Foundation.log(10.0))) < 1e-6)
    }

    @Test func crossEntropyByHand() {
        // logits [1, 2, 3], label 2: −log(e³ / (e + e² + e³)) = 0.407606
        let result = ClassificationLoss.crossEntropy(logits: Tensor(shape: [1, 3], storage: [1, 2, 3]), labels: [2])
        #expect(abs(result.loss - 0.407606) < 1e-5)
    }

    @Test func klOfIdenticalDistributionsIsZeroAndPositiveOtherwise() {
        let same = ClassificationLoss.klDivergence(targets: logits.softmaxRows(), logits: logits)
        #expect(abs(same.loss) < 1e-6)
        #expect(same.gradient.storage.allSatisfy { abs($0) < 1e-6 })
        #expect(ClassificationLoss.klDivergence(targets: softTargets(seed: 2), logits: logits).loss > 0.01)
    }

    @Test func classificationGradients() {
        let labels: [Int32] = [0, 3, 4, 1]
        let targets = softTargets(seed: 3)
        let cases: [(String, (Tensor) -> LossAndGradient)] = [
            ("cross-entropy", { ClassificationLoss.crossEntropy(logits: $0, labels: labels) }),
            ("soft cross-entropy T=2", { ClassificationLoss.softCrossEntropy(logits: $0, targets: targets, temperature: 2) }),
            ("KL T=1", { ClassificationLoss.klDivergence(targets: targets, logits: $0) }),
            ("KL T=4", { ClassificationLoss.klDivergence(targets: targets, logits: $0, temperature: 4) }),
        ]
        for (name, loss) in cases {
            var values = logits.storage
            let mismatches = checkGradient(argument: name, values: &values, analytic: loss(logits).gradient.storage,
                                           indices: Array(values.indices), epsilon: 1e-3) {
                Double(loss(Tensor(shape: [4, 5], storage: $0)).loss)
            }
            #expect(mismatches.isEmpty, "\(mismatches)")
        }
    }

    @Test func infoNCEGradients() {
        let anchors = randomTensor([3, 6], seed: 1), positives = randomTensor([3, 6], seed: 2)
        let negatives = randomTensor([5, 6], seed: 3)
        let result = ContrastiveLoss.infoNCE(anchors: anchors, positives: positives, negatives: negatives, temperature: 0.5)
        var a = anchors.storage, p = positives.storage
        var mismatches = checkGradient(argument: "anchors", values: &a, analytic: result.dAnchors.storage,
                                       indices: Array(a.indices), epsilon: 1e-3) {
            Double(ContrastiveLoss.infoNCE(anchors: Tensor(shape: [3, 6], storage: $0), positives: positives,
                                           negatives: negatives, temperature: 0.5).loss)
        }
        mismatches += checkGradient(argument: "positives", values: &p, analytic: result.dPositives.storage,
                                    indices: Array(p.indices), epsilon: 1e-3) {
            Double(ContrastiveLoss.infoNCE(anchors: anchors, positives: Tensor(shape: [3, 6], storage: $0),
                                           negatives: negatives, temperature: 0.5).loss)
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func infoNCEIsSmallWhenPositiveAlignsAndNegativesOppose() {
        let anchors = Tensor(shape: [1, 2], storage: [1, 0])
        let aligned = ContrastiveLoss.infoNCE(anchors: anchors, positives: anchors,
                                              negatives: Tensor(shape: [1, 2], storage: [-1, 0]), temperature: 0.1)
        let confused = ContrastiveLoss.infoNCE(anchors: anchors, positives: Tensor(shape: [1, 2], storage: [-1, 0]),
                                               negatives: anchors, temperature: 0.1)
        #expect(aligned.loss < 1e-6)
        #expect(confused.loss > 19)
    }

    @Test func ntXentGradients() {
        let views = randomTensor([6, 4], seed: 9)
        var values = views.storage
        let mismatches = checkGradient(argument: "views", values: &values,
                                       analytic: ContrastiveLoss.ntXent(views: views, temperature: 0.5).gradient.storage,
                                       indices: Array(values.indices), epsilon: 1e-3) {
            Double(ContrastiveLoss.ntXent(views: Tensor(shape: [6, 4], storage: $0), temperature: 0.5).loss)
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
