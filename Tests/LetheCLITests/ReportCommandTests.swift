import Foundation
import Testing

/// `lethe report` as a user runs it: a file of another schema version, an unversioned, missing, truncated or
/// `train` file is refused with a message naming what was found and what it reads, and nothing is written.
@Suite struct ReportCommandTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-report-\(UUID().uuidString)")

    func file(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    let minimal = """
        {"schema": "lethe-results/1", "command": "unlearn", "dataset": "fashion-mnist", "model": "cnn-small",
         "forget": {"kind": "random", "fraction": 0.1, "count": 30}, "clients": 1, "seed": 1, "seeds": [1],
         "results": [{"method": "original", "ua": 3, "ra": 97, "ta": 90, "mia": 5, "seconds": 4, "avg_gap": 2.5},
                     {"method": "retrain", "ua": 9, "ra": 96, "ta": 89, "mia": 12, "seconds": 4, "rte": 1}]}
        """

    func expectRefusal(_ path: String, mentions needles: [String]) throws {
        let html = scratch.appendingPathComponent("out.html")
        let result = try LetheProcess.run(["report", path, "-o", html.path])
        #expect(result.status != 0, "lethe report \(path) should fail: \(result.output)")
        for needle in needles { #expect(result.output.contains(needle), "expected '\(needle)' in: \(result.output)") }
        #expect(!FileManager.default.fileExists(atPath: html.path), "a refused file must not leave a page")
    }

    @Test func aFileOfAnotherVersionIsRefusedNamingBoth() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = try file("v2.json", minimal.replacingOccurrences(of: "lethe-results/1", with: "lethe-results/2"))
        try expectRefusal(path, mentions: ["schema \"lethe-results/2\"", "this lethe reads lethe-results/1"])
    }

    @Test func unversionedMissingTruncatedAndTrainFilesAreRefused() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        try expectRefusal(try file("old.json", #"{"dataset": "fashion-mnist", "results": []}"#),
                          mentions: ["has no \"schema\" field", "lethe-results/1"])
        try expectRefusal(scratch.appendingPathComponent("absent.json").path, mentions: ["No results file at"])
        try expectRefusal(try file("cut.json", String(minimal.prefix(120))), mentions: ["is not valid JSON", "truncated"])
        try expectRefusal(try file("train.json", #"{"schema": "lethe-results/1", "command": "train"}"#),
                          mentions: ["`lethe train` results", "lethe unlearn"])
    }

    @Test func aValidFileBecomesOnePageWithoutExternalResources() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let html = scratch.appendingPathComponent("sub/report.html")
        let result = try LetheProcess.run(["report", try file("ok.json", minimal), "-o", html.path])
        try #require(result.status == 0, "\(result.output)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("id=\"chart-ua\""))
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("src="))
    }
}
