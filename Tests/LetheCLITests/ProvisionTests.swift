import Foundation
import Testing
@testable import lethe

/// `lethe provision` and `--config`: the kits' files, their modes and trust, re-runs that keep keys, and a kit's
/// configuration read back as command-line options.
@Suite struct ProvisionTests {
    static let projectText = """
        {"coordinator": {"bind": "tcp://0.0.0.0:5555", "address": "tcp://10.0.0.1:5555",
                         "options": {"rounds": 1, "output": "state"}},
         "clients": [{"id": "client-0", "options": {"index": 0}}, {"id": "client-1", "options": {"index": 1}}],
         "clientOptions": {"clients": 2, "limit": 150, "index": 9}}
        """

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-provision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func provision(_ folder: URL, _ text: String = projectText, plaintext: Bool = false) throws -> [String] {
        let path = folder.appendingPathComponent("project.json")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let project = try ProvisionProject.load(path: path.path)
        return try KitWriter(project: project, output: folder.appendingPathComponent("kits"), plaintext: plaintext).write()
    }

    static func mode(_ url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? -1
    }

    @Test func kitsHoldKeysWithTheirModesAndTheCoordinatorTrustsExactlyItsPeers() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.provision(folder)
        let kits = folder.appendingPathComponent("kits")
        for name in ["coordinator", "client-0", "client-1", "operator"] {
            let kit = kits.appendingPathComponent(name)
            #expect(try Self.mode(kit.appendingPathComponent("curve.secret")) == 0o600, "\(name)")
            #expect(try Self.mode(kit.appendingPathComponent("curve.public")) == 0o644, "\(name)")
        }
        #expect(try Self.mode(kits.appendingPathComponent("coordinator/signing-key.pem")) == 0o600)
        let allowed = try String(contentsOf: kits.appendingPathComponent("coordinator/allowed-clients.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let peerKeys = try ["client-0", "client-1", "operator"].map {
            try CurveClientOptions.readKey(kits.appendingPathComponent("\($0)/curve.public").path)
        }
        #expect(allowed == peerKeys)
        let serverKey = try CurveClientOptions.readKey(kits.appendingPathComponent("client-1/coordinator.public").path)
        #expect(serverKey == (try CurveClientOptions.readKey(kits.appendingPathComponent("coordinator/curve.public").path)))
        #expect(!allowed.contains(serverKey))
    }

    @Test func aKitsConfigurationBecomesItsCommandLineWithPathsFromItsFolder() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.provision(folder)
        let kit = folder.appendingPathComponent("kits/client-1").standardized
        let config = kit.appendingPathComponent("lethe.json").path
        let arguments = try ConfigFile.expand(["client", "--config", config, "--limit", "20"])
        #expect(arguments == ["client", "--clients", "2", "--connect", "tcp://10.0.0.1:5555", "--id", "client-1",
                              "--index", "1", "--limit", "150",
                              "--public-key-file", kit.appendingPathComponent("curve.public").path,
                              "--secret-key-file", kit.appendingPathComponent("curve.secret").path,
                              "--server-public-key", kit.appendingPathComponent("coordinator.public").path,
                              "--limit", "20"])
        let parsed = try #require(try Lethe.parseAsRoot(Array(arguments)) as? ClientCommand)
        #expect(parsed.limit == 20 && parsed.index == 1 && parsed.id == "client-1")  // the command line wins
        let coordinator = try ConfigFile.expand(["coordinator", "--config",
                                                 folder.appendingPathComponent("kits/coordinator/lethe.json").path])
        #expect(coordinator.contains("--expected-clients") && coordinator.contains("client-0,client-1"))
        #expect(coordinator.contains(folder.appendingPathComponent("kits/coordinator/state").standardized.path))
        // Other commands' --config is theirs (lethe unlearn --config is a method-override file).
        #expect(try ConfigFile.expand(["unlearn", "--config", "x.json"]) == ["unlearn", "--config", "x.json"])
    }

    @Test func aRerunKeepsEveryKeyAndAHalfPairIsRefused() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.provision(folder)
        let kits = folder.appendingPathComponent("kits")
        let before = try ["coordinator", "client-0"].map {
            try Data(contentsOf: kits.appendingPathComponent("\($0)/curve.secret"))
        }
        let signing = try Data(contentsOf: kits.appendingPathComponent("coordinator/signing-key.pem"))
        let lines = try Self.provision(folder)
        #expect(lines.filter { $0.hasSuffix("kept its CURVE key pair") }.count == 4)
        #expect(try before == ["coordinator", "client-0"].map {
            try Data(contentsOf: kits.appendingPathComponent("\($0)/curve.secret"))
        })
        #expect(try Data(contentsOf: kits.appendingPathComponent("coordinator/signing-key.pem")) == signing)
        try FileManager.default.removeItem(at: kits.appendingPathComponent("client-0/curve.public"))
        #expect(throws: ConfigFile.Problem.self) { try Self.provision(folder) }
    }

    @Test func plaintextKitsCarryNoKeysAndBadProjectsAreExplained() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.provision(folder, plaintext: true)
        let client = folder.appendingPathComponent("kits/client-0")
        #expect(!FileManager.default.fileExists(atPath: client.appendingPathComponent("curve.secret").path))
        let options = try ConfigFile.options(inFileAt: client.appendingPathComponent("lethe.json").path)
        #expect(!options.contains("--server-public-key") && options.contains("--connect"))
        for (text, expected) in [
            (#"{"coordinator": {"bind": "tcp://x:1"}, "clients": []}"#, "no clients"),
            (#"{"coordinator": {"bind": "tcp://x:1"}, "clients": [{"id": "a b"}]}"#, "is not an id"),
            (#"{"coordinator": {"bind": "http://x"}, "clients": [{"id": "a"}]}"#, "is not tcp://"),
            (#"{"coordinator": {"bind": "tcp://x:1"}, "clients": [{"id": "a", "options": {"id": "b"}}]}"#,
             "written by provisioning itself"),
            (#"{"clients": [{"id": "a"}]}"#, "missing \"coordinator\""),
        ] {
            do {
                _ = try Self.provision(folder, text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
