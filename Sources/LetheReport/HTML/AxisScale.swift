import Foundation

/// A linear map from data values to pixels, with "nice" ticks (steps of 1, 2 or 5 × 10^k) so an axis reads at a
/// glance.
struct AxisScale {
    /// The data interval, widened to whole ticks.
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// Pixel coordinates of `lower` and `upper` (for a y axis `from` is the bottom).
    let from: Double
    let to: Double

    /// A scale covering `minimum…maximum` (0 is always included for bars) in about `tickCount` ticks.
    init(minimum: Double, maximum: Double, from: Double, to: Double, tickCount: Int = 5) {
        let low = min(minimum, maximum), high = max(minimum, maximum)
        let step = Self.niceStep((high - low) / Double(max(1, tickCount)))
        lower = (low / step).rounded(.down) * step
        upper = max((high / step).rounded(.up) * step, lower + step)
        ticks = stride(from: lower, through: upper + step / 2, by: step).map { ($0 / step).rounded() * step }
        self.from = from
        self.to = to
    }

    /// The pixel of `value`.
    func callAsFunction(_ value: Double) -> Double { from + (value - lower) / (upper - lower) * (to - from) }

    /// Decimals that tell the ticks apart (0 for steps ≥ 1, 1 for 0.5, 2 for 0.05 …).
    var decimals: Int {
        guard ticks.count > 1 else { return 0 }
        let step = ticks[1] - ticks[0]
        return max(0, Int((-log10(step)).rounded(.up)))
    }

    /// The one of 1, 2, 5 × 10^k nearest `raw` on a log scale (1 for an empty range), so the tick count stays
    /// near the one asked for.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * magnitude
    }
}
