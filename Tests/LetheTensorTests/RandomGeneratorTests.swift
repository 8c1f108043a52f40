import Testing
@testable import LetheTensor

@Suite struct RandomGeneratorTests {
    @Test func sameSeedGivesSameSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test func uniformStaysInUnitIntervalWithMeanOneHalf() {
        var rng = SeededGenerator(seed: 7)
        let draws = (0..<100_000).map { _ in rng.nextUniform() }
        #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = draws.reduce(0, +) / Float(draws.count)
        #expect(abs(mean - 0.5) < 0.01)
    }

    @Test func normalHasUnitMoments() {
        var rng = SeededGenerator(seed: 9)
        let draws = (0..<200_000).map { _ in Double(rng.nextNormal()) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func permutationContainsEveryIndexOnce() {
        var rng = SeededGenerator(seed: 3)
        let order = rng.permutation(1000)
        #expect(order.sorted() == Array(0..<1000))
        #expect(order != Array(0..<1000))
    }
}
