import ArgumentParser
import Foundation
import LetheClient
import LetheData
import LetheTensor
import LetheTransport

/// `lethe client`: one federated client node holding its own Fashion-MNIST partition.
struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Run a federated client: join the coordinator, train, forget and report on local data only.",
        discussion: """
            Every client of a simulation computes the same seeded split of Fashion-MNIST and keeps share --index \
            of --clients. Raw samples never leave the process: only weights, masks, deltas, statistics and metrics \
            are sent. SIGTERM or SIGINT stops the node cleanly.
            """
    )

    @Option(help: "Coordinator endpoint, e.g. tcp://127.0.0.1:5555 or ipc:///tmp/lethe.sock.") var connect: String
    @Option(help: "This client's id ([A-Za-z0-9._:-], 1-64 characters), e.g. client-0.") var id: String
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("JSON file of this command's options (a kit's lethe.json from lethe provision).",
                               discussion: "Read before the command line, whose flags override it; relative paths in "
                                   + "it are taken from the file's folder."))
    var config: String?
    @Option(help: "Seed of the partition (the same for every client of one federation).") var seed: UInt64 = 1
    @Option(help: "Number of clients the training set is split among.") var clients = 1
    @Option(help: "This client's share, 0..<clients.") var index = 0
    @Option(help: "iid, or dirichlet:α for label-skewed shares (e.g. dirichlet:0.5).") var partition = "iid"
    @Option(help: "Keep at most this many training images of the share (default: the whole share).") var limit: Int?
    @Option(help: "Size of the local test slice (TA and MIA non-members).") var testLimit = 500
    @OptionGroup(title: "CURVE") var curve: CurveClientOptions
    @Option(help: "Largest message accepted from the coordinator, in bytes.") var maxMessageBytes = 64 << 20
    @Option(help: "BLAS threads (DECISIONS.md §20: one per node process).") var threads = 1
    @Option(help: ArgumentHelp("A backdoor in this client's own data: none, or target:N (optionally ,size:K,seed:S).",
                               discussion: "The samples named by --canary-ids get the trigger and label N when the "
                                   + "share is loaded, before training, as a poisoned contribution would; the "
                                   + "trigger never leaves the client (`lethe simulate --canary`)."))
    var canary = "none"
    @Option(help: "File of the sample ids (one per line) that carry --canary; they must be in this client's share.")
    var canaryIds: String?
    @Option(help: ArgumentHelp(
        "File where this client records every deletion it accepts, before acknowledging it (created if missing).",
        discussion: "Read back at start, so a restarted client never trains on, or counts as retained, samples it "
            + "deleted before. Without it deletions last only as long as the process."))
    var deletionJournal: String?
    @Option(help: ArgumentHelp("Log lines on standard error: text, or json (one object per event: time, level, node, "
                               + "message).")) var logFormat: LogFormat = .text
    @OptionGroup(title: "Link timing") var linkTiming: LinkTimingOptions
    @OptionGroup(title: "Work limits") var workLimits: ClientWorkLimits
    @OptionGroup(title: "Method") var method: ClientMethodOptions

    func validate() throws {
        _ = try partitionSpec()
        if try parsedCanary() != nil, canaryIds == nil { throw ValidationError("--canary needs --canary-ids FILE") }
        if canaryIds != nil, try parsedCanary() == nil { throw ValidationError("--canary-ids needs --canary target:N") }
        guard maxMessageBytes > 1024, threads > 0 else {
            throw ValidationError("--max-message-bytes must exceed 1024 and --threads must be positive")
        }
    }

    func parsedCanary() throws -> Canary? { try CanaryOption.parse(canary) }

    /// The share with the canary stamped on the samples `--canary-ids` names (all of them must be held here).
    func poisoned(_ data: ClientData) throws -> ClientData {
        guard let canary = try parsedCanary(), let canaryIds else { return data }
        return try data.poisoned(by: canary, ids: try ForgetSpec.readIDFile(path: canaryIds))
    }

    /// The share's positions of the journal's ids; ids this share does not hold mean the journal is another
    /// client's (or another partition's), which must not be guessed around.
    func restoredPositions(_ journal: DeletionJournal, data: ClientData) throws -> Set<Int> {
        let ids = try journal.load().flatMap(\.ids)
        let (positions, unknown) = data.positions(ofIDs: ids)
        guard unknown.isEmpty else {
            throw ValidationError("--deletion-journal \(journal.url.path) names \(unknown.count) sample(s) this client "
                + "does not hold (e.g. \(unknown.prefix(3).map(String.init).joined(separator: ", "))): is it another "
                + "client's journal, or was --seed/--clients/--index changed?")
        }
        return Set(positions)
    }

    func partitionSpec() throws -> ClientPartition {
        do {
            return try ClientPartition(seed: seed, clients: clients, index: index,
                                       kind: ClientPartition.Kind(parsing: partition), limit: limit, testLimit: testLimit)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        BLASThreads.set(threads)
        let log = NodeLog(format: logFormat, node: id, textPrefix: "[\(id)] ")
        do { try serve(log: log) } catch {
            log.error("stopped: \(error)")
            throw ExitCode.failure
        }
    }

    private func serve(log: NodeLog) throws {
        let spec = try partitionSpec()
        let logLine = log.line
        let clientData = try poisoned(try spec.fashionMNIST(directory: data.directory))
        if let canary = try parsedCanary() { logLine("canary \(canary) stamped on the samples in \(canaryIds ?? "")") }
        let firstIDs = clientData.train.ids.prefix(4).map(String.init).joined(separator: " ")
        logLine("share \(index) of \(clients) (\(spec.kind), seed \(seed)): \(clientData.train.count) training and "
                + "\(clientData.test.count) test images (first ids \(firstIDs)); connecting to \(connect)")
        var configuration = ClientConfiguration(clientID: id)
        configuration.limits.maxMessageBytes = maxMessageBytes
        configuration.canary = try parsedCanary()
        workLimits.apply(to: &configuration)
        try method.apply(to: &configuration)
        let node = ClientNode(data: clientData, configuration: configuration, log: logLine)
        var options = SocketOptions()
        options.maxMessageBytes = Int64(maxMessageBytes) + (64 << 10)
        linkTiming.apply(to: &options)
        let transport = try ZMQTransport.dealer(context: try ZMQContext(), connect: connect, options: options,
                                                curve: try curve.configuration())
        defer { transport.close() }
        let journal = deletionJournal.map { DeletionJournal(url: URL(fileURLWithPath: $0)) }
        let restored = try journal.map { try restoredPositions($0, data: clientData) } ?? []
        if let journal {
            logLine("deletion journal \(journal.url.path): \(restored.count) sample(s) deleted by earlier runs")
        }
        let runner = ClientRunner(node: node, transport: transport, state: ClientState(restoringDeleted: restored),
                                  journal: journal)
        let signals = StopSignals { logLine("signal \($0): stopping"); runner.stop() }
        runner.run()
        signals.cancel()
        logLine("stopped")
    }
}
