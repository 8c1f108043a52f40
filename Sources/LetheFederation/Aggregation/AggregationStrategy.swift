/// A rule that combines clients' flat vectors into one (Flower's `aggregate_fit` math, as a value).
///
/// Strategies are values chosen by configuration (`AggregationRule`), pure and tested on tiny hand-made arrays
/// (STYLE.md principle 8). Robust rules (median, trimmed mean) bound the influence of a faulty or hostile client at the
/// cost of statistical efficiency; FedAvg is exact and the default.
public protocol AggregationStrategy: Sendable {
    /// The aggregate of `contributions`; every vector has the same length.
    func aggregate(_ contributions: [WeightedVector]) throws(AggregationError) -> [Float]
}

/// Which aggregation strategy a phase uses, as configuration (`Codable`).
public enum AggregationRule: Codable, Equatable, Sendable, CustomStringConvertible {
    /// FedAvg: the mean weighted by sample counts (McMahan et al. 2017). Exact; the default.
    case weightedMean
    /// Coordinate-wise median (Yin et al. 2018): ignores weights, robust to < 50 % faulty clients.
    case median
    /// Coordinate-wise β-trimmed mean (Yin et al. 2018): drops the ⌊β·n⌋ lowest and highest values per coordinate.
    case trimmedMean(beta: Double)

    /// The strategy value implementing the rule.
    public var strategy: any AggregationStrategy {
        switch self {
        case .weightedMean: FedAvg()
        case .median: CoordinateMedian()
        case .trimmedMean(let beta): TrimmedMean(beta: beta)
        }
    }

    public var description: String {
        switch self {
        case .weightedMean: "weighted-mean"
        case .median: "median"
        case .trimmedMean(let beta): "trimmed-mean:\(beta)"
        }
    }

    /// Parses `weighted-mean`, `median` or `trimmed-mean:β` (the command-line spelling).
    public init?(parsing text: String) {
        switch text {
        case "weighted-mean", "fedavg", "mean": self = .weightedMean
        case "median": self = .median
        default:
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[0] == "trimmed-mean", let beta = Double(parts[1]),
                  beta >= 0, beta < 0.5 else { return nil }
            self = .trimmedMean(beta: beta)
        }
    }
}
