import Foundation

/// `--config FILE` for the commands a provisioned kit runs (`lethe coordinator`, `client`, `forget`, `status`):
/// a JSON object of option names (without the dashes) and values, read before the command line is parsed.
///
/// The file's options are placed *before* the command line's, and ArgumentParser keeps the last value of an option
/// given twice, so flags on the command line override the file. Flags take `true` (present) or `false` (absent);
/// relative paths in the options that name files are resolved against the config file's folder, so a kit can be
/// copied anywhere. `lethe unlearn --config` (method overrides) is a different option and is left alone.
enum ConfigFile {
    /// Commands whose `--config` is this file.
    static let commands: Set<String> = ["coordinator", "client", "forget", "status"]
    /// Options whose value is a path.
    static let pathOptions: Set<String> = [
        "output", "ledger", "signing-key", "curve-secret-key-file", "curve-public-key-file", "curve-client-keys",
        "server-public-key", "public-key-file", "secret-key-file", "deletion-journal", "canary-ids", "initial-model",
        "wsscl-config", "data-dir",
    ]

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// `arguments` (without the program name) with a `--config FILE` of one of `commands` replaced by the file's
    /// options; anything else unchanged.
    static func expand(_ arguments: [String]) throws -> [String] {
        guard let command = arguments.first, commands.contains(command),
              let index = arguments.firstIndex(of: "--config") else { return arguments }
        guard index + 1 < arguments.count else { throw Problem(description: "--config needs a FILE") }
        let path = arguments[index + 1]
        let rest = Array(arguments[1..<index]) + Array(arguments[(index + 2)...])
        return [command] + (try options(inFileAt: path)) + rest
    }

    /// The options of the file at `path` as command-line arguments, in key order (deterministic).
    static func options(inFileAt path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "--config \(path): cannot be read")
        }
        let object: [String: Value]
        do { object = try JSONDecoder().decode([String: Value].self, from: data) } catch {
            throw Problem(description: "--config \(path): not a JSON object of option names and strings, numbers "
                + "or booleans")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var arguments: [String] = []
        for key in object.keys.sorted() {
            guard !key.hasPrefix("-"), key != "config" else {
                throw Problem(description: "--config \(path): option \"\(key)\" is written without dashes, and not config")
            }
            switch object[key]! {
            case .flag(let on): if on { arguments.append("--\(key)") }
            case .text(let text): arguments += ["--\(key)", pathOptions.contains(key) && !isInlineKey(key, text)
                                                    ? resolve(text, in: folder) : text]
            case .number(let text): arguments += ["--\(key)", text]
            }
        }
        return arguments
    }

    /// A value of the file: JSONDecoder keeps booleans and numbers apart (Foundation's `NSNumber` does not).
    enum Value: Codable, Equatable {
        case flag(Bool), number(String), text(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .flag(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            case .number(let value):
                if let integer = Int64(value) { try container.encode(integer) } else { try container.encode(Double(value) ?? 0) }
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .flag(value) }
            else if let value = try? container.decode(Int64.self) { self = .number(String(value)) }
            else if let value = try? container.decode(Double.self) { self = .number(String(value)) }
            else { self = .text(try container.decode(String.self)) }
        }
    }

    /// `server-public-key` also takes the 40 Z85 characters themselves.
    static func isInlineKey(_ key: String, _ text: String) -> Bool {
        key == "server-public-key" && text.utf8.count == 40 && !text.contains("/") && !text.contains(".")
    }

    static func resolve(_ path: String, in folder: URL) -> String {
        path.hasPrefix("/") || path.contains("://") ? path : folder.appendingPathComponent(path).standardized.path
    }
}
