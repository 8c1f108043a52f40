import LetheData
import LetheNN
import LetheTensor

/// The attack success rate (ASR) of a canary: the percentage of triggered test images whose true class is not the
/// target that a model classifies as the target.
///
/// Why: it reads something the original learned only from the canary samples (the trigger → target rule) and a
/// model retrained without them lacks, so it separates "forgot" from "did nothing" where the confidence MIA cannot.
/// A model that never saw the canary still calls a few triggered images the target (its ordinary confusions plus
/// the patch's effect), so Retrain's ASR, not 0, is the mark to reach.
public struct CanaryAudit: Sendable {
    public let canary: Canary
    /// The triggered images of every non-target test image, with their true labels.
    public let triggered: ImageDataset

    public init(canary: Canary, test: ImageDataset) throws(CanaryError) {
        self.canary = canary
        triggered = try canary.triggeredTest(test)
    }

    /// ASR of `model`, in percent.
    public func attackSuccessRate(_ model: Sequential, normalization: Normalization = .fashionMNIST) -> Double {
        let evaluation = Evaluator.evaluate(model, on: triggered, positions: Array(0..<triggered.count),
                                            normalization: normalization)
        return Self.attackSuccessRate(predictions: evaluation.predictions, target: canary.target)
    }

    /// 100 · |{predictions = target}| / |predictions| (0 for none).
    public static func attackSuccessRate(predictions: [Int], target: Int) -> Double {
        guard !predictions.isEmpty else { return 0 }
        return 100 * Double(predictions.filter { $0 == target }.count) / Double(predictions.count)
    }
}
