import Foundation
import Testing
@testable import LetheData
import LetheTensor

@Suite struct SplitTests {
    @Test func tenPercentOfBalancedSetTakesExactlyTenPercentPerClass() {
        let dataset = labelOnlyDataset(labels: interleavedLabels(perClass: [Int](repeating: 6000, count: 10)))
        var rng = SeededGenerator(seed: 100)
        let split = dataset.stratifiedSplit(validationFraction: 0.1, rng: &rng)
        #expect(split.validation.count == 6000 && split.train.count == 54_000)
        #expect(dataset.classCounts(at: split.validation) == [Int](repeating: 600, count: 10))
        #expect(dataset.classCounts(at: split.train) == [Int](repeating: 5400, count: 10))
        #expect((split.train + split.validation).sorted() == Array(0..<60_000))
    }

    @Test func unevenClassesKeepProportionsWithinOneSample() {
        let perClass = [100, 230, 70, 15]
        let dataset = labelOnlyDataset(labels: interleavedLabels(perClass: perClass), classCount: 4)
        var rng = SeededGenerator(seed: 1)
        let split = dataset.stratifiedSplit(validationFraction: 0.1, rng: &rng)
        // Exact shares 10, 23, 7, 1.5: total round(41.5) = 42, the half goes to the class with the largest remainder.
        #expect(dataset.classCounts(at: split.validation) == [10, 23, 7, 2])
        #expect(Set(split.train).isDisjoint(with: split.validation))
        #expect(split.train.count + split.validation.count == dataset.count)
    }

    @Test func largestRemainderBreaksTiesTowardsLowerClasses() {
        #expect(ImageDataset.largestRemainderQuotas([5, 5, 5], fraction: 0.5) == [3, 3, 2])
        #expect(ImageDataset.largestRemainderQuotas([3, 0, 7], fraction: 0.25) == [1, 0, 2])
    }

    @Test func splitIsDeterministicBySeed() {
        let dataset = labelOnlyDataset(labels: interleavedLabels(perClass: [50, 50, 50]), classCount: 3)
        var a = SeededGenerator(seed: 100), b = SeededGenerator(seed: 100), c = SeededGenerator(seed: 101)
        let first = dataset.stratifiedSplit(validationFraction: 0.2, rng: &a)
        #expect(first == dataset.stratifiedSplit(validationFraction: 0.2, rng: &b))
        #expect(first != dataset.stratifiedSplit(validationFraction: 0.2, rng: &c))
    }
}
