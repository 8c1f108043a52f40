import Foundation

/// A JSON value restricted to what a certificate needs (objects, arrays, strings, integers, booleans, null), and
/// its one canonical byte form, which is what gets signed.
///
/// Why not sign whatever `JSONEncoder` prints: a verifier in another language must be able to rebuild the exact
/// bytes from the parsed file. With no floating-point numbers (figures are decimal strings) the canonical form is
/// what Python's `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` prints: keys sorted
/// by code point, no whitespace, `"` `\` and control characters escaped, everything else as UTF-8. The test suite
/// checks a signature against exactly that, with OpenSSL.
public indirect enum CanonicalJSON: Equatable, Sendable, Decodable {
    case object([String: CanonicalJSON])
    case array([CanonicalJSON])
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null

    /// The canonical bytes (see the type's comment).
    public var bytes: Data { Data(text.utf8) }

    var text: String {
        switch self {
        case .object(let members):
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            return "{" + keys.map { Self.quoted($0) + ":" + members[$0]!.text }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .string(let value): return Self.quoted(value)
        case .integer(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The value of an `Encodable` whose JSON holds no fractional numbers.
    /// - Throws: `CertificateError.malformed` when it does.
    public init(encoding value: some Encodable) throws {
        try self.init(json: try JSONEncoder().encode(value))
    }

    /// Parses JSON text.
    /// - Throws: `CertificateError.malformed` for text that is not JSON or holds a fractional number.
    public init(json data: Data) throws {
        do { self = try JSONDecoder().decode(CanonicalJSON.self, from: data) } catch {
            throw CertificateError.malformed("not valid certificate JSON (\(Self.describe(error)))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "\(error)"
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> CanonicalJSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
}

extension CanonicalJSON {
    /// Booleans only from `true`/`false` and integers only from whole numbers (`JSONDecoder` refuses `1.5` as an
    /// `Int64`), so a fractional number fails to decode instead of being rounded into something else.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .integer(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([CanonicalJSON].self) { self = .array(value); return }
        if let value = try? container.decode([String: CanonicalJSON].self) { self = .object(value); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription:
            "a value that is not a string, whole number, boolean, array or object (certificates hold no fractions)")
    }
}
