import Foundation
import Testing

/// Progress written to a pipe or a file (not a terminal) is one line per phase, each prefixed once.
@Suite struct ProgressOutputTests {
    @Test func aPhaseIsLoggedOnceWhenStderrIsNotATerminal() throws {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("lethe-progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try LetheProcess.run(["unlearn", "--train-subset", "400", "--test-subset", "200", "--epochs", "1",
                                           "--method", "ft", "--cache-dir", scratch.path,
                                           "--json", scratch.appendingPathComponent("ft.json").path])
        #expect(result.status == 0, "\(result.output)")
        let progress = result.output.split(separator: "\n").filter { $0.hasPrefix("[lethe] seed 1: ") }
        #expect(progress.contains { $0.hasSuffix("ft: fine-tune") }, "\(result.output)")
        #expect(!progress.contains { $0.contains("seed 1: seed 1:") }, "prefix repeated: \(result.output)")
        #expect(Set(progress).count == progress.count, "a phase logged more than once: \(progress)")
    }
}
