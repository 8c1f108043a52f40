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
                                          "--forget", "ids:\(ids.path)", "--canary", "target:0", "--json", json.path])
        #expect(audit.status == 0, "\(audit.output)")
        #expect(audit.output.contains("forget ids:\(ids.path) (4 images): UA "), "\(audit.output)")
        #expect(audit.output.contains("MIA attack accuracy on its members vs non-members (chance 50 %): "))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let fields = try #require(object["unlearning"] as? [String: Any])
        let unlearning = fields.compactMapValues { $0 as? Double }
        // Four forget images: UA and MIA are multiples of 25; TA is the overall test accuracy (random ids).
        #expect([0, 25, 50, 75, 100].contains(unlearning["ua"]!), "\(unlearning)")
        #expect([0, 25, 50, 75, 100].contains(unlearning["mia"]!), "\(unlearning)")
        #expect(unlearning["ta"] == object["test_accuracy"] as? Double)
        #expect((0...100).contains(unlearning["mia_attack_accuracy"]!), "\(unlearning)")
        // The per-sample attack: 4 members against class-matched held-out images, the same multiple of each class.
        let membership = try #require(fields["membership"] as? [String: Any])
        #expect(membership["member_count"] as? Int == 4)
        #expect((0...1).contains(membership["auc"] as! Double))
        #expect(audit.output.contains("membership attack on the forget set vs held-out images of its classes (4 vs "))
        // The canary's ASR over the 300 test images minus those of the target class.
        let asr = try #require(object["asr"] as? Double)
        #expect((0...100).contains(asr))
        #expect(audit.output.contains("canary target:0: ASR "), "\(audit.output)")
    }

    @Test func aBadCanaryIsRefusedBeforeAnyWork() throws {
        let outOfRange = try LetheProcess.run(["evaluate", "--model", "/nonexistent.safetensors", "--canary", "target:12"])
        #expect(outOfRange.status != 0)
        #expect(outOfRange.output.contains("Canary target 12 does not exist; classes run from 0 to 9"), "\(outOfRange.output)")
        let onClass = try LetheProcess.run(["unlearn", "--forget", "class:3", "--canary", "target:0"])
        #expect(onClass.status != 0)
        #expect(onClass.output.contains("A canary means nothing on a class deletion"), "\(onClass.output)")
        let simulate = try LetheProcess.run(["simulate", "--scenario", "class:3", "--canary", "target:0"])
        #expect(simulate.status != 0)
        #expect(simulate.output.contains("A canary means nothing on a class deletion"), "\(simulate.output)")
        let client = try LetheProcess.run(["client", "--connect", "tcp://127.0.0.1:1", "--id", "c", "--canary", "target:1"])
        #expect(client.status != 0)
        #expect(client.output.contains("--canary needs --canary-ids FILE"), "\(client.output)")
    }

    @Test func aBadOrMeaninglessReasonIsRefusedBeforeAnyWork() throws {
        let cases: [([String], String)] = [
            (["simulate", "--reason", "spite"], "--reason must be privacy or poisoned; got 'spite'"),
            (["simulate", "--scenario", "class:3", "--reason", "poisoned"], "not to a class deletion"),
            (["unlearn", "--forget", "class:3", "--reason", "poisoned"], "not to class:LABEL"),
            (["forget", "--client", "c", "--class", "3", "--reason", "poisoned"], "not to a class deletion"),
            (["forget", "--client", "c", "--all", "--reason", "maybe"], "--reason must be privacy or poisoned"),
        ]
        for (arguments, needle) in cases {
            let result = try LetheProcess.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.output.contains(needle), "\(arguments): \(result.output)")
        }
    }

    @Test func aBadForgetSetIsRefusedWithTheReason() throws {
        let result = try LetheProcess.run(["evaluate", "--model", "/nonexistent.safetensors",
                                           "--forget", "ids:/nonexistent/ids.txt"])
        #expect(result.status != 0)
        #expect(result.output.contains("/nonexistent/ids.txt"), "the id file, checked before the model: \(result.output)")
    }
}
