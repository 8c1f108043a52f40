import Foundation

/// Reads a results file for a report: the file, then the JSON, then the schema version, then the shape, so each
/// failure gets the message that fits it (`ReportError`).
public enum ResultsFile {
    /// The document at `path`.
    public static func read(path: String) throws(ReportError) -> RunDocument {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data, path: path)
    }

    /// The document in `data`; `path` only names it in errors.
    public static func decode(_ data: Data, path: String) throws(ReportError) -> RunDocument {
        guard !data.allSatisfy({ [0x20, 0x0a, 0x0d, 0x09].contains($0) }) else { throw .empty(path: path) }
        let command = try checkedCommand(in: data, path: path)
        guard command.comparesMethods else { throw .noMethodComparison(path: path, command: command.rawValue) }
        do { return try JSONDecoder().decode(RunDocument.self, from: data) } catch let error as DecodingError {
            throw .doesNotMatchSchema(path: path, detail: describe(error))
        } catch {
            throw .doesNotMatchSchema(path: path, detail: "\(error)")
        }
    }

    /// The `command` of a file whose `schema` is the one this build reads.
    static func checkedCommand(in data: Data, path: String) throws(ReportError) -> ResultsSchema.Command {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw .malformedJSON(path: path, detail: jsonProblem(error))
        }
        guard let top = object as? [String: Any] else { throw .notAnObject(path: path) }
        guard let schema = top["schema"] else { throw .unversioned(path: path) }
        guard let version = schema as? String, version == ResultsSchema.version else {
            throw .unsupportedVersion(path: path, found: (schema as? String) ?? "\(schema)")
        }
        let name = top["command"] as? String ?? "(none)"
        guard let command = ResultsSchema.Command(rawValue: name) else { throw .unknownCommand(path: path, found: name) }
        return command
    }

    /// Foundation's parse error without its boilerplate.
    static func jsonProblem(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        return text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".")))
    }

    /// "key results[2].ua: expected Double, found a string", from a DecodingError.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "key \(path(context, key)) is missing"
        case .typeMismatch(let type, let context): return "\(path(context)) is not a \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) is null, expected a \(type)"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
