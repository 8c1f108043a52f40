import Foundation
@testable import LetheReport
import Testing

/// Reading a results file for a report: the version is checked first, and every kind of bad file gets its own
/// message naming the file and what to do.
@Suite struct ResultsFileTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-resultsfile-\(UUID().uuidString)")

    func write(_ text: String, _ name: String = "run.json") throws -> String {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func error(reading path: String) -> ReportError? {
        do { _ = try ResultsFile.read(path: path); return nil } catch { return error }
    }

    var valid: String {
        String(decoding: try! RunDocument(results: ReportPageTests.document().results).jsonEncoded(), as: UTF8.self)
    }

    @Test func aDocumentRoundTripsThroughTheReader() throws {
        let document = ReportPageTests.document()
        let read = try ResultsFile.decode(try document.jsonEncoded(), path: "x")
        #expect(read == document)
        #expect(read.results.schema == "lethe-results/1" && read.results.command == "simulate")
    }

    @Test func anotherVersionIsRefusedNamingBothVersions() throws {
        let path = try write(valid.replacingOccurrences(of: "lethe-results/1", with: "lethe-results/2"))
        let refused = try #require(error(reading: path))
        #expect(refused == .unsupportedVersion(path: path, found: "lethe-results/2"))
        #expect(refused.description.contains("\"lethe-results/2\"") && refused.description.contains("reads lethe-results/1"))
    }

    @Test func aFileWithoutAVersionIsRefused() throws {
        let path = try write(#"{"dataset": "fashion-mnist", "results": []}"#)
        #expect(error(reading: path) == .unversioned(path: path))
        #expect(error(reading: path)?.description.contains("no \"schema\" field") == true)
    }

    @Test func missingEmptyTruncatedAndMalformedFilesGetTheirOwnMessages() throws {
        let missing = scratch.appendingPathComponent("nowhere.json").path
        #expect(error(reading: missing) == .fileNotFound(path: missing))
        let empty = try write("", "empty.json")
        #expect(error(reading: empty) == .empty(path: empty))
        let truncated = try write(String(valid.prefix(valid.count / 2)), "truncated.json")
        guard case .malformedJSON(let path, _) = error(reading: truncated) else {
            Issue.record("a truncated file should be malformed JSON: \(String(describing: error(reading: truncated)))")
            return
        }
        #expect(path == truncated)
        #expect(error(reading: truncated)?.description.contains("truncated") == true)
        let array = try write("[1, 2]", "array.json")
        #expect(error(reading: array) == .notAnObject(path: array))
    }

    @Test func trainAndEvaluateFilesAreRefusedAsComparingNoMethods() throws {
        let path = try write(#"{"schema": "lethe-results/1", "command": "train", "model": "cnn-small"}"#)
        #expect(error(reading: path) == .noMethodComparison(path: path, command: "train"))
        let unknown = try write(#"{"schema": "lethe-results/1", "command": "dance"}"#, "unknown.json")
        #expect(error(reading: unknown) == .unknownCommand(path: unknown, found: "dance"))
    }

    @Test func aVersionedFileWithAMissingKeyNamesTheKey() throws {
        let path = try write(valid.replacingOccurrences(of: "\"ua\"", with: "\"UA\""))
        guard case .doesNotMatchSchema(_, let detail) = error(reading: path) else {
            Issue.record("expected doesNotMatchSchema, got \(String(describing: error(reading: path)))")
            return
        }
        #expect(detail.contains("results[0].ua is missing"), "\(detail)")
    }
}

extension RunDocument {
    func jsonEncoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
