import Foundation
import LetheWire
import Testing
@testable import LetheCoordinator

/// Issue 24 "Restart with live clients": a client holding another model version is re-sent the model instead of
/// failing the round, a round that keeps failing backs off instead of spinning, and its cause is logged once.
@Suite(.serialized) struct CoordinatorRecoveryTests {
    /// Train requests `client` received for wire round `round`.
    static func trainRequests(_ client: FakeClient, round: UInt64) -> Int {
        client.received.filter { envelope in
            if case .trainRequest? = envelope.body { envelope.round == round } else { false }
        }.count
    }

    @Test func aClientHoldingAnotherVersionIsSentTheModelAndTheRequestAgain() throws {
        let h = try Harness()
        try h.connectClients()
        h.clients[0].staleTrainRequests = 1
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        #expect(try h.store.latestModelVersion()?.version == 2)
        #expect(Self.trainRequests(h.clients[0], round: 1) == 2)
        #expect(Self.trainRequests(h.clients[1], round: 1) == 1)
        #expect(h.lines.all.contains { $0.contains("c0 holds another model version") })
        // All three contributed to round 1 (FedAvg of 2, 1, 1 labels with equal weights): c0 was not dropped.
        #expect(h.lines.all.contains { $0.contains("round 1/2 done, 3 update(s)") }, "\(h.lines.all)")
    }

    @Test func aRoundThatKeepsFailingBacksOffAndLogsItsCauseOnce() throws {
        let h = try Harness()
        try h.connectClients()
        for client in h.clients { client.staleTrainRequests = .max }
        // Sixty simulated seconds, a turn every 10 ms: a retry per turn would be 6,000 rounds.
        for _ in 0..<6000 {
            h.clock.seconds += 0.01
            try h.node.step()
            for client in h.clients { try client.serve() }
        }
        let rounds = h.clients[0].received.compactMap { envelope -> UInt64? in
            if case .trainRequest? = envelope.body { envelope.round } else { nil }
        }
        // 0.5, 1, 2, 4, 8, 16, 30 s waits: 7 tries start within 60 s.
        #expect(Set(rounds).count <= 8, "rounds tried: \(Set(rounds).count)")
        #expect(Set(rounds).count >= 5, "rounds tried: \(Set(rounds).count)")
        let causeLines = h.lines.all.filter { $0.contains("fewer than the minimum") }
        #expect(causeLines.count <= 2, "\(causeLines)")
        #expect(h.lines.all.count < 200, "\(h.lines.all.count) log lines")
    }

    @Test func retryDelaysDoubleToABound() {
        #expect((1...8).map { TrainingRun.retryDelay(afterFailures: $0) } == [0.5, 1, 2, 4, 8, 16, 30, 30])
        #expect(TrainingRun.retryDelay(afterFailures: 1000) == 30)
    }

    @Test func aRepeatedConditionIsLoggedOncePerCauseWithItsCount() {
        var log = RepeatedConditionLog()
        #expect(log.note("round failed") == "round failed")
        #expect(log.note("round failed") == nil)
        #expect(log.note("round failed") == nil)
        #expect(log.note("no clients") == "round failed (3 times in a row); now: no clients")
        #expect(log.resolve() == "no clients (1 time in a row); cleared")
        #expect(log.resolve() == nil)
    }
}
