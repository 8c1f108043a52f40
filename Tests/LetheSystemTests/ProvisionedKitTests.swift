import Foundation
import Testing
@testable import lethe

/// Kits from `lethe provision` run a federation as they are: a coordinator and two clients started with nothing but
/// `--config KIT/lethe.json` (CURVE on), a deletion submitted from the operator's kit, the job finished and
/// certified, its status read over the coordinator's socket from the operator's kit, the coordinator's log one JSON
/// object per line; a peer with a key of its own, not provisioned, gets no deletion and no status through.
@Suite struct ProvisionedKitTests {
    @Test(.timeLimit(.minutes(2)))
    func provisionedKitsRunACurveFederationEndToEnd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-kits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let project = """
            {"coordinator": {"bind": "tcp://127.0.0.1:\(port)",
                             "options": {"rounds": 1, "local-epochs": 1, "output": "state", "log-format": "json"}},
             "clients": [{"id": "client-0", "options": {"index": 0}}, {"id": "client-1", "options": {"index": 1}}],
             "clientOptions": {"clients": 2, "limit": 150, "test-limit": 100}}
            """
        let projectFile = folder.appendingPathComponent("project.json")
        try project.write(to: projectFile, atomically: true, encoding: .utf8)
        let kits = folder.appendingPathComponent("kits")
        let provisioned = try SimulateTests.lethe(["provision", projectFile.path, "--output", kits.path])
        try #require(provisioned.status == 0, "\(provisioned.output)")

        let coordinator = try Self.start(["coordinator", "--config", kits.appendingPathComponent("coordinator/lethe.json").path],
                                         log: folder.appendingPathComponent("coordinator.log"))
        let clients = try (0..<2).map { index in
            try Self.start(["client", "--config", kits.appendingPathComponent("client-\(index)/lethe.json").path],
                           log: folder.appendingPathComponent("client-\(index).log"))
        }
        defer { for process in clients + [coordinator] where process.isRunning { process.terminate() } }
        // The share the kit's client-0 computes (seed 1, 2 clients, 150 + 100 images): two of its ids.
        var settings = HarnessCluster.Settings()
        (settings.clients, settings.limit, settings.testLimit) = (2, 150, 100)
        let held = try HarnessCluster(folder: folder.appendingPathComponent("share"), settings: settings).trainIDs(ofClient: 0)
        let ids = folder.appendingPathComponent("ids.txt")
        try (held.prefix(2).map(String.init).joined(separator: "\n") + "\n").write(to: ids, atomically: true, encoding: .utf8)

        // A stranger's own key pair (not on the allow-list) is dropped in the CURVE handshake: nothing is acknowledged.
        let stranger = folder.appendingPathComponent("stranger")
        try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
        let strangerProject = folder.appendingPathComponent("stranger.json")
        try project.write(to: strangerProject, atomically: true, encoding: .utf8)
        _ = try SimulateTests.lethe(["provision", strangerProject.path, "--output", stranger.path])
        let refused = try SimulateTests.lethe(["forget", "--config", kits.appendingPathComponent("operator/lethe.json").path,
                                               "--public-key-file", stranger.appendingPathComponent("operator/curve.public").path,
                                               "--secret-key-file", stranger.appendingPathComponent("operator/curve.secret").path,
                                               "--client", "client-0", "--ids", ids.path, "--timeout", "3"])
        #expect(refused.status != 0, "\(refused.output)")
        let refusedStatus = try SimulateTests.lethe(["status", "--config", kits.appendingPathComponent("operator/lethe.json").path,
                                                     "--public-key-file", stranger.appendingPathComponent("operator/curve.public").path,
                                                     "--secret-key-file", stranger.appendingPathComponent("operator/curve.secret").path,
                                                     "--timeout", "3"])
        #expect(refusedStatus.status != 0 && refusedStatus.output.contains("allow-list"), "\(refusedStatus.output)")

        let forget = try SimulateTests.lethe(["forget", "--config", kits.appendingPathComponent("operator/lethe.json").path,
                                              "--client", "client-0", "--ids", ids.path, "--request-id", "kit-1",
                                              "--timeout", "60", "--wait", "--wait-timeout", "90"])
        #expect(forget.status == 0, "\(forget.output)")
        let status = try SimulateTests.lethe(["status", "--config", kits.appendingPathComponent("operator/lethe.json").path])
        #expect(status.status == 0, "\(status.output)")
        for expected in ["kit-1", "done", "published", "2 client(s) connected (client-0, client-1)", "certificate:"] {
            #expect(status.output.contains(expected), "status over the socket lacks \(expected): \(status.output)")
        }
        coordinator.terminate()  // SIGTERM: stops between steps
        coordinator.waitUntilExit()
        #expect(coordinator.terminationStatus == 0)
        let state = kits.appendingPathComponent("coordinator/state")
        let verified = try SimulateTests.lethe(["certificate", "verify", state.appendingPathComponent("certificates/kit-1.json").path,
                                                "--public-key", kits.appendingPathComponent("operator/signing-key.pub.pem").path,
                                                "--ids", ids.path])
        #expect(verified.status == 0, "\(verified.output)")
        // --log-format json from the kit: every line one object with the event's fields.
        let log = try String(contentsOf: folder.appendingPathComponent("coordinator.log"), encoding: .utf8)
        let events = try log.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not JSON: \(line)")
        }
        #expect(events.allSatisfy { $0["node"] == "coordinator" && $0["level"] != nil && $0["time"] != nil })
        #expect(events.contains { $0["message"]?.contains("CURVE on") == true }, "\(log.suffix(2000))")
        #expect(events.contains { $0["message"]?.contains("signal") == true }, "the SIGTERM is an event too")
    }

    static func start(_ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = SimulateTests.executable
        process.arguments = arguments
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
