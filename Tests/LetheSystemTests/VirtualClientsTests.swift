import Foundation
import LetheCoordinator
import LetheReport
import Testing

/// `lethe simulate --virtual-clients`: the same federation in one process over the in-process transport.
@Suite struct VirtualClientsTests {
    /// "model v3 (4eb471554f8b) → v5 (ea2d68c386e3)": the certificate's original and unlearned weights digests.
    static func certifiedModels(in output: String) -> String? {
        output.split(separator: "\n").first { $0.contains("model v") && $0.contains("→") && $0.contains("by wss-cl") }
            .map { String($0.prefix(while: { $0 != "b" }).trimmingCharacters(in: .whitespaces)) }
    }

    /// Virtual clients and client processes give the same original and the same unlearned model for one seed
    /// (sampled rounds included), and the virtual run's census holds no raw sample either.
    @Test(.timeLimit(.minutes(4)))
    func virtualAndProcessClientsGiveTheSameModels() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-virtual-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["simulate", "--train-per-client", "200", "--test-subset", "150", "--rounds", "2",
                      "--local-epochs", "1", "--fraction-fit", "0.6", "--skip-ft"]
        let processes = try SimulateTests.lethe(common + ["--clients", "3", "--run-dir", folder.appendingPathComponent("p").path])
        try #require(processes.status == 0, "process run failed:\n\(processes.output)")
        let json = folder.appendingPathComponent("virtual.json")
        let virtual = try SimulateTests.lethe(common + ["--virtual-clients", "3", "--json", json.path,
                                                        "--run-dir", folder.appendingPathComponent("v").path])
        try #require(virtual.status == 0, "virtual run failed:\n\(virtual.output)")
        let expected = try #require(Self.certifiedModels(in: processes.output), "\(processes.output)")
        #expect(Self.certifiedModels(in: virtual.output) == expected, "\(virtual.output)")
        #expect(virtual.output.contains("asked 2 of 3 client(s)"), "rounds were not sampled:\n\(virtual.output)")
        #expect(virtual.output.contains("3 virtual client(s)"), "\(virtual.output)")

        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect((document["simulation"] as? [String: Any])?["transport"] as? String == "in-process")
        let census = try JSONDecoder().decode(
            WireCensus.self, from: Data(contentsOf: folder.appendingPathComponent("v/coordinator/wire-census.json")))
        let kinds = Set(census.kinds.keys.map { String($0.split(separator: ".", maxSplits: 1)[1]) })
        #expect(kinds.isSubset(of: SimulateTests.allowedKinds), "unexpected kinds: \(kinds)")
        // Every client's lines are in one log, each with its id.
        let clientLog = try String(contentsOf: folder.appendingPathComponent("v/clients.log"), encoding: .utf8)
        #expect(clientLog.contains("[client-2] welcomed"), "\(clientLog.prefix(400))")
        try CertificateChecks.run(runFolder: folder.appendingPathComponent("v"))
    }
}
