import Foundation

/// The JSON form used in results files (ARCHITECTURE.md, "Command-line contract"):
/// `{"kind": "random", "fraction": 0.1}`, `{"kind": "class", "class": 3}` or
/// `{"kind": "ids", "source": "forget.txt", "ids": [12, 7]}`.
///
/// The ids travel with the file name so a results file names its forget set even after the id file has changed.
extension ForgetSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, fraction, `class`, source, ids
    }

    /// Decodes the JSON form, applying the same checks as `init(parsing:)` except the class range (which depends on
    /// the data set and is checked again by `select(in:rng:)`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "random":
            let fraction = try container.decode(Double.self, forKey: .fraction)
            guard fraction > 0 && fraction < 1 else { throw ForgetSpecError.fractionOutOfRange(fraction) }
            self = .random(fraction: fraction)
        case "class":
            self = .wholeClass(try container.decode(Int.self, forKey: .class))
        case "ids":
            self = .ids(try container.decode([Int].self, forKey: .ids),
                        source: try container.decode(String.self, forKey: .source))
        default:
            throw ForgetSpecError.unknownKind(spec: kind)
        }
    }

    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .random(fraction):
            try container.encode("random", forKey: .kind)
            try container.encode(fraction, forKey: .fraction)
        case let .wholeClass(label):
            try container.encode("class", forKey: .kind)
            try container.encode(label, forKey: .class)
        case let .ids(ids, source):
            try container.encode("ids", forKey: .kind)
            try container.encode(source, forKey: .source)
            try container.encode(ids, forKey: .ids)
        }
    }
}
