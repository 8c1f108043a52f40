import Foundation
import Testing

/// The README's "Several hosts" walkthrough runs as written: provision, start a coordinator and two clients from
/// their kits, read status over the socket, forget two ids, read status again, verify the certificate. Only the
/// build at its head is skipped (the test runs the binary under test, put first on PATH the same way).
@Suite struct ReadmeWalkthroughTests {
    static let marker = "<!-- walkthrough:"

    /// The shell block after the marker, without its `swift build … &&` prefix.
    static func walkthrough() throws -> String {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let afterMarker = try #require(text.range(of: marker)).upperBound
        let open = try #require(text.range(of: "```sh\n", range: afterMarker..<text.endIndex)).upperBound
        let close = try #require(text.range(of: "\n```", range: open..<text.endIndex)).lowerBound
        let block = String(text[open..<close])
        let build = "swift build -c release && export PATH=\"$PWD/.build/release:$PATH\" && "
        #expect(block.hasPrefix(build), "the walkthrough no longer starts with its build step")
        return block.replacingOccurrences(of: build, with: "")
    }

    @Test(.timeLimit(.minutes(3)))
    func theSeveralHostsWalkthroughRunsAsWritten() throws {
        let script = try Self.walkthrough()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-walkthrough-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", script]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = SimulateTests.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The nodes it started in the background are stopped by its last line; make sure even when it failed.
        let leftovers = Process()
        leftovers.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        leftovers.arguments = ["-f", "--", "--config kits/"]
        try? leftovers.run()
        leftovers.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        for expected in ["2 client(s) connected", "request demo-1: RECORDED", "job: DONE", "demo-1-job1  published",
                         "ok ids: the 2 ids of ids.txt are the committed set", "verified"] {
            #expect(text.contains(expected), "the walkthrough's output lacks \(expected):\n\(text)")
        }
    }
}
