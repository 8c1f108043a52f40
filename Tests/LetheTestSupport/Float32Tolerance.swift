/// Tolerances for results that pass through float32 arithmetic.
///
/// OpenBLAS's kernels (Prescott, Haswell, SkylakeX, Cooperlake, Zen) and the batch a sample is computed in change
/// the order of float32 sums, so two correct computations of one quantity agree only to a few float32 roundoffs,
/// never bit for bit. A test states how many roundoffs of which scale it allows, instead of a Double-sized 1e-9.
public enum Float32Tolerance {
    /// Float32 unit roundoff, 2⁻²³ ≈ 1.19e-7.
    public static let roundoff = Double(Float.ulpOfOne)

    /// `roundoffs` float32 roundoffs of `scale` (at least of 1, so values near zero get an absolute bound).
    public static func bound(roundoffs: Double, scale: Double) -> Double {
        roundoffs * roundoff * max(1, abs(scale))
    }

    /// Whether `actual` is within `roundoffs` float32 roundoffs of `expected`'s magnitude.
    public static func isClose(_ actual: Double, _ expected: Double, roundoffs: Double) -> Bool {
        abs(actual - expected) <= bound(roundoffs: roundoffs, scale: expected)
    }
}
