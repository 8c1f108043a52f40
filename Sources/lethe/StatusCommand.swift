import ArgumentParser
import Foundation
import LetheLedger

/// `lethe status`: the deletion requests and unlearning jobs recorded in a ledger.
///
/// Safe while the coordinator runs: the ledger is in WAL mode, so this reads one consistent snapshot without
/// blocking the coordinator's writes. It never creates a ledger: a wrong path is reported, not silently made empty.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List the deletion requests and unlearning jobs recorded in a ledger."
    )

    @Option(help: "The ledger file (the coordinator's --ledger).") var ledger: String
    @Option(help: "Write the requests and jobs as JSON to this path.") var json: String?

    func run() throws {
        let status = try Ledger(path: ledger, mode: .existingOnly).status()
        print(status.table())
        if let json {
            let url = URL(fileURLWithPath: json)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try status.json().write(to: url, options: .atomic)
        }
    }
}
