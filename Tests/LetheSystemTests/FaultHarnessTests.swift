import Foundation
import Testing

/// Issue 24: the short kill-point sweep and a bounded fuzz of the coordinator's socket, each from its own process,
/// as CI runs them (the full sweep and the 100,000-message fuzz are benchmarks: BENCHMARKS.md).
@Suite(.serialized) struct FaultHarnessTests {
    @Test(.timeLimit(.minutes(5)))
    func aShortKillPointSweepKeepsEveryInvariant() throws {
        let (status, output) = try CoordinatorRestartTests.lethe(
            ["bench", "faults", "--coordinator-points", "5", "--client-points", "2", "--seed", "3"],
            in: FileManager.default.temporaryDirectory)
        #expect(status == 0, "\(output)")
        #expect(output.contains("faults: 5 coordinator kill(s)") || output.contains("coordinator kill(s)"), "\(output)")
        #expect(output.contains("every acknowledged request in the ledger and done once"), "\(output)")
    }

    @Test(.timeLimit(.minutes(5)))
    func aBoundedFuzzFromAnotherProcessIsAnsweredAndTheCoordinatorStillServesAJob() throws {
        let (status, output) = try CoordinatorRestartTests.lethe(["bench", "fuzz", "--messages", "3000", "--batch", "500"],
                                                                 in: FileManager.default.temporaryDirectory)
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 missing, 0 untyped"), "\(output)")
        #expect(output.contains("crashed: no"), "\(output)")
        #expect(output.contains("job DONE"), "\(output)")
    }
}
