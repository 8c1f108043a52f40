extension WeightMask {
    /// The mask selecting the `k = round(fraction · n)` weights with the largest scores (SalUn's saliency threshold).
    ///
    /// Exactly `k` weights are selected: all with a score above the k-th largest score t, then those scoring exactly t
    /// in increasing index order until there are `k` (ties go to the lower index). `round` is half away from zero, so
    /// 0.5 · 5 selects 3. Runs in expected O(n) (quickselect with a three-way partition, so many equal scores — e.g.
    /// zero gradients — cost nothing extra). SalUn ranks |g|: pass absolute values if the scores can be negative.
    /// - Throws: `.invalidFraction` unless 0 ≤ fraction ≤ 1; `.notANumber` for a NaN score.
    public static func topFraction(_ scores: [Float], fraction: Double) throws(WeightMaskError) -> WeightMask {
        try topFractionPerSegment(scores, segments: [0..<scores.count], fraction: fraction)
    }

    /// Per-layer saliency: within each segment (a layer's range of the flat vector) the top `round(fraction · length)`
    /// weights are selected as `topFraction` does; weights outside every segment stay unselected.
    /// - Throws: `.invalidSegment` for a segment outside `0..<scores.count` or overlapping an earlier one, and the
    ///   errors of `topFraction`.
    public static func topFractionPerSegment(_ scores: [Float], segments: [Range<Int>],
                                             fraction: Double) throws(WeightMaskError) -> WeightMask {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else { throw .invalidFraction(fraction) }
        if let bad = scores.firstIndex(where: { $0.isNaN }) { throw .notANumber(index: bad) }
        try validate(segments, count: scores.count)
        var mask = WeightMask(count: scores.count)
        for segment in segments {
            let k = Int((fraction * Double(segment.count)).rounded(.toNearestOrAwayFromZero))
            mask.selectTop(k, of: scores, in: segment)
        }
        return mask
    }

    private static func validate(_ segments: [Range<Int>], count: Int) throws(WeightMaskError) {
        var covered = WeightMask(count: count)
        for segment in segments {
            guard segment.lowerBound >= 0, segment.upperBound <= count else {
                throw .invalidSegment(segment, count: count)
            }
            for i in segment {
                if covered[i] { throw .invalidSegment(segment, count: count) }
                covered[i] = true
            }
        }
    }

    /// Selects the `k` largest scores within `segment`, ties to the lower index.
    private mutating func selectTop(_ k: Int, of scores: [Float], in segment: Range<Int>) {
        guard k > 0 else { return }
        guard k < segment.count else {
            for i in segment { self[i] = true }
            return
        }
        var scratch = Array(scores[segment])
        let threshold = scratch.withUnsafeMutableBufferPointer { kthLargest($0, k - 1) }
        var remainingTies = k - scores[segment].reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
        for i in segment {
            if scores[i] > threshold {
                self[i] = true
            } else if scores[i] == threshold && remainingTies > 0 {
                self[i] = true
                remainingTies -= 1
            }
        }
    }
}

/// The value at 0-based position `k` if `a` were sorted in decreasing order (Hoare's quickselect, median-of-three
/// pivot, three-way partition). Reorders `a`.
func kthLargest(_ a: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
    var lo = 0, hi = a.count - 1
    while lo < hi {
        let pivot = medianOfThree(a[lo], a[(lo + hi) / 2], a[hi])
        // After the pass: a[lo..<lt] > pivot, a[lt...gt] == pivot, a[(gt+1)...hi] < pivot.
        var lt = lo, i = lo, gt = hi
        while i <= gt {
            if a[i] > pivot {
                a.swapAt(lt, i); lt += 1; i += 1
            } else if a[i] < pivot {
                a.swapAt(i, gt); gt -= 1
            } else {
                i += 1
            }
        }
        if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return pivot }
    }
    return a[lo]
}

private func medianOfThree(_ a: Float, _ b: Float, _ c: Float) -> Float {
    max(min(a, b), min(max(a, b), c))
}
