import Foundation
import Testing

/// `Deploy/systemd/`'s units pass `systemd-analyze verify` (unknown keys, bad values and a missing executable are
/// what it reports; it prints them and still exits 0 for the first two, so any output fails the test). Skipped
/// with a printed reason where the tool is absent.
@Suite struct SystemdUnitTests {
    static let units = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/systemd")

    /// Runs `systemd-analyze verify` on the units, with ExecStart pointed at the built binary and the client
    /// template instantiated as client-0; returns its exit status and output.
    static func verify(editing edit: (String) -> String = { $0 }) throws -> (Int32, String)? {
        let tool = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (source, target) in [("lethe-coordinator.service", "lethe-coordinator.service"),
                                 ("lethe-client@.service", "lethe-client@client-0.service")] {
            let text = try String(contentsOf: units.appendingPathComponent(source), encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/lethe", with: SimulateTests.executable.path)
            let url = folder.appendingPathComponent(target)
            try edit(text).write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["verify"] + paths
        let pipe = Pipe()
        (process.standardOutput, process.standardError) = (pipe, pipe)
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func theUnitsVerifyCleanly() throws {
        guard let (status, output) = try Self.verify() else { print("skipped: systemd-analyze is not installed"); return }
        #expect(status == 0 && output.isEmpty, "\(output)")
    }

    /// The check can fail: a misspelt hardening key is reported.
    @Test func aMisspeltKeyIsReported() throws {
        guard let (_, output) = try Self.verify(editing: {
            $0.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystm=strict")
        }) else { print("skipped: systemd-analyze is not installed"); return }
        #expect(output.contains("Unknown key 'ProtectSystm'"), "\(output)")
    }
}
