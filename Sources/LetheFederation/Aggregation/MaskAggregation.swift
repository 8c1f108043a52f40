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
/// Mixed reports are combined as votes, the dense holders voting together with their summed weight for the top
/// fraction of their exact sum, so one old client cannot block a job (and no dense report needs keeping).
public enum MaskAggregation {
    public static func aggregate(_ reports: [SaliencyContribution], fraction: Double) throws(AggregationError)
        -> WeightMask
    {
        guard let first = reports.first else { throw .noContributions }
        var sum = SaliencySum(weightCount: first.scores.weightCount, fraction: fraction)
        for (i, report) in reports.enumerated() { try sum.check(report, from: "report \(i)") }
        for report in reports { sum.add(checked: report) }
        return try sum.mask()
    }
}

/// The running saliency aggregate: Σ n_k s_k over dense reports (in Double) and Σ n_k [i ∈ topK_k] over compressed
/// ones (integers, exact in Float below 2^24), one report at a time.
struct SaliencySum: Sendable {
    let weightCount: Int
    let fraction: Double
    private var scoreSum: [Double]?
    private var denseWeight = 0.0
    private var votes: [Float]?
    private(set) var reports = 0

    init(weightCount: Int, fraction: Double) {
        self.weightCount = weightCount
        self.fraction = fraction
    }

    /// Refuses a report for another model size or without forget samples (`contributor` names it in the error).
    func check(_ report: SaliencyContribution, from contributor: String) throws(AggregationError) {
        guard report.scores.weightCount == weightCount else {
            throw .incompatible("\(contributor) covers \(report.scores.weightCount) weights, the model \(weightCount)")
        }
        guard report.forgetCount > 0 else { throw .invalidWeights("\(contributor) has no forget samples") }
    }

    /// Adds a report that passed `check`.
    mutating func add(checked report: SaliencyContribution) {
        switch report.scores {
        case .dense(let scores):
            let n = Double(report.forgetCount)
            var sum = scoreSum.take() ?? [Double](repeating: 0, count: weightCount)
            for i in 0..<weightCount { sum[i] += n * Double(scores[i]) }
            scoreSum = sum
            denseWeight += n
        case .topK(let mask):
            let n = Float(report.forgetCount)
            var sum = votes.take() ?? [Float](repeating: 0, count: weightCount)
            for i in mask.setIndices { sum[i] += n }
            votes = sum
        }
        reports += 1
    }

    /// The top `fraction` of the exact sum, of the votes, or (mixed) of the votes with the dense holders' bloc.
    func mask() throws(AggregationError) -> WeightMask {
        guard reports > 0 else { throw .noContributions }
        do {
            guard var votes else { return try WeightMask.topFraction(scoreSum!.map { Float($0) }, fraction: fraction) }
            if let scoreSum {
                let dense = try WeightMask.topFraction(scoreSum.map { Float($0) }, fraction: fraction)
                for i in dense.setIndices { votes[i] += Float(denseWeight) }
            }
            return try WeightMask.topFraction(votes, fraction: fraction)
        } catch {
            throw .incompatible("cannot threshold the aggregated saliency: \(error)")
        }
    }
}

/// Collects the forget holders' saliency reports as they arrive and folds them in the holders' sorted order
/// (`SortedArrivals`): a class deletion at a thousand clients no longer holds a thousand dense score vectors.
public struct SaliencyAccumulator: Sendable {
    private var arrivals: SortedArrivals<SaliencyContribution>
    private var running: SaliencySum

    public init(holders: Set<ClientID>, weightCount: Int, fraction: Double) {
        arrivals = SortedArrivals(holders)
        running = SaliencySum(weightCount: weightCount, fraction: fraction)
    }

    /// Takes `client`'s report; throws (keeping nothing) when it cannot be combined.
    public mutating func add(_ report: SaliencyContribution, from client: ClientID) throws(AggregationError) {
        try running.check(report, from: "saliency from \(client)")
        for ready in arrivals.arrive(report, from: client) { running.add(checked: ready) }
    }

    /// The global mask of every report received, folded in sorted order.
    public func mask() throws(AggregationError) -> WeightMask {
        var sum = running
        for report in arrivals.remaining { sum.add(checked: report) }
        return try sum.mask()
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
