import Foundation
import Testing
@testable import LetheTensor

@Suite struct WeightMaskTests {
    /// Reference: sort indices by (score descending, index ascending) and keep the first k.
    private func naiveTop(_ scores: [Float], _ k: Int) -> Set<Int> {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return Set(order.prefix(k))
    }

    @Test func topFractionMatchesSortedReferenceWithManyTies() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<20 {
            let n = 1 + rng.nextInt(below: 500)
            // Few distinct values, so ties at the threshold are the rule, not the exception.
            let scores = (0..<n).map { _ in Float(rng.nextInt(below: 1 + trial % 7)) }
            for fraction in [0.0, 0.1, 0.5, 0.37, 0.99, 1.0] {
                let mask = try WeightMask.topFraction(scores, fraction: fraction)
                let k = Int((fraction * Double(n)).rounded(.toNearestOrAwayFromZero))
                #expect(mask.selectedCount == k, "n \(n) fraction \(fraction)")
                #expect(Set(mask.setIndices) == naiveTop(scores, k), "n \(n) fraction \(fraction)")
            }
        }
    }

    @Test func topFractionHandlesZeroOneAndRoundingHalfUp() throws {
        let scores: [Float] = [3, 1, 4, 1, 5]
        #expect(try WeightMask.topFraction(scores, fraction: 0).selectedCount == 0)
        #expect(try WeightMask.topFraction(scores, fraction: 1).selectedCount == 5)
        #expect(Array(try WeightMask.topFraction(scores, fraction: 0.5).setIndices) == [0, 2, 4])  // round(2.5) = 3
        #expect(Array(try WeightMask.topFraction(scores, fraction: 0.8).setIndices) == [0, 1, 2, 4])  // tie 1 → index 1
        #expect(try WeightMask.topFraction([], fraction: 0.5).selectedCount == 0)
    }

    @Test func topFractionIsFastOnAModelSizedVector() throws {
        var rng = SeededGenerator(seed: 5)
        let scores = (0..<420_000).map { i in i % 3 == 0 ? 0 : abs(rng.nextNormal()) }
        let start = Date()
        let mask = try WeightMask.topFraction(scores, fraction: 0.5)
        let seconds = Date().timeIntervalSince(start)
        #expect(mask.selectedCount == 210_000)
        let threshold = scores.sorted(by: >)[209_999]
        #expect(mask.setIndices.allSatisfy { scores[$0] >= threshold })
        print("topFraction over 420,000 weights: \(String(format: "%.1f", seconds * 1000)) ms")
    }

    @Test func perSegmentKeepsTheFractionOfEachLayer() throws {
        let scores: [Float] = [9, 8, 7, 6, 0.1, 0.2, 0.3, 0.4, 5]
        let mask = try WeightMask.topFractionPerSegment(scores, segments: [0..<4, 4..<8], fraction: 0.5)
        #expect(Array(mask.setIndices) == [0, 1, 6, 7])
        #expect(throws: WeightMaskError.invalidSegment(2..<5, count: 9)) {
            try WeightMask.topFractionPerSegment(scores, segments: [0..<4, 2..<5], fraction: 0.5)
        }
        #expect(throws: WeightMaskError.invalidSegment(8..<10, count: 9)) {
            try WeightMask.topFractionPerSegment(scores, segments: [8..<10], fraction: 0.5)
        }
    }

    @Test func badInputIsATypedError() {
        #expect(throws: WeightMaskError.invalidFraction(1.5)) { try WeightMask.topFraction([1, 2], fraction: 1.5) }
        #expect(throws: WeightMaskError.notANumber(index: 1)) { try WeightMask.topFraction([1, .nan], fraction: 0.5) }
        #expect(throws: WeightMaskError.indexOutOfRange(index: 10, count: 10)) {
            try WeightMask(count: 10, setIndices: [10])
        }
        #expect(throws: WeightMaskError.bitsBeyondCount(count: 10)) { try WeightMask(count: 10, words: [1 << 10]) }
        #expect(throws: WeightMaskError.wordCountMismatch(count: 65, words: 1)) {
            try WeightMask(count: 65, words: [0])
        }
    }

    @Test func setOperationsAgreeWithSetModel() throws {
        var rng = SeededGenerator(seed: 21)
        for _ in 0..<30 {
            let n = rng.nextInt(below: 300)
            let a = Set((0..<n).filter { _ in rng.nextUniform() < 0.4 })
            let b = Set((0..<n).filter { _ in rng.nextUniform() < 0.6 })
            let ma = try WeightMask(count: n, setIndices: a), mb = try WeightMask(count: n, setIndices: b)
            #expect(Set(ma.union(mb).setIndices) == a.union(b))
            #expect(Set(ma.intersection(mb).setIndices) == a.intersection(b))
            #expect(Set(ma.subtracting(mb).setIndices) == a.subtracting(b))
            #expect(Set(ma.complement().setIndices) == Set(0..<n).subtracting(a))
            #expect(ma.isSubset(of: mb) == a.isSubset(of: b))
            #expect(ma.intersection(mb).isSubset(of: ma))
            #expect(ma.selectedCount == a.count)
            #expect(Array(ma.setIndices) == a.sorted())
            #expect((0..<n).allSatisfy { ma[$0] == a.contains($0) })
            #expect(try WeightMask(count: n, words: ma.words) == ma)
        }
    }

    @Test func subscriptSetAndClear() {
        var mask = WeightMask(count: 130)
        mask[0] = true; mask[64] = true; mask[129] = true; mask[64] = false
        #expect(Array(mask.setIndices) == [0, 129])
        #expect(mask.words == [1, 0, 2])
    }

    @Test func applyZeroesOnlyUnselectedGradients() throws {
        var rng = SeededGenerator(seed: 2)
        let n = 200
        let mask = try WeightMask(count: n, setIndices: (0..<n).filter { _ in rng.nextUniform() < 0.5 })
        let original = (0..<n).map { _ in rng.nextNormal() }
        var gradients = original
        mask.apply(to: &gradients)
        for i in 0..<n { #expect(gradients[i] == (mask[i] ? original[i] : 0), "index \(i)") }
    }

    @Test func restoreUnmaskedLeavesMaskedOutWeightsBitIdentical() throws {
        var rng = SeededGenerator(seed: 3)
        let n = 1000
        let mask = try WeightMask(count: n, setIndices: (0..<n).filter { _ in rng.nextUniform() < 0.3 })
        let before = (0..<n).map { _ in rng.nextNormal() }
        // An SGD step with momentum-like drift and weight decay moves every weight.
        var after = before.map { $0 - 0.05 * (0.1 + 5e-4 * $0) }
        let stepped = after
        mask.restoreUnmasked(values: &after, previous: before)
        for i in 0..<n {
            let expected = mask[i] ? stepped[i] : before[i]
            #expect(after[i].bitPattern == expected.bitPattern, "index \(i)")
        }
    }
}
