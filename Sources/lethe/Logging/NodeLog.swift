import ArgumentParser
import Foundation
import Logging

/// How a long-running node (`lethe coordinator`, `lethe client`) writes its events on standard error: readable
/// lines, or one JSON object per line for a log collector (journald, Loki, Elasticsearch).
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// A node's event log through swift-log: each event is one line, written whole with one `write(2)` so lines of
/// several threads never interleave.
///
/// The nodes themselves take a plain `(String) -> Void` (they must not depend on a logging backend); this is where
/// the CLI turns those strings into `Logger` events with the node's name as metadata. Text lines keep the format
/// operators and scripts already read (`[lethe] coordinator: …`, `[client-0] …`).
struct NodeLog: Sendable {
    let logger: Logger

    /// `node` names the process in JSON (`"node": "client-0"`); `textPrefix` starts each text line.
    init(format: LogFormat, node: String, textPrefix: String) {
        logger = Logger(label: "lethe.\(node)") { _ in LineLogHandler(format: format, node: node, textPrefix: textPrefix) }
    }

    func callAsFunction(_ message: String) { logger.info("\(message)") }
    func error(_ message: String) { logger.error("\(message)") }

    /// For the nodes' `log:` parameters.
    var line: @Sendable (String) -> Void { { [logger] in logger.info("\($0)") } }
}

/// A swift-log handler that writes one line per event to standard error, as text or JSON.
struct LineLogHandler: LogHandler {
    let format: LogFormat
    let node: String
    let textPrefix: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = switch format {
        case .text: textPrefix + event.message.description
        case .json: Self.json(time: Date(), level: event.level, node: node, message: event.message.description,
                              metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `{"time": ISO 8601 UTC with milliseconds, "level", "node", "message", …metadata}`, keys sorted, one line.
    static func json(time: Date, level: Logger.Level, node: String, message: String,
                     metadata: Logger.Metadata) -> String {
        var object: [String: String] = metadata.mapValues(\.description)
        object["time"] = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        object["level"] = level.rawValue
        object["node"] = node
        object["message"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Newlines inside a value are escaped by the encoder, so an event is always exactly one line.
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) }
            ?? #"{"level":"error","message":"unencodable log event"}"#
    }
}
