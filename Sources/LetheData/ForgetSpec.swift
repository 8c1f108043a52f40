import Foundation
import LetheTensor

/// Positions of a data set split into the samples to forget (D_f) and those to retain (D_r).
public struct ForgetSplit: Sendable, Equatable {
    /// Positions to forget, ascending.
    public let forget: [Int]
    /// Every other position, ascending.
    public let retain: [Int]
}

/// Which samples to forget: the three scenarios of ALGORITHMS.md ("Scenarios"), written `random:0.1`, `class:3` or
/// `ids:PATH` on the command line.
///
/// Parsing checks the text (and reads the id file); `select(in:rng:)` checks the result against a data set, because
/// only then is it known whether an id exists or a fraction selects anything.
public enum ForgetSpec: Sendable, Equatable, CustomStringConvertible {
    /// A uniformly random share of the samples: exactly round(fraction · N) of them.
    case random(fraction: Double)
    /// Every sample of one class (class-wise forgetting).
    case wholeClass(Int)
    /// The samples with these ids (ids, not positions: they survive subsetting); `source` is the file they came from.
    case ids([Int], source: String)

    /// Parses `random:F` (0 < F < 1), `class:C` (0 ≤ C < classCount) or `ids:PATH` (reads the file now).
    public init(parsing text: String, classCount: Int = FashionMNIST.classCount) throws {
        guard let colon = text.firstIndex(of: ":") else { throw ForgetSpecError.unknownKind(spec: text) }
        let kind = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        switch kind {
        case "random":
            guard let fraction = Double(value), fraction.isFinite else {
                throw ForgetSpecError.invalidFraction(text: value)
            }
            guard fraction > 0 && fraction < 1 else { throw ForgetSpecError.fractionOutOfRange(fraction) }
            self = .random(fraction: fraction)
        case "class":
            guard let label = Int(value) else { throw ForgetSpecError.invalidClass(text: value) }
            guard label >= 0 && label < classCount else {
                throw ForgetSpecError.classOutOfRange(label: label, classCount: classCount)
            }
            self = .wholeClass(label)
        case "ids":
            self = .ids(try Self.readIDFile(path: value), source: value)
        default:
            throw ForgetSpecError.unknownKind(spec: text)
        }
    }

    /// The command-line form: `random:0.1`, `class:3` or `ids:PATH`.
    public var description: String {
        switch self {
        case let .random(fraction): return "random:\(fraction)"
        case let .wholeClass(label): return "class:\(label)"
        case let .ids(_, source): return "ids:\(source)"
        }
    }

    /// The forget and retain positions in `dataset`. Only `.random` draws from `rng`.
    ///
    /// Fails if the selection is empty or covers the whole set, if the class is outside the data set's classes, or
    /// if an id names no sample.
    public func select(in dataset: ImageDataset, rng: inout SeededGenerator) throws -> ForgetSplit {
        let forget = try positions(in: dataset, rng: &rng)
        guard !forget.isEmpty else { throw ForgetSpecError.emptySelection(spec: description) }
        guard forget.count < dataset.count else { throw ForgetSpecError.selectsEverything(spec: description) }
        return ForgetSplit(forget: forget, retain: ImageDataset.complement(of: forget, in: dataset.count))
    }

    /// The chosen positions, ascending.
    private func positions(in dataset: ImageDataset, rng: inout SeededGenerator) throws -> [Int] {
        switch self {
        case let .random(fraction):
            guard fraction > 0 && fraction < 1 else { throw ForgetSpecError.fractionOutOfRange(fraction) }
            let wanted = Int((fraction * Double(dataset.count)).rounded())
            return rng.permutation(dataset.count).prefix(wanted).sorted()
        case let .wholeClass(label):
            guard label >= 0 && label < dataset.classCount else {
                throw ForgetSpecError.classOutOfRange(label: label, classCount: dataset.classCount)
            }
            return dataset.indices(ofClass: label)
        case let .ids(ids, _):
            let positionOfID = Dictionary(dataset.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            return try ids.map { id in
                guard let position = positionOfID[id] else { throw ForgetSpecError.unknownID(id: id) }
                return position
            }.sorted()
        }
    }

    /// Reads one id per line; `#` starts a comment, blank lines are skipped, duplicates are rejected.
    public static func readIDFile(path: String) throws -> [Int] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ForgetSpecError.unreadableIDFile(path: path, reason: error.localizedDescription)
        }
        return try parseIDList(text, source: path)
    }

    /// Parses the text of an id file; `source` names it in errors.
    public static func parseIDList(_ text: String, source: String) throws -> [Int] {
        var ids = [Int](), firstLine = [Int: Int]()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.prefix { $0 != "#" }.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty { continue }
            guard let id = Int(content), id >= 0 else {
                throw ForgetSpecError.invalidIDLine(path: source, line: offset + 1, text: content)
            }
            if firstLine[id] != nil { throw ForgetSpecError.duplicateID(path: source, id: id, line: offset + 1) }
            firstLine[id] = offset + 1
            ids.append(id)
        }
        return ids
    }
}
