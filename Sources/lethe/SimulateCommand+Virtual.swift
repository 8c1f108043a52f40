import Foundation
import LetheClient
import LetheData
import LetheTensor

extension SimulateCommand {
    /// Clients in the simulation: `--virtual-clients` when given, else `--clients` processes.
    var clients: Int { virtualClients ?? clientProcesses }

    /// The coordinator's endpoint for client processes: a free loopback port, or a socket file in the run folder.
    func processEndpoint(_ folder: URL) throws -> String {
        if transport == "tcp" { return "tcp://127.0.0.1:\(try freeLoopbackPort())" }
        let path = folder.appendingPathComponent("coordinator.sock").path
        return "ipc://" + (path.utf8.count < 100 ? path : NSTemporaryDirectory() + "lethe-\(getpid()).sock")
    }

    /// `lethe coordinator`'s options for the in-process coordinator: the process federation's arguments, a client
    /// never declared dead (virtual clients live and die with this process, and the coordinator, blocked while a
    /// full inbox drains during a broadcast to a thousand clients, would otherwise find their heartbeats late), and
    /// timeouts scaled by the clients each worker thread serves in turn beyond 16 (a class deletion at 1,000
    /// clients has 995 forget holders, whose forgetting phase alone took longer than the 300 s default).
    func virtualCoordinator(_ arguments: [String], workers: Int) throws -> CoordinatorCommand {
        let factor = max(1, (Double(clients) / Double(16 * workers)).rounded(.up))
        return try CoordinatorCommand.parse(Array(arguments.dropFirst())
            + ["--client-dead-after", "3600", "--timeout-factor", "\(factor)"])
    }

    /// Each virtual client's data and configuration, as `lethe client` would build them from its flags: the same
    /// share and test slice, the canary on the holder's deleted samples, the same limits and method options.
    func virtualClientData(shares: [[Int]], specs: [ClientPartition], train: ImageDataset, test: ImageDataset,
                           plan: DeletionPlan, canary: Canary?) throws -> [(data: ClientData, configuration: ClientConfiguration)] {
        BLASThreads.set(1)  // one per worker thread, as each client process has one (DECISIONS.md §20)
        let canaryIDs = plan.forget.map { train.ids[$0] }
        return try shares.indices.map { index in
            let id = "client-\(index)"
            var data = ClientData(train: train.subset(shares[index]), test: test.subset(try specs[index].testPositions(in: test)))
            if let canary, id == plan.target { data = try data.poisoned(by: canary, ids: canaryIDs) }
            var configuration = ClientConfiguration(clientID: id)
            configuration.canary = canary.flatMap { id == plan.target ? $0 : nil }
            clientLimits.apply(to: &configuration)
            try clientMethod.apply(to: &configuration)
            // The in-process transport delivers each message exactly once, so there is nothing to replay; a window
            // would keep each client's last TrainUpdate (a whole model) alive between its rounds.
            configuration.replayWindow = 0
            return (data, configuration)
        }
    }
}
