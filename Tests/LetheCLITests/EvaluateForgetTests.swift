import Foundation
import Testing

/// `lethe evaluate --forget`: the unlearning metrics of any saved model, with the MIA attack's own accuracy.
@Suite struct EvaluateForgetTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-evaluate-\(UUID().uuidString)")

    @Test func aSavedModelIsAuditedAgainstAForgetSet() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let model = scratch.appendingPathComponent("model.safetensors").path
        let trained = try LetheProcess.run(["train", "--epochs", "1", "--subset", "600", "--test-subset", "100",
                                            "--output", model])
        #expect(trained.status == 0, "\(trained.output)")
        let ids = scratch.appendingPathComponent("ids.txt")
        try Data("3\n17\n# a comment\n42\n1000\n".utf8).write(to: ids)
        let json = scratch.appendingPathComponent("audit.json")
        let audit = try LetheProcess.run(["evaluate", "--model", model, "--test-subset", "300",
                                          "--forget", "ids:\(ids.path)", "--json", json.path])
        #expect(audit.status == 0, "\(audit.output)")
        #expect(audit.output.contains("forget ids:\(ids.path) (4 images): UA "), "\(audit.output)")
        #expect(audit.output.contains("MIA attack accuracy on its members vs non-members (chance 50 %): "))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let unlearning = try #require(object["unlearning"] as? [String: Double])
        // Four forget images: UA and MIA are multiples of 25; TA is the overall test accuracy (random ids).
        #expect([0, 25, 50, 75, 100].contains(unlearning["ua"]!), "\(unlearning)")
        #expect([0, 25, 50, 75, 100].contains(unlearning["mia"]!), "\(unlearning)")
        #expect(unlearning["ta"] == object["test_accuracy"] as? Double)
        #expect((0...100).contains(unlearning["mia_attack_accuracy"]!), "\(unlearning)")
    }

    @Test func aBadForgetSetIsRefusedWithTheReason() throws {
        let result = try LetheProcess.run(["evaluate", "--model", "/nonexistent.safetensors",
                                           "--forget", "ids:/nonexistent/ids.txt"])
        #expect(result.status != 0)
        #expect(result.output.contains("/nonexistent/ids.txt"), "the id file, checked before the model: \(result.output)")
    }
}
