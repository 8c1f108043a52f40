import Foundation
import Testing

/// Runs the built `lethe` executable, as a user would, and checks that bad input ends in a clear message and a
/// non-zero exit with nothing written half-way (issue 7 "Bad input", issue 2 error cases).
struct LetheProcess {
    /// `lethe` sits next to the test bundle in the build folder.
    static var executable: URL {
        let bundleFolder = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [bundleFolder.appendingPathComponent("lethe"),
                          Bundle.main.bundleURL.appendingPathComponent("lethe")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite struct CLIErrorTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-cli-\(UUID().uuidString)")

    func expectFailure(_ arguments: [String], mentions needle: String, environment: [String: String] = [:]) throws {
        let result = try LetheProcess.run(arguments, environment: environment)
        #expect(result.status != 0, "\(arguments) should fail; output: \(result.output)")
        #expect(result.output.contains(needle), "\(arguments): expected '\(needle)' in: \(result.output)")
    }

    @Test func unlearnRejectsBadInputBeforeDoingWork() throws {
        let json = scratch.appendingPathComponent("out.json").path
        try expectFailure(["unlearn", "--method", "magic", "--json", json], mentions: "unknown method 'magic'")
        try expectFailure(["unlearn", "--forget", "class:12", "--json", json], mentions: "Class 12 does not exist")
        try expectFailure(["unlearn", "--forget", "random:1.5", "--json", json], mentions: "1.5")
        try expectFailure(["unlearn", "--forget", "everything", "--json", json], mentions: "everything")
        try expectFailure(["unlearn", "--seeds", "1,x", "--json", json], mentions: "--seeds")
        #expect(!FileManager.default.fileExists(atPath: json), "nothing may be written half-way")
    }

    @Test func pretrainRejectsBadInputBeforeDoingWork() throws {
        let json = scratch.appendingPathComponent("pretrain.json").path
        try expectFailure(["pretrain", "--objective", "byol", "--json", json], mentions: "byol")
        try expectFailure(["pretrain", "--json", json], mentions: "--objective")
        try expectFailure(["pretrain", "--objective", "simclr", "--batch-size", "1", "--json", json],
                          mentions: "--batch-size at least 2")
        try expectFailure(["pretrain", "--objective", "simclr", "--temperature", "0", "--json", json],
                          mentions: "--temperature")
        #expect(!FileManager.default.fileExists(atPath: json), "nothing may be written half-way")
    }

    /// An encoder has no classifier: `evaluate` refuses the classifier audits on it before any work.
    @Test func anEncoderIsNotReadAsAClassifier() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let encoder = scratch.appendingPathComponent("encoder.safetensors").path
        let made = try LetheProcess.run(["pretrain", "--objective", "simclr", "--subset", "32", "--epochs", "1",
                                         "--batch-size", "16", "--test-subset", "20", "--output", encoder])
        try #require(made.status == 0, "\(made.output)")
        let json = scratch.appendingPathComponent("evaluate.json").path
        try expectFailure(["evaluate", "--model", encoder, "--forget", "random:0.1", "--json", json],
                          mentions: "is a simclr encoder")
        try expectFailure(["evaluate", "--model", encoder, "--canary", "target:0", "--json", json],
                          mentions: "is a simclr encoder")
        #expect(!FileManager.default.fileExists(atPath: json), "nothing may be written half-way")
    }

    @Test func malformedConfigurationFilesAreRefused() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let config = scratch.appendingPathComponent("grid.json")
        try Data("{ not json".utf8).write(to: config)
        try expectFailure(["unlearn", "--config", config.path], mentions: "not a JSON object")
        try Data(#"{"wss-cl": {"stage2": {"epoks": 3}}}"#.utf8).write(to: config)
        try expectFailure(["unlearn", "--config", config.path], mentions: "unknown key 'stage2.epoks'")
        try Data(#"{"wss-cl": {"stage2": {"epochs": "three"}}}"#.utf8).write(to: config)
        try expectFailure(["unlearn", "--config", config.path], mentions: "stage2.epochs")
        try Data(#"{"dance": {}}"#.utf8).write(to: config)
        try expectFailure(["unlearn", "--config", config.path], mentions: "unknown method 'dance'")
    }

    @Test func modelFilesOfAnotherShapeAreRefused() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let model = scratch.appendingPathComponent("not-a-model.safetensors")
        try Data("this is not a checkpoint at all".utf8).write(to: model)
        try expectFailure(["evaluate", "--model", model.path], mentions: "not valid safetensors")
        try expectFailure(["unlearn", "--model", model.path], mentions: "not valid safetensors")
        try expectFailure(["evaluate", "--model", scratch.appendingPathComponent("absent").path], mentions: "no such file")
    }

    @Test func missingDataNamesTheFixes() throws {
        try expectFailure(["train", "--epochs", "1", "--data-dir", "/nonexistent/lethe-data"], mentions: "LETHE_DATA")
        try expectFailure(["evaluate", "--model", "x", "--data-dir", "/nonexistent"], mentions: "no such file")
    }

    @Test func coordinatorRefusesAnEpsilonOutsideTheMechanismsRange() throws {
        try expectFailure(["coordinator", "--epsilon", "0", "--ledger", "memory"], mentions: "--epsilon must be in (0, 100]")
        try expectFailure(["coordinator", "--epsilon", "500", "--ledger", "memory"], mentions: "--epsilon must be in (0, 100]")
        let help = try LetheProcess.run(["coordinator", "--help"])
        #expect(help.status == 0 && help.output.contains("analytic Gaussian mechanism"), "\(help.output)")
    }

    @Test func aFractionFitOrLinkTimeOutsideItsRangeIsRefused() throws {
        for bad in ["0", "1.5", "-1"] {  // "=" so that ArgumentParser takes "-1" as the value, not as a flag
            try expectFailure(["coordinator", "--fraction-fit=\(bad)", "--ledger", "memory"], mentions: "--fraction-fit must be in (0, 1]")
            try expectFailure(["simulate", "--fraction-fit=\(bad)"], mentions: "--fraction-fit must be in (0, 1]")
        }
        try expectFailure(["coordinator", "--timeout-factor", "0.5", "--ledger", "memory"],
                          mentions: "--timeout-factor must be between 1 and 1000")
        for bad in ["0", "10001"] {
            try expectFailure(["simulate", "--virtual-clients", bad], mentions: "--virtual-clients must be in 1…10,000")
        }
        try expectFailure(["coordinator", "--zmtp-heartbeat-timeout", "0.5", "--ledger", "memory"],
                          mentions: "--zmtp-heartbeat-timeout must be between 1 and 3600 seconds")
        try expectFailure(["client", "--connect", "tcp://127.0.0.1:1", "--id", "c", "--zmtp-heartbeat-timeout", "9999"],
                          mentions: "--zmtp-heartbeat-timeout must be between 1 and 3600 seconds")
        try expectFailure(["coordinator", "--client-dead-after", "0", "--ledger", "memory"],
                          mentions: "--client-dead-after must be between 1 and 3600 seconds")
    }

    /// `--initial-model` is checked against cnn-small before the coordinator binds or writes anything.
    @Test func coordinatorRefusesAnInitialModelThatIsNotCnnSmall() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let model = scratch.appendingPathComponent("not-a-model.safetensors")
        try Data("this is not a checkpoint at all".utf8).write(to: model)
        let output = scratch.appendingPathComponent("coordinator")
        try expectFailure(["coordinator", "--initial-model", model.path, "--output", output.path, "--ledger", "memory"],
                          mentions: "--initial-model: checkpoint \(model.path) is not valid safetensors")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        try expectFailure(["coordinator", "--comparisons", "skip:0"], mentions: "is not retrain:N, ft:N, skip:N or retrain-again:N")
        let help = try LetheProcess.run(["simulate", "--help"])
        #expect(help.output.contains("--cache-dir") && help.output.contains("--skip-ft"), "\(help.output)")
    }

    /// The client work limits are one option group of `client` and `simulate`: both refuse a negative limit and
    /// document every option.
    @Test func clientWorkLimitsAreCheckedAndDocumentedInBothCommands() throws {
        for command in ["client", "simulate"] {
            let required = command == "client" ? ["--connect", "tcp://127.0.0.1:1", "--id", "c"] : []
            try expectFailure([command, "--verification-test-limit=-1"] + required, mentions: "must be ≥ 0")
            let help = try LetheProcess.run([command, "--help"])
            for option in ["--verification-retain-limit", "--verification-test-limit", "--statistics-retain-limit",
                           "--saliency-forget-limit"] {
                #expect(help.output.contains(option), "\(command) --help lacks \(option)")
            }
        }
    }

    @Test func wssclOverridesFileIsCheckedInBothCommands() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("wsscl.json")
        for command in ["client", "simulate"] {
            let required = command == "client" ? ["--connect", "tcp://127.0.0.1:1", "--id", "c"] : []
            try expectFailure([command, "--wsscl-config", scratch.appendingPathComponent("absent.json").path] + required,
                              mentions: "cannot read --wsscl-config")
            try Data(#"{"samples": {"stage1": {"epochs": 3}}}"#.utf8).write(to: file)
            try expectFailure([command, "--wsscl-config", file.path] + required,
                              mentions: "samples.stage1.epochs comes from the coordinator")
            try Data(#"{"samples": {"stage1": {"temprature": 0.8}}}"#.utf8).write(to: file)
            try expectFailure([command, "--wsscl-config", file.path] + required, mentions: "unknown key 'stage1.temprature'")
            #expect(try LetheProcess.run([command, "--help"]).output.contains("--wsscl-config"))
        }
    }

    @Test func helpDocumentsEveryCommand() throws {
        for command in ["train", "evaluate", "unlearn", "bench engine", "bench wire"] {
            let result = try LetheProcess.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(result.status == 0 && result.output.contains("USAGE: lethe \(command)"), "\(command): \(result.output)")
        }
    }
}
