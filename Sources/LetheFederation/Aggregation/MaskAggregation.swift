import LetheTensor
import LetheWire

/// One forget holder's saliency report, in domain terms.
public enum SaliencyScores: Equatable, Sendable {
    /// Every weight's |∇θ L_forget|, one float per weight.
    case dense([Float])
    /// The holder's own top-k weights as a bitset (the compressed report: 1 bit per weight instead of 32).
    case topK(WireMask)

    /// Number of weights the report covers.
    public var weightCount: Int {
        switch self {
        case .dense(let scores): scores.count
        case .topK(let mask): mask.bitCount
        }
    }
}

/// A saliency report and the number of forget samples behind it (its aggregation weight).
public struct SaliencyContribution: Equatable, Sendable {
    public var scores: SaliencyScores
    public var forgetCount: Int

    public init(scores: SaliencyScores, forgetCount: Int) {
        self.scores = scores
        self.forgetCount = forgetCount
    }
}

/// Builds the global saliency mask from the forget holders' reports (ARCHITECTURE.md step 3).
///
/// - Exact: s = Σ_k n_k · s_k (dense scores weighted by forget counts, i.e. the saliency of the union of the forget
///   sets up to a constant), then `WeightMask.topFraction(s, fraction)`: identical to the centralized SalUn mask
///   when every holder sends dense scores.
/// - Compressed: votes v_i = Σ_k n_k · [i ∈ topK_k]; the top fraction by votes, ties to the lower index. Costs
///   1 bit per weight per holder instead of 32.
/// Mixed reports are combined as votes (a dense report votes with its own top fraction), so one old client cannot
/// block a job.
public enum MaskAggregation {
    public static func aggregate(_ reports: [SaliencyContribution], fraction: Double) throws(AggregationError)
        -> WeightMask
    {
        guard let first = reports.first else { throw .noContributions }
        let count = first.scores.weightCount
        for (i, r) in reports.enumerated() {
            guard r.scores.weightCount == count else {
                throw .lengthMismatch(expected: count, got: r.scores.weightCount, contributor: i)
            }
            guard r.forgetCount > 0 else { throw .invalidWeights("report \(i) has no forget samples") }
        }
        let allDense = reports.allSatisfy { if case .dense = $0.scores { true } else { false } }
        let combined = allDense ? weightedScoreSum(reports, count: count)
                                : try weightedVotes(reports, count: count, fraction: fraction)
        do {
            return try WeightMask.topFraction(combined, fraction: fraction)
        } catch {
            throw .incompatible("cannot threshold the aggregated saliency: \(error)")
        }
    }

    /// Σ_k n_k · s_k in Double, returned as Float scores.
    static func weightedScoreSum(_ reports: [SaliencyContribution], count: Int) -> [Float] {
        var sum = [Double](repeating: 0, count: count)
        for r in reports {
            guard case .dense(let scores) = r.scores else { continue }
            let n = Double(r.forgetCount)
            for i in 0..<count { sum[i] += n * Double(scores[i]) }
        }
        return sum.map { Float($0) }
    }

    /// Σ_k n_k · [i ∈ top_k] as Float scores; dense reports vote with their own top `fraction`.
    static func weightedVotes(_ reports: [SaliencyContribution], count: Int,
                              fraction: Double) throws(AggregationError) -> [Float] {
        var votes = [Float](repeating: 0, count: count)
        for r in reports {
            let n = Float(r.forgetCount)
            switch r.scores {
            case .topK(let mask):
                for i in mask.setIndices { votes[i] += n }
            case .dense(let scores):
                let own: WeightMask
                do { own = try WeightMask.topFraction(scores, fraction: fraction) } catch {
                    throw .incompatible("a dense report cannot be thresholded: \(error)")
                }
                for i in own.setIndices { votes[i] += n }
            }
        }
        return votes
    }
}

extension WeightMask {
    /// The wire bitset of this mask (same bit layout, so the words copy as they are).
    public var wireMask: WireMask { WireMask(bitCount: count, words: words) }

    /// The mask from a validated wire bitset.
    public init(wireMask: WireMask) {
        // WireMask guarantees the word count and a clear tail, the two checks of init(count:words:).
        self = try! WeightMask(count: wireMask.bitCount, words: wireMask.words)
    }
}
