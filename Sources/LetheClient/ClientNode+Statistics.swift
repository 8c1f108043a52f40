import Foundation
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire

/// Retained-feature statistics (ARCHITECTURE.md step 5, DECISIONS.md §10): per class n, Σh and Σh² of the
/// penultimate features, optionally with Gaussian noise on the sums.
extension ClientNode {
    /// PHASE_STATISTICS: the statistics of this client's retained data under the requested version. With
    /// `noise_sigma` σ > 0, every feature is first clipped to ‖h‖₂ ≤ B (`featureClipNorm`), then N(0, σ²) is added
    /// to each coordinate of Σh and Σh². Counts travel exact (the wire holds them as integers), so the stated
    /// (ε, δ) covers the sums: the classic Gaussian mechanism (Dwork & Roth 2014, Thm. A.1) on Σh (sensitivity B)
    /// and Σh² (sensitivity B²), each at δ/2, composed: ε = (B + B²) · √(2 ln(2.5/δ)) / σ.
    func featureStats(_ request: Lethe_V1_PhaseRequest, state: ClientState) throws -> Lethe_V1_FeatureStats {
        let model = try loadModel(state, version: request.modelVersion, for: "statistics phase")
        let retained = state.retainedPositions(count: data.train.count)
        let clip: Float? = request.noiseSigma > 0 ? configuration.featureClipNorm : nil
        var statistics = try retainedStatistics(model, positions: retained, clipNorm: clip)
        var message = Lethe_V1_FeatureStats()
        message.requestID = request.requestID
        message.modelVersion = request.modelVersion
        message.featureDim = UInt32(statistics.featureDim)
        if request.noiseSigma > 0 {
            var rng = SeededGenerator(seed: request.seed).derived(clientStream ^ 0x6e6f_6973_6500)  // "noise"
            addNoise(&statistics, sigma: request.noiseSigma, rng: &rng)
            let bound = Double(configuration.featureClipNorm), delta = configuration.privacyDelta
            message.noiseSigma = request.noiseSigma
            let unit: Double = (2 * Foundation.log(2.5 / delta)).squareRoot() / request.noiseSigma
            message.epsilon = (bound + bound * bound) * unit
            message.delta = delta
        }
        message.classes = statistics.wireClasses
        let noise = request.noiseSigma > 0 ? ", noise σ \(request.noiseSigma), ε \(message.epsilon)" : ""
        log("statistics \(request.requestID): \(retained.count) retained sample(s), feature dim \(statistics.featureDim)"
            + noise)
        return message
    }

    /// Exact per-class sums over `positions` (every class listed, zero counts included, so an empty client still
    /// sends a valid, merge-neutral report), features optionally clipped to `clipNorm`.
    func retainedStatistics(_ model: Sequential, positions: [Int],
                            clipNorm: Float?) throws -> WireFeatureStatistics {
        wireStatistics(try FeatureStatistics.of(model, dataset: data.train, positions: positions, clipNorm: clipNorm))
    }

    /// N(0, σ²) added to every coordinate of every class's Σh and Σh².
    func addNoise(_ statistics: inout WireFeatureStatistics, sigma: Double, rng: inout SeededGenerator) {
        for c in statistics.classes.indices {
            for k in 0..<statistics.featureDim {
                statistics.classes[c].sum[k] += sigma * Double(rng.nextNormal())
                statistics.classes[c].sumSquares[k] += sigma * Double(rng.nextNormal())
            }
        }
    }

    /// The wire form of `FeatureStatistics` (counts are whole numbers: no noise has been added to them).
    func wireStatistics(_ statistics: FeatureStatistics) -> WireFeatureStatistics {
        let d = statistics.dimension
        return WireFeatureStatistics(featureDim: d, classes: (0..<statistics.classCount).map { c in
            WireFeatureStatistics.Class(label: UInt32(c), count: UInt64(statistics.counts[c]),
                                        sum: Array(statistics.sums[(c * d)..<((c + 1) * d)]),
                                        sumSquares: Array(statistics.sumsOfSquares[(c * d)..<((c + 1) * d)]))
        })
    }

    /// Merged statistics from the wire as `FeatureStatistics` over this model's classes and feature dimension.
    func statistics(from wire: WireFeatureStatistics) throws -> FeatureStatistics {
        let probe = data.train.batch([0], normalization: .fashionMNIST).images
        let dimension = model.forward(probe, mode: .evaluation).features.shape[1]
        guard wire.featureDim == dimension else {
            throw ClientError.mismatch(field: "global_stats.feature_dim",
                                       detail: "is \(wire.featureDim), the model's features have \(dimension)")
        }
        let k = data.classCount
        var counts = [Double](repeating: 0, count: k)
        var sums = [Double](repeating: 0, count: k * dimension), squares = sums
        for entry in wire.classes {
            let c = Int(entry.label)
            guard c < k else {
                throw ClientError.mismatch(field: "global_stats.classes", detail: "label \(c) is not below \(k)")
            }
            counts[c] = Double(entry.count)
            sums.replaceSubrange((c * dimension)..<((c + 1) * dimension), with: entry.sum)
            squares.replaceSubrange((c * dimension)..<((c + 1) * dimension), with: entry.sumSquares)
        }
        return try FeatureStatistics(classCount: k, dimension: dimension, counts: counts, sums: sums,
                                     sumsOfSquares: squares)
    }
}
