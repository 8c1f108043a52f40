import ArgumentParser
import Foundation
import LetheData
import LetheNN
import LetheReport
import LetheTensor
import LetheUnlearning

/// `lethe unlearn`: the evaluation protocol — original and Retrain, then each method — as the papers' table.
struct UnlearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlearn",
        abstract: "Unlearn a forget set with one or more methods and compare each with retraining from scratch.",
        discussion: """
        Per seed: a stratified 10 % validation split, the forget set, the original model (10 epochs on D) and Retrain
        (the same recipe on D_r) — both cached in --cache-dir — then every method from the same original.
        Metrics: UA, RA, TA, MIA-efficacy (percent), Avg. Gap to Retrain, seconds and RTE (time / Retrain's).
        """
    )

    @OptionGroup var data: DataOptions
    @Option(help: "The original model to unlearn from (default: train it with the protocol's recipe, cached).")
    var model: String?
    @Option(help: "What to forget: random:FRACTION, class:LABEL or ids:FILE (one sample id per line).")
    var forget = "random:0.1"
    @Option(help: ArgumentHelp("A backdoor in the forget set: none, or target:N (optionally ,size:K,seed:S).",
                               discussion: "Before the original is trained, every forget sample gets a fixed trigger "
                                   + "(a seeded K×K patch, default 4, in the bottom-right corner) and the label N; "
                                   + "the table's ASR column then shows how much of that rule each model still "
                                   + "applies, Retrain's value being the mark. Not with class:LABEL or --model."))
    var canary = "none"
    @Option(help: ArgumentHelp(ReasonOption.help, discussion: "Default: poisoned with --canary, else privacy. It picks "
                               + "WSS-CL's reading (the poisoned preset with poisoned); refused with class:LABEL."))
    var reason: String?
    @Option(help: "Methods: a comma list of \(MethodName.allCases.map(\.rawValue).joined(separator: ", ")), or all.")
    var method = "wss-cl"
    @Option(help: "Seed of the run.") var seed: UInt64 = 1
    @Option(help: "Several seeds, comma separated (reports mean ± std); overrides --seed.") var seeds: String?
    @Option(help: "JSON file of configuration overrides keyed by method name.") var config: String?
    @Option(help: ArgumentHelp("Grid of one method's configurations (JSON: method, base, grid of dotted keys).",
                               discussion: "Every point runs on --validation-seeds; the point with the smallest mean "
                                   + "Avg. Gap then runs on --seeds (default 1,2,3 when sweeping)."))
    var sweep: String?
    @Option(help: "Validation seeds for --sweep, comma separated.") var validationSeeds = "100,101"
    @Option(help: ArgumentHelp("With --sweep: only points whose mean time is at most this fraction of Retrain's may win.",
                               discussion: "Issue 7's RTE bars as a selection rule, e.g. 0.2. Measure on an otherwise "
                                   + "idle machine: the ratio uses Retrain's cached training time."))
    var maxTimeRatio: Double?
    @Option(help: "Use a random subset of this many training images (quick runs).") var trainSubset: Int?
    @Option(help: "Use the first N test images.") var testSubset: Int?
    @Option(help: "Epochs of the original model and of Retrain.") var epochs = 10
    @Option(help: "Cache folder for original and Retrain checkpoints.") var cacheDir = UnlearnCommand.defaultCache
    @Option(help: "Write the results as JSON to this path.") var json: String?
    @Option(help: "Also write the results as an HTML report with SVG plots to this path (as `lethe report` draws it).")
    var report: String?
    @Option(help: "BLAS threads (default: all cores).") var threads: Int?

    static var defaultCache: String {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        return base + "/lethe"
    }

    func validate() throws {
        _ = try seedList()
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        if let trainSubset, trainSubset < 100 { throw ValidationError("--train-subset must be at least 100") }
        if let maxTimeRatio, !(maxTimeRatio > 0) { throw ValidationError("--max-time-ratio must be positive") }
        if maxTimeRatio != nil, sweep == nil { throw ValidationError("--max-time-ratio needs --sweep") }
        if try ReasonOption.parse(reason) == .poisoned, forget.lowercased().hasPrefix("class:") {
            throw ValidationError("--reason poisoned applies to sample deletions, not to class:LABEL")
        }
        if try parsedCanary() != nil {
            if forget.lowercased().hasPrefix("class:") { throw ValidationError("\(CanaryError.meaninglessForClassDeletion)") }
            if model != nil {
                throw ValidationError("--canary plants the backdoor before the original is trained; it cannot be "
                                      + "combined with --model")
            }
        }
    }

    func parsedCanary() throws -> Canary? { try CanaryOption.parse(canary) }

    func seedList() throws -> [UInt64] {
        guard let seeds else { return sweep != nil ? [1, 2, 3] : [seed] }
        return try Self.parseSeeds(seeds, flag: "--seeds")
    }

    static func parseSeeds(_ text: String, flag: String) throws -> [UInt64] {
        let list = text.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.count == text.split(separator: ",").count else {
            throw ValidationError("\(flag) must be a comma-separated list of integers, e.g. 1,2,3")
        }
        return list
    }

    func setup(seed: UInt64, spec: ForgetSpec) -> ExperimentSetup {
        var setup = ExperimentSetup(seed: seed, forget: spec)
        setup.recipe.epochs = epochs
        setup.trainSubset = trainSubset
        setup.testSubset = testSubset
        setup.cacheDirectory = URL(fileURLWithPath: cacheDir)
        setup.canary = try? parsedCanary()
        return setup
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let spec = try ForgetSpec(parsing: forget)
        let overrides = try config.map(MethodCatalog.loadOverrides(path:))
        let grid = try sweep.map(SweepGrid.init(path:))
        let wholeClass = if case .wholeClass = spec { true } else { false }
        let deletionReason = try ReasonOption.parse(reason, canary: try parsedCanary())
        let kind = ReasonOption.forgettingKind(deletionReason, wholeClass: wholeClass)
        var methods = try MethodCatalog.parse(method).map {
            try MethodCatalog.make($0, overrides: overrides?[$0.rawValue], kind: kind)
        }
        let validation = try Self.parseSeeds(validationSeeds, flag: "--validation-seeds")
        let testSeeds = try seedList()
        let sweeper = try grid.map { try Sweep(grid: $0, validationSeeds: validation, testSeeds: testSeeds, kind: kind,
                                                    maxTimeRatio: maxTimeRatio) }
        let original = try model.map(loadModel)
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        if let sweeper, let grid {
            let reporter = PhaseReporter(prefix: "sweep")
            let (points, chosen) = try sweeper.select(setup: { setup(seed: $0, spec: spec) }, train: train, test: test,
                                                     progress: reporter.report, report: { reporter.log($0) })
            reporter.finish()
            printSweep(points, chosen: chosen)
            if let json { try writeJSON(points, to: json + ".sweep.json") }
            guard let chosen else {
                throw UnlearningError.invalidConfiguration(
                    method: grid.method.rawValue,
                    reason: String(format: "no sweep point's mean time is within %.2f of Retrain's; nothing runs on "
                                   + "the test seeds", maxTimeRatio ?? 0))
            }
            methods = [try MethodCatalog.make(grid.method, overrides: grid.overrides(at: chosen), kind: kind)]
        }
        var outcomes: [ExperimentOutcome] = []
        for seed in testSeeds {
            let experiment = try UnlearningExperiment(setup: setup(seed: seed, spec: spec), train: train, test: test)
            log("seed \(seed): forget \(experiment.data.task.forget.count), retain \(experiment.data.task.retain.count), "
                + "held out \(experiment.data.task.heldOut.count); methods \(methods.map(\.name.rawValue).joined(separator: ", "))")
            let reporter = PhaseReporter(prefix: "seed \(seed)")
            outcomes.append(try experiment.run(methods: methods, original: original, progress: reporter.report))
            reporter.finish()
        }
        var forgetDescription = describe(spec, count: outcomes[0].forgetCount)
        forgetDescription.canary = try parsedCanary()?.description
        forgetDescription.reason = wholeClass ? nil : deletionReason.rawValue
        let document = ResultsDocument(forget: forgetDescription, seeds: try seedList(),
                                       results: aggregate(outcomes))
        print(ResultsTable.render(document))
        for row in document.results where row.configuration != nil && row.method != "original" {
            print("  \(row.method): \(row.configuration!)")
        }
        if let json { try writeJSON(document, to: json) }
        if let report { try ReportCommand.writeForRun(json: try prettyJSON(document), source: json, to: report) }
    }

    func printSweep(_ points: [SweepPoint], chosen: Int?) {
        print("sweep on validation seeds \(validationSeeds): mean Avg. Gap (per seed), time / Retrain's, "
              + "mean UA RA TA MIA")
        for (index, point) in points.enumerated() {
            let gaps = point.gaps.map { String(format: "%.2f", $0) }.joined(separator: ", ")
            let m = point.meanMetrics
            print(String(format: "%@ %6.2f  (%@)  %.2f  %.2f %.2f %.2f %.2f  %@", index == chosen ? "→" : " ",
                         point.meanGap, gaps, point.timeRatio, m.ua, m.ra, m.ta,
                         m.mia, point.label.isEmpty ? "base" : point.label))
        }
    }

    func loadModel(_ path: String) throws -> Sequential {
        let network = Architecture.cnnSmall.build(seed: 0)
        try Safetensors.load(into: network.parameters, from: URL(fileURLWithPath: path),
                             expectedArchitecture: network.architecture)
        return network
    }

    /// Rows per method, means over seeds; RTE relative to each seed's Retrain time.
    func aggregate(_ outcomes: [ExperimentOutcome]) -> [ResultRow] {
        func row(_ m: MethodOutcome, retrainSeconds: Double, isRetrain: Bool = false) -> ResultRow {
            ResultRow(method: m.method, metrics: m.metrics, seconds: m.seconds, avgGap: isRetrain ? nil : m.averageGap,
                      rte: m.method == "original" ? nil : m.seconds / retrainSeconds, configuration: m.configuration)
        }
        var perMethod: [(String, [ResultRow])] = []
        for outcome in outcomes {
            let rows = [row(outcome.original, retrainSeconds: outcome.retrain.seconds),
                        row(outcome.retrain, retrainSeconds: outcome.retrain.seconds, isRetrain: true)]
                + outcome.methods.map { row($0, retrainSeconds: outcome.retrain.seconds) }
            for r in rows {
                if let i = perMethod.firstIndex(where: { $0.0 == r.method }) { perMethod[i].1.append(r) } else {
                    perMethod.append((r.method, [r]))
                }
            }
        }
        return perMethod.map { ResultRow.aggregate($0.1) }
    }

    func describe(_ spec: ForgetSpec, count: Int) -> ForgetDescription {
        switch spec {
        case .random(let fraction): return ForgetDescription(kind: "random", fraction: fraction, count: count)
        case .wholeClass(let label): return ForgetDescription(kind: "class", classLabel: label, count: count)
        case .ids: return ForgetDescription(kind: "ids", count: count)
        }
    }
}
