import Foundation
import Logging
import Testing
@testable import lethe

/// `--log-format json`: one JSON object per event, on one line whatever the message holds.
@Suite struct NodeLogTests {
    @Test func aJSONEventIsOneLineWithItsFieldsAndAnEscapedMessage() throws {
        let time = Date(timeIntervalSince1970: 1_796_000_000.25)
        let message = "refused Hello from \"x\"\n[lethe] coordinator: forged line\t\u{1B}[31m"
        let line = LineLogHandler.json(time: time, level: .warning, node: "client-0", message: message,
                                       metadata: ["peer": "p-1"])
        #expect(!line.contains("\n"), "an event must stay one line: \(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == message, "the message round-trips exactly")
        #expect(object["node"] == "client-0" && object["level"] == "warning" && object["peer"] == "p-1")
        #expect(object["time"] == "2026-11-30T00:53:20.250Z", "\(object["time"] ?? "none")")
        #expect(Set(object.keys) == ["time", "level", "node", "message", "peer"])
    }

    @Test func theFixedFieldsWinOverMetadataOfTheSameName() throws {
        let line = LineLogHandler.json(time: Date(timeIntervalSince1970: 0), level: .info, node: "coordinator",
                                       message: "m", metadata: ["node": "forged", "level": "forged"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["node"] == "coordinator" && object["level"] == "info")
    }

    @Test func logFormatAndStatusSourcesAreChecked() throws {
        #expect(throws: (any Error).self) { try CoordinatorCommand.parse(["--log-format", "xml"]) }
        #expect(try ClientCommand.parse(["--connect", "tcp://h:1", "--id", "c", "--log-format", "json"]).logFormat == .json)
        #expect(throws: (any Error).self) { try StatusCommand.parse([]) }
        #expect(throws: (any Error).self) { try StatusCommand.parse(["--ledger", "l", "--connect", "tcp://h:1"]) }
        #expect(try StatusCommand.parse(["--coordinator", "tcp://h:1"]).connect == "tcp://h:1")
        #expect(throws: (any Error).self) { try StatusCommand.parse(["--connect", "tcp://h:1", "--timeout", "0"]) }
    }
}
