import Testing
@testable import LetheCoordinator

@Suite struct RefusalLogTests {
    @Test func eachKindIsLoggedThreeTimesThenAtPowersOfTen() {
        var log = RefusalLog()
        let logged = (1...12_000).compactMap { log.note("malformed", "line \($0)") }
        #expect(logged.count == 3 + 4)  // 1, 2, 3, then 10, 100, 1000, 10000
        #expect(logged[3].hasPrefix("line 10 [10 refusals"))
        #expect(logged.last?.hasPrefix("line 10000 [10000 refusals") == true)
        #expect(log.note("unauthorized hello", "other kind") == "other kind")
    }

    @Test func kindsBeyondTheBoundShareOneCounter() {
        var log = RefusalLog()
        for kind in 0..<RefusalLog.maxKinds { _ = log.note("kind \(kind)", "x") }
        for extra in 0..<100 { _ = log.note("new kind \(extra)", "x") }
        #expect(log.count(of: "other") == 100)
        #expect(log.count(of: "new kind 5") == 0)
    }
}
