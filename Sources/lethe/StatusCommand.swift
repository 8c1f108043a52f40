import ArgumentParser
import Foundation
import LetheLedger

/// `lethe status`: the deletion requests and unlearning jobs recorded in a ledger, read from the file on the
/// coordinator's host (`--ledger`) or from the running coordinator over its socket (`--connect`, from any host whose
/// key is on its allow-list).
///
/// The file read is safe while the coordinator runs: the ledger is in WAL mode, so this reads one consistent snapshot
/// without blocking the coordinator's writes. It never creates a ledger: a wrong path is reported, not silently made
/// empty. Over the socket the coordinator reads the same snapshot and adds what only it knows (activity, sessions).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List the deletion requests and unlearning jobs of a ledger, or of a running coordinator.")

    @Option(help: "The ledger file (the coordinator's --ledger), read on its host.") var ledger: String?
    @Option(name: [.customLong("connect"), .customLong("coordinator")],
            help: "A running coordinator's endpoint, e.g. tcp://10.0.0.1:5555 (instead of --ledger).")
    var connect: String?
    @OptionGroup(title: "CURVE (a coordinator started with --curve-secret-key-file)") var curve: CurveClientOptions
    @Option(help: ArgumentHelp("JSON file of this command's options (an operator kit's lethe.json).",
                               discussion: "Read before the command line, whose flags override it; relative paths in "
                                   + "it are taken from the file's folder."))
    var config: String?
    @Option(help: "Seconds to wait for the coordinator's answer with --connect.") var timeout = 10.0
    @Option(help: "Write the requests and jobs as JSON to this path.") var json: String?

    func validate() throws {
        guard (ledger == nil) != (connect == nil) else {
            throw ValidationError("give exactly one of --ledger PATH (on the coordinator's host) or --connect ADDR")
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number") }
    }

    func run() throws {
        let status: LedgerStatus
        if let connect {
            status = try queryStatus(at: connect, curve: try curve.configuration(), timeout: timeout)
        } else {
            status = try Ledger(path: ledger!, mode: .existingOnly).status()
        }
        print(status.table())
        if let json {
            let url = URL(fileURLWithPath: json)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try status.json().write(to: url, options: .atomic)
        }
    }
}
