import Foundation
import LetheClient
import LetheCoordinator
import LetheFederation
import LetheNN
import LetheTransport

/// `lethe simulate --virtual-clients N`: the coordinator and N client nodes in this process, over the in-process
/// transport. The coordinator is the one `lethe coordinator` builds from the same arguments (same state machine,
/// ledger, census and certificates); the clients are ordinary `ClientNode`s hosted by a `VirtualClientHost`, which
/// gives them one receiving thread, `workers` handler threads (each with one scratch model) and one copy of each
/// model version between them. The coordinator's lines go to `coordinator.log` and standard error, the clients'
/// to `clients.log` (with `--verbose` to standard error too).
final class VirtualFederation: SimulatedFederation, @unchecked Sendable {
    private let network = InProcessNetwork()
    private let coordinatorTransport: InProcessTransport
    private let group: InProcessClientGroup
    private let host: VirtualClientHost
    private let coordinatorNode: CoordinatorNode
    private let coordinatorDone = DispatchSemaphore(value: 0)
    private let hostDone = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var coordinatorFailure: Error?
    private var coordinatorStopped = false
    private var stopRequested = false
    private var shutDown = false
    private let workers: Int
    private let logs: [LogFile]
    static let endpointName = "coordinator"

    /// - Parameters:
    ///   - coordinator: `lethe coordinator`'s options (its `--bind` is not used).
    ///   - clients: each client's id, data and configuration.
    init(coordinator: CoordinatorCommand, clients: [(data: ClientData, configuration: ClientConfiguration)],
         workers: Int, folder: URL, echoClients: Bool) throws {
        self.workers = workers
        let coordinatorLog = try LogFile(folder.appendingPathComponent("coordinator.log"), echoPrefix: "[coordinator] ")
        let clientLog = try LogFile(folder.appendingPathComponent("clients.log"), echoPrefix: echoClients ? "" : nil)
        logs = [coordinatorLog, clientLog]
        coordinatorTransport = try network.bind(Self.endpointName)
        coordinatorNode = try coordinator.makeNode(transport: coordinatorTransport, log: coordinatorLog.write)
        group = try network.connectGroup(Self.endpointName,
                                         identities: clients.map { PeerID(Data($0.configuration.clientID.utf8)) })
        let shared = SharedModels()
        let scratch = (0..<workers).map { _ in
            Architecture.cnnSmall.build(seed: 0, inputChannels: clients[0].data.train.channels,
                                        classes: clients[0].data.classCount)
        }
        let nodes = clients.enumerated().map { index, client in
            let id = client.configuration.clientID
            return ClientNode(data: client.data, configuration: client.configuration, scratch: scratch[index % workers],
                              sharedModels: shared, log: { clientLog.write("[\(id)] \($0)") })
        }
        host = VirtualClientHost(nodes: nodes, group: group, workers: workers)
        coordinatorLog.write("in-process endpoint '\(Self.endpointName)'; model \(coordinatorNode.weightCount) weights; "
                             + "\(clients.count) virtual client(s) on \(workers) worker thread(s)")
        start()
    }

    /// The coordinator's and the host's threads (8 MiB stacks, as a process's main thread has).
    private func start() {
        let coordinatorThread = Thread { [self] in
            do {
                try coordinatorNode.run(shouldStop: { lock.withLock { stopRequested } })
                coordinatorNode.writeCensus()
            } catch {
                lock.withLock { coordinatorFailure = error }
                logs[0].write("stopped: \(error)")
            }
            lock.withLock { coordinatorStopped = true }
            coordinatorDone.signal()
        }
        let hostThread = Thread { [self] in
            host.run()
            hostDone.signal()
        }
        for thread in [coordinatorThread, hostThread] {
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    var shape: String {
        "1 process: the coordinator and \(group.members.count) virtual client(s) on \(workers) worker thread(s) × "
            + "1 BLAS thread"
    }

    var coordinatorRunning: Bool { !lock.withLock { coordinatorStopped } }

    func checkNodes() throws {
        if let failure = lock.withLock({ coordinatorFailure }) {
            throw SimulationError.node("the coordinator stopped: \(failure)")
        }
    }

    func submit(_ record: DeletionRequestRecord, timeout: Double) throws -> (accepted: Bool, ack: String) {
        let sender = "forget-\(record.id)"
        let transport = try network.connect(Self.endpointName, identity: PeerID(Data(sender.utf8)))
        let connection = try SubmitterConnection(transport: transport, endpoint: "in-process '\(Self.endpointName)'",
                                                 senderID: sender, jobID: record.id, body: .deletionRequest(record.wire))
        defer { connection.close() }
        let outcome = try awaitDeletion(over: connection, timeout: timeout, waitTimeout: nil)
        return (outcome.accepted, outcome.ack)
    }

    func peakResidentMiB() -> [String: Double] {
        ["simulate (coordinator and virtual clients)": ProcessMemory.peakResidentMiB()]
    }

    func shutdown() {
        guard lock.withLock({ () -> Bool in defer { shutDown = true }; return !shutDown }) else { return }
        lock.withLock { stopRequested = true }
        coordinatorDone.wait()
        host.stop()
        group.close()
        hostDone.wait()
        coordinatorTransport.close()
        for log in logs { log.close() }
    }
}

/// A log file several threads write whole lines to, optionally echoed to standard error with a prefix.
final class LogFile: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let echoPrefix: String?
    private var closed = false

    init(_ url: URL, echoPrefix: String?) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SimulationError.setup("cannot create \(url.path)")
        }
        handle = try FileHandle(forWritingTo: url)
        self.echoPrefix = echoPrefix
    }

    func write(_ line: String) {
        lock.withLock {
            guard !closed else { return }
            handle.write(Data((line + "\n").utf8))
            if let echoPrefix { FileHandle.standardError.write(Data((echoPrefix + line + "\n").utf8)) }
        }
    }

    func close() {
        lock.withLock {
            closed = true
            try? handle.close()
        }
    }
}
