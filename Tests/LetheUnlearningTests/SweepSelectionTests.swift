@testable import LetheUnlearning
import Testing

@Suite struct SweepSelectionTests {
    func point(_ label: String, gap: Double, seconds: Double) -> SweepPoint {
        SweepPoint(label: label, gaps: [gap, gap], meanGap: gap, meanMetrics: UnlearningMetrics(ua: 0, ra: 0, ta: 0, mia: 0),
                   meanSeconds: seconds, retrainSeconds: 100, configuration: label)
    }

    @Test func withoutABudgetTheSmallestMeanGapWins() {
        let points = [point("a", gap: 1.2, seconds: 10), point("b", gap: 0.8, seconds: 60), point("c", gap: 1.0, seconds: 20)]
        #expect(Sweep.choose(points) == 1)
    }

    @Test func aBudgetExcludesSlowerPointsInclusively() {
        let points = [point("a", gap: 1.2, seconds: 10), point("b", gap: 0.8, seconds: 60), point("c", gap: 1.0, seconds: 20)]
        #expect(points[2].timeRatio == 0.2)
        #expect(Sweep.choose(points, maxTimeRatio: 0.2) == 2)
        #expect(Sweep.choose(points, maxTimeRatio: 0.15) == 0)
        #expect(Sweep.choose(points, maxTimeRatio: 0.05) == nil)
    }
}
