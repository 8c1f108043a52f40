import Foundation
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire

/// Retained-feature statistics (ARCHITECTURE.md step 5, DECISIONS.md §10): per class n, Σh and Σh² of the
/// penultimate features, optionally released with differential privacy.
extension ClientNode {
    /// PHASE_STATISTICS: the statistics of this client's retained data (at most `statisticsRetainLimit` samples,
    /// evenly spaced) under the requested version. With
    /// `noise_sigma` s > 0, every feature is first clipped to ‖h‖₂ ≤ B (`featureClipNorm`), then N(0, s²) is added
    /// to each count, N(0, (sB)²) to each coordinate of Σh and N(0, (sB²)²) to each coordinate of Σh²
    /// (`GaussianNoiseScales`: one Gaussian mechanism of sensitivity √3 on the rescaled release). The reply states
    /// the ε this buys at δ = `privacyDelta`, computed by the same calibration the coordinator used to pick s.
    func featureStats(_ request: Lethe_V1_PhaseRequest, state: ClientState) throws -> Lethe_V1_FeatureStats {
        let model = try loadModel(state, version: request.modelVersion, for: "statistics phase")
        let retained = Self.evenlySpaced(state.retainedPositions(count: data.train.count),
                                         limit: configuration.statisticsRetainLimit)
        let clip: Float? = request.noiseSigma > 0 ? configuration.featureClipNorm : nil
        var statistics = try FeatureStatistics.of(model, dataset: data.train, positions: retained, clipNorm: clip)
        var message = Lethe_V1_FeatureStats()
        message.requestID = request.requestID
        message.modelVersion = request.modelVersion
        message.featureDim = UInt32(statistics.dimension)
        if request.noiseSigma > 0 {
            let scales = try privacyScales(unit: request.noiseSigma)
            var rng = noiseGenerator(requestID: request.requestID, modelVersion: request.modelVersion)
            statistics = statistics.privatized(scales, rng: &rng)
            message.noiseSigma = request.noiseSigma
            message.epsilon = try scales.epsilon(delta: configuration.privacyDelta)
            message.delta = configuration.privacyDelta
        }
        message.classes = wireStatistics(statistics).wireClasses
        let noise = request.noiseSigma > 0 ? ", noise σ \(request.noiseSigma), ε \(message.epsilon)" : ""
        log("statistics \(request.requestID): \(retained.count) retained sample(s), feature dim \(statistics.dimension)"
            + noise)
        return message
    }

    /// This client's noise scales for unit σ `unit`, refusing a σ that buys no guarantee (ε above 100).
    func privacyScales(unit: Double) throws -> GaussianNoiseScales {
        do {
            let scales = try GaussianNoiseScales(unit: unit, featureBound: Double(configuration.featureClipNorm))
            _ = try scales.epsilon(delta: configuration.privacyDelta)
            return scales
        } catch {
            throw ClientError.computation(step: "statistics noise", reason: "noise_sigma \(unit) with clip norm "
                + "\(configuration.featureClipNorm) and δ \(configuration.privacyDelta) gives no differential-privacy "
                + "guarantee (\(error)); ask for a larger σ")
        }
    }

    /// The generator of one release's noise: keyed by this client's secret `noiseSeed` (the coordinator knows every
    /// seed it sends, so noise drawn from those could be subtracted), and by the request and model version, so the
    /// same request asked again (a resumed job) gets the identical release and learns nothing new, while another
    /// deletion gets independent noise.
    func noiseGenerator(requestID: String, modelVersion: UInt64) -> SeededGenerator {
        let request = requestID.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        return SeededGenerator(seed: configuration.noiseSeed).derived(request).derived(modelVersion)
    }

    /// The wire form of `FeatureStatistics`. The wire holds counts as whole numbers, so a noisy count is rounded and
    /// clamped at 0 (post-processing, which keeps the guarantee).
    func wireStatistics(_ statistics: FeatureStatistics) -> WireFeatureStatistics {
        let d = statistics.dimension
        return WireFeatureStatistics(featureDim: d, classes: (0..<statistics.classCount).map { c in
            WireFeatureStatistics.Class(label: UInt32(c), count: UInt64(max(0, statistics.counts[c].rounded())),
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
