import ArgumentParser
import Foundation
import LetheClient
import LetheCoordinator
import LetheData
import LetheFederation
import LetheNN
import LetheReport
import LetheTensor
import LetheUnlearning

/// `lethe simulate`: the main job. A coordinator and N clients as processes of this executable on one host train a
/// federated model, honour one deletion request with federated WSS-CL, run federated Retrain and FT for comparison,
/// and the simulate process evaluates every version centrally on the data it can rebuild for each client.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a federation on this host: train, delete, unlearn with WSS-CL, compare with Retrain and FT.",
        discussion: """
            Starts `lethe coordinator` and --clients `lethe client` processes (tcp loopback or ipc), each with one \
            BLAS thread unless --threads-per-node says otherwise. The coordinator trains the original model with \
            FedAvg, the deletion request is submitted, the coordinator runs federated WSS-CL, then federated \
            Retrain (the original's rounds and local epochs from scratch without the forget data) and federated FT \
            (--ft-rounds from the original). Every published version is then evaluated here: UA on the deleted \
            samples, RA on all clients' retained data, TA on the clients' test slices, MIA as the protocol computes \
            it. Node logs are in the run folder; the coordinator's progress is shown live. With --cache-dir the \
            federated original and Retrain are trained once and taken from the cache on later runs with the same \
            settings (marked "(cached)" in the JSON's configuration and in a line under the table); --skip-ft leaves \
            FT out.
            """
    )

    @OptionGroup var data: DataOptions
    @Option(name: .customLong("clients"), help: "Number of client processes.") var clientProcesses = 4
    @Option(help: ArgumentHelp("Host this many clients in this process instead of one process each (instead of "
                               + "--clients).",
                               discussion: "The coordinator and N client nodes over the in-process transport: one "
                                   + "receiving thread, one handler thread per core, one copy of each model version. "
                                   + "With --fraction-fit, as Flower's simulation engine: e.g. --virtual-clients 1000 "
                                   + "--fraction-fit 0.05 --full splits the training set 1,000 ways."))
    var virtualClients: Int?
    @Option(help: "Training images per client (default 3,000; --full: the whole share of 60,000).")
    var trainPerClient: Int?
    @Option(help: "Test images in all, split among the clients' local slices (default 2,000; --full: 10,000).")
    var testSubset: Int?
    @Flag(help: "The full-size experiment: all 60,000 training images split over the clients, the whole test set.")
    var full = false
    @Option(help: "What to delete: ids (a fraction of one client's samples, one person's data), class:N or client:ID.")
    var scenario = "ids"
    @Option(help: ArgumentHelp("A backdoor in the deleted samples: none, or target:N (optionally ,size:K,seed:S).",
                               discussion: "With ids or client:ID, the holder stamps a seeded trigger on the samples "
                                   + "the deletion will name, with label N, before training (a poisoned contribution "
                                   + "found after training). The table's ASR column then shows the original "
                                   + "applying the backdoor and how much each unlearned model still does; Retrain's "
                                   + "ASR is the mark. The trigger never leaves the holder. Default: target:0 with "
                                   + "ids; none with client:ID (a whole poisoned client breaks the original itself, "
                                   + "BENCHMARKS.md) and with class:N (where it means nothing)."))
    var canary: String?
    @Option(help: ArgumentHelp(ReasonOption.help, discussion: "Default: poisoned when the deleted samples carry a "
                                   + "canary, privacy otherwise. It is the request's reason: the holders run the "
                                   + "poisoned reading of WSS-CL for poisoned (3 stage-1 epochs at lr 0.005 unless "
                                   + "--forgetting-epochs/--forgetting-learning-rate say otherwise)."))
    var reason: String?
    @Option(help: "Fraction of the client's samples deleted by the ids scenario.") var forgetFraction = 0.1
    @Option(help: "Client whose samples the ids scenario deletes.") var forgetClient = "client-0"
    @Option(help: "FedAvg rounds of the original model and of federated Retrain.") var rounds = 5
    @Option(help: "Local epochs per round.") var localEpochs = 2
    @Option(help: "FedAvg rounds of federated FT from the original model.") var ftRounds = 2
    @Option(help: "Fraction of the clients asked to train in each FedAvg round (coordinator --fraction-fit).")
    var fractionFit = 1.0
    @Option(help: ArgumentHelp("WSS-CL stage-1 (KL forgetting) epochs on the forget holders.",
                               discussion: "Default: the federation's sample default (5) for sample ids; for a class or a "
                                   + "whole client about 30 forget batches per holder, ceil(3,840 / the largest "
                                   + "holder's forget count) clamped to 1…10: 3 epochs at full size (chosen on "
                                   + "validation seeds 100 and 101, BENCHMARKS.md), 10 at the default size (1 epoch of "
                                   + "3 batches left UA at 45 %, 10 epochs reached 100 %)."))
    var forgettingEpochs: Int?
    @Option(help: "WSS-CL stage-1 learning rate on the forget holders (default: the federation's, per deletion kind).")
    var forgettingLearningRate: Float?
    @Option(help: ArgumentHelp("WSS-CL stage-2 (contrastive) epochs on the forget holders.",
                               discussion: "Default: the federation's, one epoch for every deletion kind (chosen on "
                                   + "validation seeds 100 and 101 at full size, BENCHMARKS.md)."))
    var contrastiveEpochs: Int?
    @Option(help: "Saliency reports: dense (exact aggregation) or top-k (compressed vote).") var saliency = "dense"
    @Option(help: "iid, or dirichlet:α for label-skewed shares.") var partition = "iid"
    @Option(help: "tcp (a free loopback port) or ipc (a socket file).") var transport = "tcp"
    @Option(help: "BLAS threads per node process (DECISIONS.md §20).") var threadsPerNode = 1
    @Option(help: "Seed of the partition, the model, the deletion and the rounds.") var seed: UInt64 = 1
    @Option(help: "Folder for node logs, published versions, the ledger and the forget ids (default: a new temp folder).")
    var runDir: String?
    @Option(help: "Write the results (a ResultsDocument plus per-phase bytes and times) as JSON to this path.")
    var json: String?
    @Option(help: "Also write the results as an HTML report with SVG plots to this path (as `lethe report` draws it).")
    var report: String?
    @Option(help: ArgumentHelp("Folder that keeps the federated original and Retrain between runs (default: none).",
                               discussion: "Both are deterministic given the seed and the configuration. A miss runs "
                                   + "as without the flag, then stores both models with their training seconds, under "
                                   + "names derived from everything that determines them (seed, clients, partition, "
                                   + "per-client train and test limits, rounds, local epochs, the FedAvg optimiser "
                                   + "settings; for Retrain also the deletion). A hit publishes the cached original "
                                   + "(coordinator --initial-model) and evaluates the cached Retrain instead of training "
                                   + "them; the report says which rows came from the cache and uses the cached seconds "
                                   + "for the time ratio. The two are looked up separately."))
    var cacheDir: String?
    @OptionGroup(title: "Client work limits") var clientLimits: ClientWorkLimits
    @OptionGroup(title: "Client method") var clientMethod: ClientMethodOptions
    @Flag(help: "Leave federated FT out: no ft row in the table or the JSON.") var skipFt = false
    @Flag(help: ArgumentHelp("Also train a second federated Retrain on another data order (row retrain-2).",
                             discussion: "Its Avg. Gap to Retrain is the comparison's noise floor: how far two models "
                                 + "retrained without the forget data differ by chance alone. It is never cached, so "
                                 + "its seconds also re-time Retrain next to the job."))
    var noiseFloor = false
    @Flag(help: "Also show every client's log lines (they always go to the run folder).") var verbose = false
    @Option(help: "Give up (and stop every node) after this many seconds.") var timeout = 3600.0

    enum Scenario: Equatable {
        case ids
        case wholeClass(Int)
        case client(Int)
    }

    func parsedScenario() throws -> Scenario {
        if scenario == "ids" { return .ids }
        let parts = scenario.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "class", let label = Int(parts[1]), (0..<10).contains(label) {
            return .wholeClass(label)
        }
        if parts.count == 2, parts[0] == "client", let index = Self.clientIndex(parts[1]), index < clients {
            return .client(index)
        }
        throw ValidationError("--scenario must be ids, class:N (0…9) or client:ID (client-k or k, k < --clients); "
                              + "got '\(scenario)'")
    }

    /// Stage-1 epochs for a class or whole-client deletion: enough for ~20 batches of 128 on the busiest holder
    /// (2 epochs of a full-size holder's 1,470 class samples: Avg. Gap 0.22 / 0.23 on validation seeds at 13 % of
    /// Retrain's time, where 3 epochs gave 0.10 / 0.09 at 17 %, over the issue's 15 % bar; BENCHMARKS.md).
    static func holderForgettingEpochs(forgetPerHolder: Int) -> Int {
        guard forgetPerHolder > 0 else { return 1 }
        return min(10, max(1, (2_560 + forgetPerHolder - 1) / forgetPerHolder))
    }

    /// The canary the run plants: --canary, or by default `target:0` for sample ids and none otherwise.
    func parsedCanary() throws -> Canary? {
        if let canary { return try CanaryOption.parse(canary) }
        return try parsedScenario() == .ids ? try CanaryOption.parse("target:0") : nil
    }

    func parsedReason() throws -> DeletionReason { try ReasonOption.parse(reason, canary: try parsedCanary()) }

    static func clientIndex(_ text: String) -> Int? {
        let digits = text.hasPrefix("client-") ? String(text.dropFirst("client-".count)) : text
        return Int(digits).flatMap { $0 >= 0 ? $0 : nil }
    }

    func validate() throws {
        if let virtualClients {
            guard virtualClients >= 1, virtualClients <= 10_000 else {
                throw ValidationError("--virtual-clients must be in 1…10,000: \(virtualClients) is not")
            }
        } else {
            guard clientProcesses >= 1, clientProcesses <= 64 else { throw ValidationError("--clients must be in 1…64") }
        }
        guard fractionFit > 0, fractionFit <= 1 else {
            throw ValidationError("--fraction-fit must be in (0, 1]: \(fractionFit) is not")
        }
        if try parsedCanary() != nil, case .wholeClass = try parsedScenario() {
            throw ValidationError("--canary: \(CanaryError.meaninglessForClassDeletion)")
        }
        if try parsedReason() == .poisoned, case .wholeClass = try parsedScenario() {
            throw ValidationError("--reason poisoned applies to ids or client:ID, not to a class deletion")
        }
        guard forgetFraction > 0, forgetFraction < 1 else { throw ValidationError("--forget-fraction must be in (0, 1)") }
        guard let index = Self.clientIndex(forgetClient), index < clients else {
            throw ValidationError("--forget-client must be client-k with k < --clients")
        }
        guard rounds >= 1, localEpochs >= 1, ftRounds >= 1 else {
            throw ValidationError("--rounds, --local-epochs and --ft-rounds must be at least 1")
        }
        if let trainPerClient, trainPerClient < 20 { throw ValidationError("--train-per-client must be at least 20") }
        if let testSubset, testSubset < clients { throw ValidationError("--test-subset must be at least --clients") }
        if let e = forgettingEpochs, e < 1 { throw ValidationError("--forgetting-epochs must be at least 1") }
        if let r = forgettingLearningRate, !(r > 0) {
            throw ValidationError("--forgetting-learning-rate must be positive")
        }
        if let e = contrastiveEpochs, e < 1 { throw ValidationError("--contrastive-epochs must be at least 1") }
        guard ["dense", "top-k"].contains(saliency) else { throw ValidationError("--saliency must be dense or top-k") }
        do { _ = try ClientPartition.Kind(parsing: partition) } catch { throw ValidationError("\(error)") }
        guard ["tcp", "ipc"].contains(transport) else { throw ValidationError("--transport must be tcp or ipc") }
        guard threadsPerNode >= 1 else { throw ValidationError("--threads-per-node must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let started = Date()
        let scenario = try parsedScenario()
        let folder = URL(fileURLWithPath: runDir ?? NSTemporaryDirectory() + "lethe-simulate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let coordinatorFolder = folder.appendingPathComponent("coordinator")

        // The data every client will hold, rebuilt here so the deleted and retained samples are known.
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let perClient = full ? nil : (trainPerClient ?? 3000)
        let testTotal = min(testSubset ?? (full ? test.count : 2000), test.count)
        let testPerClient = max(1, testTotal / clients)
        let kind = try ClientPartition.Kind(parsing: partition)
        let specs = try (0..<clients).map {
            try ClientPartition(seed: seed, clients: clients, index: $0, kind: kind, limit: perClient,
                                testLimit: testPerClient)
        }
        let shares = try specs.map { try $0.trainPositions(in: train) }
        let testPositions = try specs.flatMap { try $0.testPositions(in: test) }.sorted()
        let plan = try deletionPlan(scenario, shares: shares, train: train, folder: folder)
        let canary = try parsedCanary()
        let reason = try parsedReason()
        let canaryFile = try canary.map { _ in try writeIDs(plan.forget.map { train.ids[$0] }, "canary-ids.txt", folder) }
        let forgetSet = Set(plan.forget)
        let retained = shares.flatMap { $0 }.filter { !forgetSet.contains($0) }.sorted()
        let stage2 = contrastiveEpochs ?? FederationConfiguration().unlearning.contrastiveEpochs
        let forgetPerHolder = shares.map { $0.filter(forgetSet.contains).count }.max() ?? 0
        let defaults = FederationConfiguration().unlearning
        let stage1 = forgettingEpochs
            ?? (scenario != .ids ? Self.holderForgettingEpochs(forgetPerHolder: forgetPerHolder)
                : reason == .poisoned ? defaults.poisonedForgettingEpochs : defaults.forgettingEpochs)
        let nodeSettings = ["--rounds", "\(rounds)", "--local-epochs", "\(localEpochs)", "--seed", "\(seed)",
                            "--saliency", saliency, "--forgetting-epochs", "\(stage1)", "--contrastive-epochs", "\(stage2)"]
            + (forgettingLearningRate.map { ["--forgetting-learning-rate", "\($0)"] } ?? [])
            + (fractionFit < 1 ? ["--fraction-fit", "\(fractionFit)"] : [])
        let cache = try cacheDir.map {
            SimulationCache(directory: URL(fileURLWithPath: $0),
                            key: try runKey(coordinatorSettings: nodeSettings, trainPerClient: perClient,
                                            testPerClient: testPerClient,
                                            canary: canary.map { FederatedRunKey.canaryKey(
                                                $0.description, ids: plan.forget.map { train.ids[$0] }) }),
                            scenario: self.scenario, forgetIDs: plan.forget.map { train.ids[$0] })
        }
        let cachedOriginal = try cache.flatMap { try $0.load($0.original) }
        let cachedRetrain = try cache.flatMap { try $0.load($0.retrain) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = max(1, cores)  // virtual clients' handler threads (and the coordinator's)
        log("run folder \(folder.path)")
        if let cache {
            log("cache: original \(cachedOriginal == nil ? "missing" : "found"), retrain "
                + "\(cachedRetrain == nil ? "missing" : "found") (\(cache.original.url.path), \(cache.retrain.url.path))")
        }
        let canaryText: String = (canary.map { " carrying the canary \($0)" } ?? "") + " (reason: \(reason.rawValue))"
        log("\(clients) client(s) × \(shares.map(\.count).min() ?? 0)…\(shares.map(\.count).max() ?? 0) training "
            + "images (\(partition)), \(testPositions.count) test images; deleting \(plan.describe)\(canaryText); "
            + "FedAvg \(rounds) round(s) × \(localEpochs) local epoch(s), FT \(ftRounds) round(s), WSS-CL stage 1 "
            + "\(stage1) epoch(s), stage 2 \(stage2) epoch(s)")
        if virtualClients == nil {
            log("cores: \(cores) available; \(clients + 1) node processes × \(threadsPerNode) BLAS thread(s) "
                + "(OPENBLAS_NUM_THREADS=\(threadsPerNode))")
        } else {
            log("cores: \(cores) available; the coordinator and \(clients) virtual clients in this process, "
                + "\(workers) worker thread(s) × 1 BLAS thread")
        }

        let ids = (0..<clients).map { "client-\($0)" }
        var coordinatorArguments = ["coordinator", "--expected-clients", ids.joined(separator: ","),
                                    "--output", coordinatorFolder.path, "--stop-after-jobs", "1"] + nodeSettings
        let comparisons = comparisonList(retrainCached: cachedRetrain != nil)
        if !comparisons.isEmpty { coordinatorArguments += ["--comparisons", comparisons] }
        if let cachedOriginal { coordinatorArguments += ["--initial-model", cachedOriginal.url.path] }
        let federation: SimulatedFederation
        if virtualClients != nil {
            let clientData = try virtualClientData(shares: shares, specs: specs, train: train, test: test, plan: plan,
                                                   canary: canary)
            federation = try VirtualFederation(coordinator: try virtualCoordinator(coordinatorArguments,
                                                                                   workers: workers),
                                               clients: clientData, workers: workers, folder: folder,
                                               echoClients: verbose)
        } else {
            let clientArguments = ids.enumerated().map { index, id in
                var arguments = ["client", "--id", id, "--seed", "\(seed)", "--clients", "\(clients)",
                                 "--index", "\(index)", "--partition", partition, "--test-limit", "\(testPerClient)",
                                 "--threads", "\(threadsPerNode)"] + clientLimits.clientArguments
                    + clientMethod.clientArguments
                if let perClient { arguments += ["--limit", "\(perClient)"] }
                if let canary, let canaryFile, id == plan.target {
                    arguments += ["--canary", canary.description, "--canary-ids", canaryFile.path]
                }
                if let dir = data.dataDir { arguments += ["--data-dir", dir] }
                return (id, arguments)
            }
            federation = try ProcessFederation(endpoint: try processEndpoint(folder), folder: folder,
                                               blasThreads: threadsPerNode, coordinatorArguments: coordinatorArguments,
                                               clientArguments: clientArguments, echoClients: verbose)
        }
        let interrupts = StopSignals { number in
            log("signal \(number): stopping every node")
            federation.shutdown()
            Foundation.exit(130)
        }
        defer {
            federation.shutdown()
            interrupts.cancel()
        }
        let activitiesURL = coordinatorFolder.appendingPathComponent("activities.json")
        let requestID = "sim-\(seed)-\(plan.kindName)"
        let record = DeletionRequestRecord(id: requestID, clientID: plan.target, scope: plan.scope, reason: reason,
                                           receivedAt: Date())
        let peaks = try drive(federation, request: record, activities: activitiesURL,
                              deadline: started.addingTimeInterval(timeout))

        // 4. Central evaluation of every published version.
        let activities = try readActivities(activitiesURL)
        func report(_ name: String) throws -> ActivityReport {
            guard let found = activities.last(where: { $0.name == name }) else {
                throw SimulationError.node("the coordinator reported no '\(name)' run in \(activitiesURL.path)")
            }
            if let failure = found.failure { throw SimulationError.node("\(name) failed: \(failure)") }
            return found
        }
        let names = ["original"] + (cachedRetrain == nil ? ["retrain"] : []) + ["wss-cl"] + (skipFt ? [] : ["ft"])
            + (noiseFloor ? ["retrain-2"] : [])
        var runs = try names.map(report)
        if let cachedRetrain { runs.insert(cachedRetrain.report(name: "retrain"), at: 1) }
        // The data as the clients hold it: the holder's canary samples stamped and relabelled.
        let held = try canary.map { try $0.stamped(train, at: plan.forget, relabel: true) } ?? train
        let task = try UnlearningTask(train: held, forget: plan.forget, retain: retained)
        let testSet = test.subset(testPositions)
        var evaluation: EvaluationData
        if case .wholeClass(let label) = scenario { evaluation = .excludingClass(label, from: testSet) }
        else { evaluation = EvaluationData(test: testSet) }
        var auditRNG = SeededGenerator(seed: seed).derived(0x6175_6469)  // "audi"
        try evaluation.addAudits(forgetClasses: plan.forget.map { train.labels[$0] }, canary: canary, rng: &auditRNG)
        var metrics: [String: UnlearningMetrics] = [:]
        var weights: [String: [Float]] = [:]
        for run in runs {
            let model = Architecture.cnnSmall.build(seed: 0)
            model.parameters.values = run.name == "retrain" && cachedRetrain != nil
                ? cachedRetrain!.weights : try publishedWeights(run, folder: coordinatorFolder)
            weights[run.name] = model.parameters.values
            metrics[run.name] = try UnlearningEvaluator.evaluate(model, task: task, data: evaluation)
        }
        let retrain = runs[1], job = runs[2], reference = metrics["retrain"]!
        if let cache { try storeTrained(in: cache, runs: Array(runs.prefix(2)), weights: weights) }
        let rows = runs.map { run in
            let m = metrics[run.name]!
            return ResultRow(method: run.name, metrics: m, seconds: run.seconds,
                             avgGap: run.name == "retrain" ? nil : m.averageGap(to: reference),
                             rte: run.name == "original" ? nil : run.seconds / max(retrain.seconds, 1e-9),
                             configuration: configurationText(run, stage1: stage1, stage2: stage2)
                                 + (run.loadedFrom == nil ? "" : " (cached)"))
        }
        var forgetDescription = plan.description(count: plan.forget.count)
        forgetDescription.canary = canary?.description
        forgetDescription.reason = reason.rawValue
        let document = ResultsDocument(command: .simulate, forget: forgetDescription, clients: clients,
                                       seeds: [seed], results: rows)
        let census = try? JSONDecoder().decode(
            WireCensus.self, from: Data(contentsOf: coordinatorFolder.appendingPathComponent("wire-census.json")))
        let certificate = try verifyCertificate(requestID: requestID, coordinatorFolder: coordinatorFolder, job: job,
                                                scope: plan.scope)
        let wall = Date().timeIntervalSince(started)
        print(ResultsTable.render(document))
        print(phaseTable(job))
        print(String(format: "unlearning job %.1f s = %.1f %% of federated Retrain's %.1f s", job.seconds,
                     100 * job.seconds / max(retrain.seconds, 1e-9), retrain.seconds)
              + (runs.first { $0.name == "ft" }.map { String(format: "; FT %.1f s", $0.seconds) } ?? ""))
        if let again = runs.first(where: { $0.name == "retrain-2" }),
           let floor = rows.first(where: { $0.method == "retrain-2" })?.avgGap {
            print(String(format: "noise floor: a second federated Retrain (another data order) has Avg. Gap %.2f to "
                         + "Retrain and took %.1f s (the job is %.1f %% of that)", floor, again.seconds,
                         100 * job.seconds / max(again.seconds, 1e-9)))
        }
        if let cache { print(cacheSummary(cache, original: runs[0], retrain: retrain)) }
        if let census { print(censusSummary(census)) }
        let peakText = peaks.keys.sorted().map { String(format: "%@ %.0f", $0, peaks[$0]!) }.joined(separator: ", ")
        print(String(format: "wall time %.1f s on %d core(s), %@; peak memory (MiB): simulate %.0f; %@", wall, cores,
                     federation.shape, ProcessMemory.peakResidentMiB(), peakText))
        print(certificate.lines.map { $0 == "verified" ? "certificate verified: lethe certificate verify \(certificate.path)" : $0 }
            .joined(separator: "\n"))
        print("run folder: \(folder.path)")
        if json != nil || self.report != nil {
            let output = SimulationDocument(results: document, simulation: .init(
                wallSeconds: wall, cores: cores, threadsPerNode: threadsPerNode,
                transport: virtualClients == nil ? transport : "in-process",
                scenario: self.scenario, trainPerClient: shares.map(\.count), testImages: testPositions.count,
                rounds: rounds, localEpochs: localEpochs, ftRounds: ftRounds, forgettingEpochs: stage1,
                contrastiveEpochs: stage2, jobToRetrainTime: job.seconds / max(retrain.seconds, 1e-9),
                activities: activities, wireCensus: census, peakResidentMiB: peaks, runFolder: folder.path,
                certificate: certificate.path,
                cache: cache.map { cacheDetails($0, original: runs[0], retrain: retrain) }))
            if let json { try writeJSON(output, to: json) }
            if let path = self.report {
                try ReportCommand.writeForRun(json: try prettyJSON(output), source: json, to: path)
            }
        }
    }

    /// The largest resident set of any waited-for child, in MiB (`getrusage(RUSAGE_CHILDREN)`).
    static func childrenPeakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    func readActivities(_ url: URL) throws -> [ActivityReport] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        return try JSONDecoder().decode([ActivityReport].self, from: data)
    }

    func configurationText(_ run: ActivityReport, stage1: Int, stage2: Int) -> String {
        switch run.name {
        case "original", "retrain": "FedAvg \(rounds) rounds × \(localEpochs) local epochs"
        case "retrain-2": "FedAvg \(rounds) rounds × \(localEpochs) local epochs, another data order"
        case "ft": "FedAvg \(ftRounds) rounds from the original"
        default: "federated WSS-CL: saliency \(saliency), stage 1 \(stage1) epoch(s), stage 2 \(stage2) epoch(s)"
            + (clientMethod.wssclConfig.map { ", overrides \($0)" } ?? "")
        }
    }

    /// The deletion: which training positions it names, and the request that names them.
    struct DeletionPlan {
        var forget: [Int]
        var target: String
        var scope: DeletionScope
        var kindName: String
        var describe: String
        var classLabel: Int?
        var fraction: Double?

        func description(count: Int) -> ForgetDescription {
            ForgetDescription(kind: kindName, fraction: fraction, classLabel: classLabel, count: count)
        }
    }

    /// Writes one id per line to `name` in `folder`.
    func writeIDs(_ ids: [Int], _ name: String, _ folder: URL) throws -> URL {
        let file = folder.appendingPathComponent(name)
        try (ids.map(String.init).joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func deletionPlan(_ scenario: Scenario, shares: [[Int]], train: ImageDataset, folder: URL) throws -> DeletionPlan {
        switch scenario {
        case .ids:
            let holder = Self.clientIndex(forgetClient)!
            let share = shares[holder]
            let count = max(1, Int((forgetFraction * Double(share.count)).rounded()))
            var rng = SeededGenerator(seed: seed).derived(0x666f_7267)  // "forg"
            let positions = rng.permutation(share.count).prefix(count).map { share[$0] }.sorted()
            let ids = positions.map { train.ids[$0] }
            let file = try writeIDs(ids, "forget-ids.txt", folder)
            return DeletionPlan(forget: positions, target: "client-\(holder)", scope: .samples(ids), kindName: "ids",
                                describe: "\(count) sample(s) of client-\(holder) (ids in \(file.path))",
                                fraction: forgetFraction)
        case .wholeClass(let label):
            let positions = shares.flatMap { $0 }.filter { Int(train.labels[$0]) == label }.sorted()
            guard !positions.isEmpty else { throw SimulationError.setup("no client holds a sample of class \(label)") }
            return DeletionPlan(forget: positions, target: "client-0", scope: .wholeClass(label), kindName: "class",
                                describe: "class \(label) on every client (\(positions.count) samples)",
                                classLabel: label)
        case .client(let index):
            guard clients > 1 else { throw SimulationError.setup("deleting the only client leaves nothing to train on") }
            return DeletionPlan(forget: shares[index].sorted(), target: "client-\(index)", scope: .wholeClient,
                                kindName: "client", describe: "all of client-\(index) (\(shares[index].count) samples)")
        }
    }
}
