import Foundation
import LetheData

/// One grid point's validation figures.
public struct SweepPoint: Codable, Sendable {
    public var label: String
    /// Avg. Gap per validation seed, in seed order.
    public var gaps: [Double]
    public var meanGap: Double
    /// UA, RA, TA and MIA-efficacy, means over the validation seeds (the ablation table needs more than the gap).
    public var meanMetrics: UnlearningMetrics
    public var meanSeconds: Double
    /// Mean seconds of Retrain on the same seeds, for the time ratio.
    public var retrainSeconds: Double
    public var configuration: String

    /// Mean time of the point over mean time of Retrain on the same seeds (the sweep's RTE).
    public var timeRatio: Double { meanSeconds / max(retrainSeconds, 1e-9) }
}

/// Hyperparameter selection as the protocol demands (ALGORITHMS.md, DECISIONS.md §13): every grid point runs on
/// ≥ 2 validation seeds, the point with the smallest *mean* Avg. Gap wins, and only the winner runs on the test
/// seeds. Nothing is chosen on a test seed.
public struct Sweep {
    public let grid: SweepGrid
    public let validationSeeds: [UInt64]
    public let testSeeds: [UInt64]
    /// The deletion kind of the runs, for methods whose defaults depend on it.
    public let kind: ForgettingKind
    /// A time budget as a fraction of Retrain's wall time (issue 7's RTE bars): only points within it may win.
    public let maxTimeRatio: Double?

    public init(grid: SweepGrid, validationSeeds: [UInt64] = [100, 101], testSeeds: [UInt64] = [1, 2, 3],
                kind: ForgettingKind = .samples, maxTimeRatio: Double? = nil) throws {
        guard validationSeeds.count >= 2 else {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "select on at least 2 validation seeds")
        }
        guard Set(validationSeeds).isDisjoint(with: testSeeds) else {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "validation and test seeds overlap")
        }
        self.grid = grid
        self.validationSeeds = validationSeeds
        self.testSeeds = testSeeds
        self.kind = kind
        self.maxTimeRatio = maxTimeRatio
    }

    /// The winner: the smallest mean Avg. Gap among the points within `maxTimeRatio` (all points without a budget).
    /// Nil when no point is within the budget: the caller says so rather than silently running an over-budget point.
    public static func choose(_ points: [SweepPoint], maxTimeRatio: Double? = nil) -> Int? {
        points.indices
            .filter { maxTimeRatio == nil || points[$0].timeRatio <= maxTimeRatio! }
            .min { points[$0].meanGap < points[$1].meanGap }
    }

    /// Runs every point on the validation seeds; returns the points in grid order and the index of the winner.
    /// `report` receives one line per point and seed as soon as it is measured.
    public func select(setup: (UInt64) -> ExperimentSetup, train: ImageDataset, test: ImageDataset,
                       progress: PhaseProgress? = nil,
                       report: ((String) -> Void)? = nil) throws -> (points: [SweepPoint], chosen: Int?) {
        let methods = try grid.points.indices.map { try MethodCatalog.make(grid.method, overrides: grid.overrides(at: $0), kind: kind) }
        var outcomes: [ExperimentOutcome] = []
        for seed in validationSeeds {
            let experiment = try UnlearningExperiment(setup: setup(seed), train: train, test: test)
            outcomes.append(try experiment.run(methods: methods, progress: { phase, fraction in
                progress?("validation seed \(seed): \(phase)", fraction)
            }, finished: { index, outcome in
                let m = outcome.metrics
                report?(String(format: "seed %llu point %d/%d: UA %.2f RA %.2f TA %.2f MIA %.2f gap %.2f %.0f s  %@",
                               seed, index + 1, methods.count, m.ua, m.ra, m.ta, m.mia, outcome.averageGap,
                               outcome.seconds, grid.points[index].label.isEmpty ? "base" : grid.points[index].label))
            }))
        }
        let points = grid.points.indices.map { index in
            let gaps = outcomes.map { $0.methods[index].averageGap }
            let metrics = outcomes.map { $0.methods[index].metrics }
            func mean(_ value: (UnlearningMetrics) -> Double) -> Double {
                metrics.map(value).reduce(0, +) / Double(metrics.count)
            }
            return SweepPoint(label: grid.points[index].label, gaps: gaps,
                              meanGap: gaps.reduce(0, +) / Double(gaps.count),
                              meanMetrics: UnlearningMetrics(ua: mean(\.ua), ra: mean(\.ra), ta: mean(\.ta), mia: mean(\.mia)),
                              meanSeconds: outcomes.map { $0.methods[index].seconds }.reduce(0, +) / Double(gaps.count),
                              retrainSeconds: outcomes.map(\.retrain.seconds).reduce(0, +) / Double(gaps.count),
                              configuration: methods[index].configurationSummary)
        }
        return (points, Self.choose(points, maxTimeRatio: maxTimeRatio))
    }
}
