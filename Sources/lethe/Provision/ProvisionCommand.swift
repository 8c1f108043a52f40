import ArgumentParser
import Foundation

/// `lethe provision`: a project file in, one kit per participant out (`KitWriter`).
struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Write a kit per participant (keys, trusted keys, lethe.json) from a project file.",
        discussion: """
            PROJECT is JSON: {"coordinator": {"bind": "tcp://0.0.0.0:5555", "address": "tcp://10.0.0.1:5555", \
            "options": {…}}, "clients": [{"id": "client-0", "options": {"index": 0}}, …], "clientOptions": {…}, \
            "operators": ["operator"]}; options are the commands' own, without dashes. OUTPUT/coordinator holds its \
            CURVE pair, the allow-list of every client's and operator's public key and its certificate signing key; \
            OUTPUT/<client> and OUTPUT/<operator> hold their own pair and the coordinator's public keys. Each runs \
            with `lethe coordinator|client|forget --config OUTPUT/NAME/lethe.json` (flags given there override the \
            file). Secret keys have mode 0600; a re-run keeps every existing key and rewrites only the \
            configurations and the allow-list. CURVE is on unless --plaintext.
            """)

    @Argument(help: "The project file (JSON).") var project: String
    @Option(help: "Folder for the kits.") var output = "lethe-kits"
    @Flag(help: "Provision without CURVE (every message in the clear; only for a trusted network).")
    var plaintext = false

    func run() throws {
        let parsed = try ProvisionProject.load(path: project)
        let lines = try KitWriter(project: parsed, output: URL(fileURLWithPath: output), plaintext: plaintext).write()
        for line in lines { print(line) }
        if plaintext { print("warning: plaintext kits: anyone on the network can read and send federation messages") }
    }
}
