extension WeightMask {
    /// Weights selected in `self` or in `other` (A ∪ B). Both masks must range over the same `count`.
    public func union(_ other: WeightMask) -> WeightMask { combined(other) { $0 | $1 } }

    /// Weights selected in both `self` and `other` (A ∩ B).
    public func intersection(_ other: WeightMask) -> WeightMask { combined(other) { $0 & $1 } }

    /// Weights selected in `self` but not in `other` (A ∖ B).
    public func subtracting(_ other: WeightMask) -> WeightMask { combined(other) { $0 & ~$1 } }

    /// Whether every weight selected in `self` is also selected in `other` (A ⊆ B).
    public func isSubset(of other: WeightMask) -> Bool {
        precondition(count == other.count, "masks over \(count) and \(other.count) weights")
        return zip(words, other.words).allSatisfy { $0 & ~$1 == 0 }
    }

    /// The mask with every weight's selection flipped (bits past `count` stay zero).
    public func complement() -> WeightMask {
        var result = self
        result.words = words.map { ~$0 }
        if count % 64 != 0, !result.words.isEmpty {
            result.words[result.words.count - 1] &= (1 << UInt64(count % 64)) - 1
        }
        return result
    }

    private func combined(_ other: WeightMask, _ op: (UInt64, UInt64) -> UInt64) -> WeightMask {
        precondition(count == other.count, "masks over \(count) and \(other.count) weights")
        var result = self
        for w in result.words.indices { result.words[w] = op(words[w], other.words[w]) }
        return result
    }
}

extension WeightMask {
    /// Zeroes the gradient of every unselected weight: g ← g ⊙ m.
    ///
    /// `gradients` must point at `count` floats laid out like the flat parameter vector the mask ranges over.
    public func apply(to gradients: UnsafeMutablePointer<Float>) {
        forEachUnselected { gradients[$0] = 0 }
    }

    /// Zeroes the gradient of every unselected weight in an array of `count` floats.
    public func apply(to gradients: inout [Float]) {
        precondition(gradients.count == count, "\(gradients.count) gradients for a mask over \(count) weights")
        gradients.withUnsafeMutableBufferPointer { apply(to: $0.baseAddress!) }
    }

    /// Copies `previous` back into every unselected position of `values`: θ ← m ⊙ θ + (1 − m) ⊙ θ_prev.
    ///
    /// Called after an optimiser step, so weight decay and momentum cannot move masked-out weights: they stay
    /// bit-identical to `previous`. Both pointers address `count` floats.
    public func restoreUnmasked(values: UnsafeMutablePointer<Float>, previous: UnsafePointer<Float>) {
        forEachUnselected { values[$0] = previous[$0] }
    }

    /// Array form of `restoreUnmasked(values:previous:)`; both arrays hold `count` floats.
    public func restoreUnmasked(values: inout [Float], previous: [Float]) {
        precondition(values.count == count && previous.count == count,
                     "\(values.count) values and \(previous.count) previous for a mask over \(count) weights")
        previous.withUnsafeBufferPointer { old in
            values.withUnsafeMutableBufferPointer { restoreUnmasked(values: $0.baseAddress!, previous: old.baseAddress!) }
        }
    }

    /// Calls `body` with each unselected index in increasing order, a word at a time.
    @inline(__always)
    private func forEachUnselected(_ body: (Int) -> Void) {
        for w in words.indices {
            let base = w * 64
            var unselected = ~words[w]
            if w == words.count - 1, count % 64 != 0 { unselected &= (1 << UInt64(count % 64)) - 1 }
            while unselected != 0 {
                body(base + unselected.trailingZeroBitCount)
                unselected &= unselected - 1
            }
        }
    }
}
