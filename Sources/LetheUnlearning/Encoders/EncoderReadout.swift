import Foundation
import LetheData
import LetheNN
import LetheTensor

/// Everything Lethe reads from an encoder at once: its linear probe and kNN accuracy on test images, the probe's
/// predictions (for per-class figures), and the encoder membership test of training against test images. One
/// place, so `lethe pretrain` and `lethe evaluate` report an encoder the same way.
public struct EncoderReadout: Sendable {
    /// The linear probe's predictions on the test images, with their accuracy overall and per class.
    public var probe: Evaluation
    public var probeAccuracy: Double { probe.accuracy }
    public var knnAccuracy: Double
    public var membership: EncoderMembership.Result
    /// Training (member) and test (non-member) images the membership test scored, each.
    public var membershipSamples: Int

    /// Probes fitted on the features of `train[trainPositions]`, measured on `test[testPositions]`; the membership
    /// test scores up to `membershipSamples` of each. `rng` fits the probe and draws the membership views.
    /// - Throws: what `EncoderMembership.assess` throws.
    public init(_ encoder: Sequential, train: ImageDataset, trainPositions: [Int], test: ImageDataset,
                testPositions: [Int], membershipSamples: Int = 1000, rng: inout SeededGenerator) throws {
        let trainFeatures = EncoderFeatures.extract(encoder, from: train, positions: trainPositions)
        let testFeatures = EncoderFeatures.extract(encoder, from: test, positions: testPositions)
        let trainLabels = trainPositions.map { train.labels[$0] }, testLabels = testPositions.map { test.labels[$0] }
        let probe = LinearProbe(features: trainFeatures, labels: trainLabels, classes: train.classCount, rng: &rng)
        self.probe = Evaluation(predictions: probe.predict(testFeatures), labels: testLabels,
                                classCount: train.classCount)
        knnAccuracy = NearestNeighbourProbe.accuracy(train: trainFeatures, labels: trainLabels,
                                                     classes: train.classCount, queries: testFeatures,
                                                     queryLabels: testLabels)
        let sampled = min(membershipSamples, trainPositions.count, testPositions.count)
        self.membershipSamples = sampled
        membership = try EncoderMembership().assess(
            encoder, members: (train, Array(trainPositions.prefix(sampled))),
            nonMembers: (test, Array(testPositions.prefix(sampled))), rng: &rng)
    }

    /// The two lines `lethe` prints.
    public var lines: [String] {
        [String(format: "linear probe %.2f%% · kNN %.2f%% on %d test images", probeAccuracy, knnAccuracy,
                probe.labels.count),
         String(format: "membership (views' similarity, %d training vs %d test images): ROC AUC %.3f (chance 0.5), "
                + "TPR at 1%% FPR %.1f%%, attack accuracy %.1f%% (chance 50%%)", membershipSamples, membershipSamples,
                membership.roc.auc, 100 * membership.roc.tprAtOnePercentFPR, membership.attackAccuracy)]
    }
}
