import Foundation

/// The one versioned schema of every results file the commands write with `--json` (`docs/results.schema.json`).
///
/// Every file carries `"schema": "lethe-results/1"` and `"command"`, so a reader can refuse a file it does not
/// understand by name instead of misreading it. A change that renames, removes or re-types a key bumps the number;
/// adding an optional key does not.
public enum ResultsSchema {
    /// The version this build writes and `lethe report` reads.
    public static let version = "lethe-results/1"

    /// The commands that write results files, as the `command` field names them.
    public enum Command: String, Codable, CaseIterable, Sendable {
        case train, evaluate, unlearn, simulate, pretrain

        /// Whether the file holds a table of methods against Retrain, which is what `lethe report` draws.
        public var comparesMethods: Bool { self == .unlearn || self == .simulate }
    }
}
