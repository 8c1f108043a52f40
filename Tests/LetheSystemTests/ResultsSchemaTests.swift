import Foundation
import Testing

/// The one results schema (docs/results.schema.json), checked with the real validator (Python's `jsonschema`,
/// Draft 2020-12, through Tests/Reference/validate_results.py) on files the commands write at small sizes. The
/// simulate file is checked in `SimulateTests`, which already runs a tiny simulation.
@Suite struct ResultsSchemaTests {
    /// The repository's root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var schema: URL { repositoryRoot.appendingPathComponent("docs/results.schema.json") }

    /// Runs the validator on `files`: its exit status (0 valid, 1 violations, 2 jsonschema missing) and output.
    static func validate(_ files: [URL]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Reference/validate_results.py").path,
                             schema.path] + files.map(\.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Fails the test with the validator's lines unless every file is valid.
    static func expectValid(_ files: [URL]) throws {
        let (status, output) = try validate(files)
        try #require(status != 2, "the schema check needs Python's jsonschema: \(output)")
        #expect(status == 0, "results files do not match docs/results.schema.json:\n\(output)")
    }

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-schema-\(UUID().uuidString)")

    func lethe(_ arguments: [String]) throws {
        let (status, output) = try SimulateTests.lethe(arguments)
        try #require(status == 0, "lethe \(arguments.joined(separator: " ")) failed:\n\(output)")
    }

    @Test(.timeLimit(.minutes(4)))
    func trainEvaluateAndUnlearnFilesMatchTheSchema() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = { (name: String) in self.scratch.appendingPathComponent(name) }
        try lethe(["train", "--subset", "300", "--epochs", "1", "--test-subset", "100",
                   "--output", file("model.safetensors").path, "--json", file("train.json").path])
        try lethe(["evaluate", "--model", file("model.safetensors").path, "--test-subset", "100",
                   "--json", file("evaluate.json").path])
        try lethe(["evaluate", "--model", file("model.safetensors").path, "--test-subset", "100",
                   "--forget", "random:0.001", "--canary", "target:0", "--json", file("evaluate-forget.json").path])
        try lethe(["unlearn", "--train-subset", "300", "--test-subset", "100", "--epochs", "1", "--method", "ft",
                   "--seeds", "1,2", "--cache-dir", file("cache").path, "--json", file("unlearn.json").path,
                   "--report", file("unlearn.html").path])
        try lethe(["pretrain", "--objective", "simclr", "--subset", "64", "--epochs", "1", "--batch-size", "16",
                   "--test-subset", "50", "--output", file("encoder.safetensors").path, "--json", file("pretrain.json").path])
        try lethe(["evaluate", "--model", file("encoder.safetensors").path, "--test-subset", "50",
                   "--json", file("evaluate-encoder.json").path])
        try Self.expectValid(["train.json", "pretrain.json", "evaluate.json", "evaluate-encoder.json",
                              "evaluate-forget.json", "unlearn.json"].map(file))
        let page = try String(contentsOf: file("unlearn.html"), encoding: .utf8)
        #expect(page.contains("id=\"chart-ua\"") && page.contains("class=\"whisker\""), "two seeds draw whiskers")
    }

    @Test func aFileOfAnotherVersionOrWithAnUnknownKeyFailsTheSchema() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let valid: [String: Any] = [
            "schema": "lethe-results/1", "command": "unlearn", "dataset": "fashion-mnist", "model": "cnn-small",
            "forget": ["kind": "random", "fraction": 0.1, "count": 30], "clients": 1, "seed": 1, "seeds": [1],
            "results": [["method": "retrain", "ua": 10.0, "ra": 90.0, "ta": 88.0, "mia": 12.0, "seconds": 3.0]],
        ]
        func write(_ object: [String: Any], _ name: String) throws -> URL {
            let url = scratch.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: object).write(to: url)
            return url
        }
        try Self.expectValid([try write(valid, "valid.json")])
        var other = valid
        other["schema"] = "lethe-results/2"
        var extra = valid
        extra["surprise"] = true
        for (name, object) in [("other.json", other), ("extra.json", extra)] {
            let (status, output) = try Self.validate([try write(object, name)])
            #expect(status == 1, "\(name) should fail the schema: \(output)")
        }
    }
}
