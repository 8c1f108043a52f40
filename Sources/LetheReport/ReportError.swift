import Foundation

/// Why a results file cannot be reported; each message names the file, what was found and what to do next.
public enum ReportError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    /// Not JSON at all, or cut short (a run killed while writing leaves a truncated file).
    case malformedJSON(path: String, detail: String)
    case notAnObject(path: String)
    /// No `schema` field: not a versioned lethe results file.
    case unversioned(path: String)
    case unsupportedVersion(path: String, found: String)
    case unknownCommand(path: String, found: String)
    /// A `train` or `evaluate` file: it has no methods to compare with Retrain.
    case noMethodComparison(path: String, command: String)
    /// Versioned, but a key is missing or of the wrong type.
    case doesNotMatchSchema(path: String, detail: String)

    public var description: String {
        let reads = "this lethe reads \(ResultsSchema.version) (docs/results.schema.json)"
        switch self {
        case .fileNotFound(let path):
            return "No results file at \(path); write one with `lethe simulate --json \(path)` or `lethe unlearn --json`."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason)."
        case .empty(let path):
            return "\(path) is empty; the run that writes it may have been stopped. Run it again."
        case .malformedJSON(let path, let detail):
            return "\(path) is not valid JSON (\(detail)); a truncated file comes from a run stopped while writing. "
                + "Run the command again."
        case .notAnObject(let path):
            return "\(path) is JSON but not a results object (expected {\"schema\": \"\(ResultsSchema.version)\", …})."
        case .unversioned(let path):
            return "\(path) has no \"schema\" field, so it is not a versioned lethe results file (or it was written "
                + "before results were versioned); \(reads). Run the command again with this lethe."
        case .unsupportedVersion(let path, let found):
            return "\(path) is schema \"\(found)\"; \(reads). Use the lethe that wrote it, or run the command again."
        case .unknownCommand(let path, let found):
            return "\(path) names command \"\(found)\"; results files come from "
                + ResultsSchema.Command.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .noMethodComparison(let path, let command):
            return "\(path) holds `lethe \(command)` results, which compare no methods; lethe report draws the "
                + "results of `lethe unlearn` and `lethe simulate`."
        case .doesNotMatchSchema(let path, let detail):
            return "\(path) says \(ResultsSchema.version) but does not match it: \(detail)."
        }
    }

    public var errorDescription: String? { description }
}
