import Foundation
import LetheClient

/// A coordinator and its client processes at the smallest data size, in one folder: the federation that
/// `lethe bench faults` kills and `lethe bench fuzz` attacks. Real processes over TCP loopback, as users run them.
final class HarnessCluster {
    struct Settings {
        var clients = 2
        var limit = 150
        var testLimit = 100
        var rounds = 2
        var localEpochs = 1
        var seed: UInt64 = 1
        /// Whether the coordinator admits only `client-0 … client-(N-1)` (a resumed job then waits for all of them).
        var expectedClientsOnly = true
        /// Further ids the coordinator admits (a fuzzer); training still starts with the clients alone.
        var extraExpectedIDs: [String] = []
    }

    let folder: URL
    let settings: Settings
    let endpoint: String
    private(set) var coordinator: NodeProcess?
    private(set) var clients: [NodeProcess?]
    /// How many coordinator processes this cluster has started (1 + restarts).
    private(set) var coordinatorStarts = 0
    private var clientStarts: [Int]

    init(folder: URL, settings: Settings) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        (self.folder, self.settings) = (folder, settings)
        endpoint = "tcp://127.0.0.1:\(try freeTCPPort())"
        clients = Array(repeating: nil, count: settings.clients)
        clientStarts = Array(repeating: 0, count: settings.clients)
    }

    var outputFolder: URL { folder.appendingPathComponent("coordinator") }
    var ledgerPath: String { outputFolder.appendingPathComponent("ledger.sqlite").path }
    func clientID(_ index: Int) -> String { "client-\(index)" }

    var coordinatorArguments: [String] {
        var arguments = ["coordinator", "--bind", endpoint, "--output", outputFolder.path,
                         "--rounds", "\(settings.rounds)", "--local-epochs", "\(settings.localEpochs)",
                         "--seed", "\(settings.seed)"]
        if settings.expectedClientsOnly {
            let ids = (0..<settings.clients).map(clientID) + settings.extraExpectedIDs
            arguments += ["--expected-clients", ids.joined(separator: ",")]
            if !settings.extraExpectedIDs.isEmpty { arguments += ["--quorum", "\(settings.clients)"] }
        } else {
            arguments += ["--quorum", "\(settings.clients)"]
        }
        return arguments
    }

    func clientArguments(_ index: Int) -> [String] {
        ["client", "--connect", endpoint, "--id", clientID(index), "--clients", "\(settings.clients)",
         "--index", "\(index)", "--seed", "\(settings.seed)", "--limit", "\(settings.limit)",
         "--test-limit", "\(settings.testLimit)",
         "--deletion-journal", folder.appendingPathComponent("\(clientID(index)).deletions").path]
    }

    /// Starts (or, after a kill, restarts) the coordinator on the same output folder and ledger.
    @discardableResult
    func startCoordinator() throws -> NodeProcess {
        coordinatorStarts += 1
        let node = try NodeProcess(name: "coordinator", arguments: coordinatorArguments,
                                   log: folder.appendingPathComponent("coordinator-\(coordinatorStarts).log"))
        coordinator = node
        return node
    }

    func startClients() throws {
        for index in 0..<settings.clients { try startClient(index) }
    }

    @discardableResult
    func startClient(_ index: Int) throws -> NodeProcess {
        clientStarts[index] += 1
        let node = try NodeProcess(name: clientID(index), arguments: clientArguments(index),
                                   log: folder.appendingPathComponent("\(clientID(index))-\(clientStarts[index]).log"))
        clients[index] = node
        return node
    }

    /// The training ids a client holds: the same seeded share the client process computes.
    func trainIDs(ofClient index: Int) throws -> [Int] {
        try ClientPartition(seed: settings.seed, clients: settings.clients, index: index, limit: settings.limit,
                            testLimit: settings.testLimit).fashionMNIST().train.ids
    }

    /// Stops every process (SIGTERM, then SIGKILL).
    func stopAll() {
        coordinator?.stop()
        clients.forEach { $0?.stop() }
    }

    /// A line for a failure report: each process's last lines.
    func tails(lines: Int = 15) -> String {
        ([coordinator] + clients).compactMap { $0 }.map { node in
            "--- \(node.name) (\(node.log.lastPathComponent)):\n"
                + node.output.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
func freeTCPPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError.setup("socket() failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
        }
    }
    guard bound else { throw HarnessError.setup("could not find a free TCP port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

enum HarnessError: Error, CustomStringConvertible {
    case setup(String)
    case stuck(String)

    var description: String {
        switch self {
        case .setup(let reason): "harness set-up failed: \(reason)"
        case .stuck(let reason): reason
        }
    }
}
