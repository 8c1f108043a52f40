import ArgumentParser
import Foundation
import LetheCoordinator
import LetheData
import LetheFederation
import LetheLedger
import LetheNN
import LetheTransport
import LetheWire

/// `lethe coordinator`: the federation's server. Trains the federated model (or publishes `--initial-model`), then
/// serves deletion requests until stopped; every published version lands in `--output` with its SHA-256 in the job
/// store.
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: FedAvg training, then federated WSS-CL for each deletion request.")

    @Option(help: "Endpoint to bind, e.g. tcp://127.0.0.1:5555 or ipc:///tmp/lethe.sock.")
    var bind = "tcp://127.0.0.1:5555"
    @Option(help: "Comma-separated client ids allowed to join (empty: any id).")
    var expectedClients = ""
    @Option(help: "Clients that must have joined before training starts (default: the number of expected clients).")
    var quorum: Int?
    @Option(help: "Folder for published safetensors versions, job checkpoints and activities.json.")
    var output = "lethe-coordinator"
    @Option(help: ArgumentHelp("The deletion ledger (SQLite, created if missing), or 'memory' for a dry run.",
                               discussion: "Requests are durable in the ledger before they are acknowledged; a "
                                   + "restarted coordinator resumes unfinished jobs from it. Default: OUTPUT/ledger.sqlite."))
    var ledger: String?
    @Option(help: ArgumentHelp("Ed25519 key (PKCS #8 PEM) that signs each job's deletion certificate.",
                               discussion: "Created with mode 0600 when missing (default: OUTPUT/keys/signing-key.pem); "
                                   + "its public half is written to OUTPUT/signing-key.pub.pem, beside the models. "
                                   + "Certificates go to OUTPUT/certificates/<request-id>.json."))
    var signingKey: String?
    @Option(help: ArgumentHelp("JSON file of this command's options (a kit's lethe.json from lethe provision).",
                               discussion: "Read before the command line, whose flags override it; relative paths in "
                                   + "it are taken from the file's folder."))
    var config: String?
    @Option(help: "FedAvg rounds for the original model.") var rounds = 5
    @Option(help: "Local epochs per round.") var localEpochs = 2
    @Option(help: ArgumentHelp("Fraction of the live clients asked to train each round, drawn per round from the seed.",
                               discussion: "As Flower's fraction_fit: ⌈fraction × clients⌉ per round, at least one; "
                                   + "rounds then send the model only to the clients they ask. 1 asks everyone."))
    var fractionFit = 1.0
    @Option(help: ArgumentHelp("Multiply every round's and phase's timeout by this factor (≥ 1).",
                               discussion: "For clients that answer one after another, as `lethe simulate "
                                   + "--virtual-clients` does: a phase then takes about N / threads times one "
                                   + "client's work."))
    var timeoutFactor = 1.0
    @Option(help: "Seed of the initial model and of the rounds.") var seed: UInt64 = 1
    @Option(help: "Aggregation rule: weighted-mean, median or trimmed-mean:β.") var aggregation = "weighted-mean"
    @Option(help: "Saliency reports: dense (exact aggregation) or top-k (compressed vote).") var saliency = "dense"
    @Option(help: ArgumentHelp(
        "ε of each client's statistics release, at δ = 1e-5, 0 < ε ≤ 100 (unset: exact statistics).",
        discussion: "Clients clip features to norm B (10) and add Gaussian noise to every count, Σh and Σh² (σ, σB, "
            + "σB²), σ from the analytic Gaussian mechanism (Balle & Wang 2018) for the joint sensitivity √3 of "
            + "(n, Σh/B, Σh²/B²); each reply states the ε it delivers. The guarantee is per deletion job; k jobs compose."))
    var epsilon: Double?
    @Option(help: "File with the coordinator's CURVE secret key (Z85); enables CURVE.") var curveSecretKeyFile: String?
    @Option(help: "File with the coordinator's CURVE public key (Z85).") var curvePublicKeyFile: String?
    @Option(help: "File with the allowed client public keys (Z85), one per line.") var curveClientKeys: String?
    @Option(help: "Stop after this many deletion jobs (and the comparison runs); unset: serve until killed.")
    var stopAfterJobs: Int?
    @Option(help: "WSS-CL stage-1 (KL forgetting) epochs on the forget holders, every deletion kind (default: per kind).")
    var forgettingEpochs: Int?
    @Option(help: "WSS-CL stage-1 learning rate, for every deletion kind (default: the method's, per kind).")
    var forgettingLearningRate: Float?
    @Option(help: "WSS-CL stage-2 (contrastive) epochs on the forget holders (default: the federation's, 1).")
    var contrastiveEpochs: Int?
    @Option(help: ArgumentHelp("Comparison runs after the jobs, e.g. retrain:5,ft:2 (used by lethe simulate).",
                               discussion: "skip:N trains nothing but uses up the model versions and round seeds of "
                                   + "an N-round run, so the runs after it train as if it had run (lethe simulate "
                                   + "puts it in a cached Retrain's place); retrain-again:N is a second Retrain on the "
                                   + "round seeds after the runs before it (lethe simulate --noise-floor)."))
    var comparisons = ""
    @Option(help: ArgumentHelp(
        "A cnn-small safetensors checkpoint to publish as the original model instead of training it.",
        discussion: "Published as activity 'original' at the version --rounds FedAvg rounds would reach, with the "
            + "seconds of its metadata key train_seconds (0 if absent) as its time and loadedFrom set in "
            + "activities.json. Used by lethe simulate --cache-dir. Ignored when the ledger already holds a model."))
    var initialModel: String?
    @OptionGroup(title: "Link timing") var linkTiming: LinkTimingOptions
    @Option(help: ArgumentHelp("Seconds without a message from a client before it is counted as gone.",
                               discussion: "Clients send a heartbeat every second; on a slow link a heartbeat can wait "
                                   + "behind a large upload, so keep this above the time one model takes to arrive."))
    var clientDeadAfter = 5.0
    @Option(help: ArgumentHelp("Log lines on standard error: text, or json (one object per event: time, level, node, "
                               + "message).")) var logFormat: LogFormat = .text

    func validate() throws {
        guard AggregationRule(parsing: aggregation) != nil else {
            throw ValidationError("--aggregation must be weighted-mean, median or trimmed-mean:β with 0 ≤ β < 0.5")
        }
        guard fractionFit > 0, fractionFit <= 1 else {
            throw ValidationError("--fraction-fit must be in (0, 1]: \(fractionFit) is not")
        }
        guard timeoutFactor >= 1, timeoutFactor <= 1000 else {
            throw ValidationError("--timeout-factor must be between 1 and 1000")
        }
        guard clientDeadAfter >= 1, clientDeadAfter <= 3600 else {
            throw ValidationError("--client-dead-after must be between 1 and 3600 seconds")
        }
        guard ["dense", "top-k"].contains(saliency) else { throw ValidationError("--saliency must be dense or top-k") }
        guard ledger != "" else {
            throw ValidationError("--ledger needs a path (or 'memory')")
        }
        guard (curveSecretKeyFile == nil) == (curvePublicKeyFile == nil),
              (curveSecretKeyFile == nil) == (curveClientKeys == nil) else {
            throw ValidationError("CURVE needs --curve-secret-key-file, --curve-public-key-file and --curve-client-keys")
        }
        _ = try parseComparisons(comparisons)
        if let epsilon {
            do { _ = try FederationConfiguration.Privacy(epsilon: epsilon).unitNoiseSigma() } catch {
                throw ValidationError("--epsilon must be in (0, 100]: \(epsilon) is not")
            }
        }
    }

    func run() throws {
        let log = NodeLog(format: logFormat, node: "coordinator", textPrefix: "[lethe] coordinator: ")
        do { try serve(log: log) } catch {
            // The last event of a stopped node goes through the same log, so a JSON collector sees why.
            log.error("stopped: \(error)")
            throw ExitCode.failure
        }
    }

    private func serve(log: NodeLog) throws {
        var options = SocketOptions()
        options.maxMessageBytes = Int64(WireLimits.default.maxMessageBytes) + (64 << 10)
        linkTiming.apply(to: &options)
        let curveSettings = try curve()
        // A refused handshake never reaches the node as a message; the transport reports each cause once.
        let refusals = HandshakeRefusals(report: log.line)
        let transport = try ZMQTransport.router(context: ZMQContext(), bind: bind, options: options, curve: curveSettings,
                                                refusals: refusals)
        let node = try makeNode(transport: transport, log: log.line)
        log("bound to \(transport.endpoint); model \(node.weightCount) weights; "
            + (curveSettings.map { "CURVE on, \($0.allowedClientKeys.count) allowed key(s)" } ?? "plaintext (no CURVE)"))
        // SIGTERM (systemd, a test harness) and SIGINT stop the node between steps: the ledger is already durable,
        // the census is written and the socket closed.
        let stop = StopRequest()
        let signals = StopSignals { log("signal \($0): stopping"); stop.request() }
        defer { signals.cancel() }
        try node.run(shouldStop: { stop.isRequested })
        node.writeCensus()
        transport.close()
    }

    /// The coordinator node these options describe, over `transport` (a bound ZeroMQ socket, or the in-process
    /// network of `lethe simulate --virtual-clients`), with its ledger and output folder opened.
    func makeNode(transport: any MessageTransport, log: @escaping @Sendable (String) -> Void) throws -> CoordinatorNode {
        let model = Architecture.cnnSmall.build(seed: seed)
        let loaded = try initialModel.map(Self.loadOriginal)
        var settings = CoordinatorConfiguration(outputDirectory: URL(fileURLWithPath: output),
                                                layout: model.parameters.entries)
        settings.federation = federationConfiguration()
        settings.classCount = FashionMNIST.classCount
        settings.expectedClients = expectedClients.split(separator: ",").map(String.init)
        settings.quorumToStart = quorum ?? max(1, settings.expectedClients.count)
        settings.stopAfterJobs = stopAfterJobs
        settings.comparisons = try parseComparisons(comparisons)
        settings.signingKey = try SigningKey.loadOrCreate(path: signingKey ?? "\(output)/keys/signing-key.pem")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let store: JobStore = ledger == "memory" ? InMemoryJobStore()
            : try Ledger(path: ledger ?? URL(fileURLWithPath: output).appendingPathComponent("ledger.sqlite").path)
        return try CoordinatorNode(transport: transport, store: store, configuration: settings,
                                   initialWeights: model.parameters.values, loadedOriginal: loaded, log: log)
    }

    /// `--initial-model`: the checkpoint's weights, checked against cnn-small (every tensor's name and shape,
    /// finite values) before anything starts, and its `train_seconds`.
    static func loadOriginal(_ path: String) throws -> LoadedOriginal {
        let model = Architecture.cnnSmall.build(seed: 0)
        do {
            let metadata = try Safetensors.load(into: model.parameters, from: URL(fileURLWithPath: path),
                                                expectedArchitecture: model.architecture)
            let seconds = metadata["train_seconds"].flatMap(Double.init) ?? 0
            return LoadedOriginal(weights: model.parameters.values, trainSeconds: seconds, source: path)
        } catch let error as CheckpointError {
            throw CoordinatorError.configuration("--initial-model: \(error); it must be a cnn-small safetensors "
                + "checkpoint (from lethe train --output, or a coordinator's model-vN.safetensors)")
        }
    }

    func federationConfiguration() -> FederationConfiguration {
        var federation = FederationConfiguration()
        federation.training.rounds = rounds
        federation.training.localEpochs = localEpochs
        federation.training.fractionFit = fractionFit
        federation.timeouts = federation.timeouts.scaled(by: timeoutFactor)
        let interval = Double(federation.liveness.heartbeatIntervalMilliseconds) / 1000
        federation.liveness.liveness = UInt32(max(1, (clientDeadAfter / interval).rounded(.up)))
        federation.training.seed = seed
        federation.aggregation = AggregationRule(parsing: aggregation) ?? .weightedMean
        federation.unlearning.saliencyEncoding = saliency == "top-k" ? .topK : .dense
        if let forgettingEpochs {
            federation.unlearning.forgettingEpochs = forgettingEpochs
            federation.unlearning.classForgettingEpochs = forgettingEpochs
            federation.unlearning.poisonedForgettingEpochs = forgettingEpochs
        }
        if let forgettingLearningRate {
            federation.unlearning.forgettingLearningRate = forgettingLearningRate
            federation.unlearning.classForgettingLearningRate = forgettingLearningRate
            federation.unlearning.poisonedForgettingLearningRate = forgettingLearningRate
        }
        if let contrastiveEpochs { federation.unlearning.contrastiveEpochs = contrastiveEpochs }
        federation.unlearning.privacy = epsilon.map { FederationConfiguration.Privacy(epsilon: $0) }
        return federation
    }

    func curve() throws -> CurveServerConfig? {
        guard let secretFile = curveSecretKeyFile, let publicFile = curvePublicKeyFile, let clientFile = curveClientKeys
        else { return nil }
        let read = { (path: String) throws -> String in
            try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let keys = try CurveKeyPair(publicKey: read(publicFile), secretKey: read(secretFile))
        let allowed = try read(clientFile).split(whereSeparator: \.isNewline).map(String.init)
        return CurveServerConfig(keyPair: keys, allowedClientKeys: Set(allowed))
    }
}

/// `retrain:5,ft:2` (or `skip:5,ft:2`, plus `retrain-again:5` for a second Retrain) → comparison runs.
func parseComparisons(_ text: String) throws -> [CoordinatorConfiguration.Comparison] {
    try text.split(separator: ",").map { item in
        let parts = item.split(separator: ":")
        guard parts.count == 2, let rounds = Int(parts[1]), rounds >= 1 else {
            throw ValidationError("--comparisons: '\(item)' is not retrain:N, ft:N, skip:N or retrain-again:N")
        }
        switch parts[0] {
        case "retrain": return .retrain(rounds: rounds)
        case "ft": return .fineTune(rounds: rounds)
        case "skip": return .skipped(rounds: rounds)
        case "retrain-again": return .retrainAgain(rounds: rounds)
        default: throw ValidationError("--comparisons: unknown run '\(parts[0])'; use retrain, ft, skip or retrain-again")
        }
    }
}
