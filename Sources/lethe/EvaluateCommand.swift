import ArgumentParser
import Foundation
import LetheData
import LetheNN
import LetheReport
import LetheTensor
import LetheUnlearning

/// `lethe evaluate`: accuracy of a saved model on the Fashion-MNIST test set, overall and per class; with
/// `--forget`, also the unlearning metrics of that model against a forget set (an audit of any saved model, such as
/// one `lethe simulate` published).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Test accuracy of a saved cnn-small model, overall and per class; UA, RA, TA and MIA with --forget.",
        discussion: """
            With --forget, D_f is the named training images and D_r every other training image; TA and the MIA \
            non-members are the evaluated test images (for class:N, TA leaves class N out). The line "MIA attack \
            accuracy" is the attack's balanced accuracy on its own members and non-members: near 50 % it cannot tell \
            seen from unseen images, and MIA-efficacy then moves by chance. The membership line is a per-sample attack \
            on the forget set against held-out test images of its classes (ROC AUC, chance 0.5; TPR at 1 % FPR, \
            chance 1 %). With --canary, the ASR line is the share of triggered non-target test images the model \
            calls the target, and with --forget the forget samples are scored as they were trained: stamped and \
            relabelled.
            """
    )

    @OptionGroup var data: DataOptions
    @Option(help: "The model to evaluate (safetensors written by `lethe train`, or an encoder by `lethe pretrain`).")
    var model: String
    @Option(help: "Evaluate on the first N test images (default: all).") var testSubset: Int?
    @Option(help: "Also measure UA, RA, TA and MIA against this forget set: random:FRACTION, class:LABEL or ids:FILE.")
    var forget: String?
    @Option(help: "Seed of the random:FRACTION selection and of the membership attack's held-out sample.")
    var seed: UInt64 = 1
    @Option(help: "Measure the attack success rate of this canary: none, or target:N (optionally ,size:K,seed:S).")
    var canary = "none"

    func validate() throws {
        if try CanaryOption.parse(canary) != nil, forget?.lowercased().hasPrefix("class:") == true {
            throw ValidationError("--canary: \(CanaryError.meaninglessForClassDeletion)")
        }
    }
    @Option(help: "Write the results as JSON to this path.") var json: String?

    func run() throws {
        let started = Date()
        let forgetSpec = try forget.map { try ForgetSpec(parsing: $0) }
        let network = Architecture.cnnSmall.build(seed: 0)
        do {
            try Safetensors.load(into: network.parameters, from: URL(fileURLWithPath: model),
                                 expectedArchitecture: network.architecture)
        } catch CheckpointError.architectureMismatch(_, _, let found) where found == Architecture.simclr.rawValue {
            return try evaluateEncoder(started: started)
        }
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let positions = Array(0..<min(testSubset ?? test.count, test.count))
        let evaluation = Evaluator.evaluate(network, on: test, positions: positions)
        print(String(format: "test accuracy %.2f%% on %d images", evaluation.accuracy, positions.count))
        printPerClass(evaluation.perClassAccuracy)
        let canary = try CanaryOption.parse(self.canary)
        let asr = try canary.map { canary in
            let audit = try CanaryAudit(canary: canary, test: test.subset(positions))
            let rate = audit.attackSuccessRate(network)
            print(String(format: "canary %@: ASR %.2f%% of %d triggered test images (true class ≠ %d)",
                         canary.description, rate, audit.triggered.count, canary.target))
            return rate
        }
        let unlearning = try forgetSpec.map {
            try unlearningMetrics(network, test: test.subset(positions), spec: $0, canary: canary)
        }
        if let json {
            try writeJSON(EvaluateResult(model: model, testImages: positions.count, testAccuracy: evaluation.accuracy,
                                         perClassAccuracy: evaluation.perClassAccuracy, asr: asr, unlearning: unlearning,
                                         encoder: nil, seconds: Date().timeIntervalSince(started)), to: json)
        }
    }

    /// A simclr encoder has no classifier to read: its linear probe, kNN and membership test (fitted on all
    /// training images) stand in, and the per-class lines are the probe's.
    private func evaluateEncoder(started: Date) throws {
        guard forget == nil, try CanaryOption.parse(canary) == nil else {
            throw ValidationError("--forget and --canary read a classifier; \(model) is a simclr encoder, which is "
                                  + "read by its linear probe, kNN and membership test only")
        }
        let encoder = Architecture.simclr.build(seed: 0)
        try Safetensors.load(into: encoder.parameters, from: URL(fileURLWithPath: model),
                             expectedArchitecture: encoder.architecture)
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let positions = Array(0..<min(testSubset ?? test.count, test.count))
        log("a simclr encoder: probing its frozen features (fitted on all \(train.count) training images)")
        var rng = SeededGenerator(seed: seed)
        let readout = try EncoderReadout(encoder, train: train, trainPositions: Array(0..<train.count), test: test,
                                         testPositions: positions, rng: &rng)
        readout.lines.forEach { print($0) }
        let perClass = readout.probe.perClassAccuracy
        printPerClass(perClass, suffix: " (probe)")
        if let json {
            let reading = EncoderEvaluation(probeAccuracy: readout.probeAccuracy, knnAccuracy: readout.knnAccuracy,
                                            membership: readout.membership)
            try writeJSON(EvaluateResult(model: model, testImages: positions.count, testAccuracy: readout.probeAccuracy,
                                         perClassAccuracy: perClass, asr: nil, unlearning: nil, encoder: reading,
                                         seconds: Date().timeIntervalSince(started)), to: json)
        }
    }

    /// One line per class: its number, name and accuracy ("—" for a class with no evaluated image).
    private func printPerClass(_ accuracies: [Double?], suffix: String = "") {
        for (c, accuracy) in accuracies.enumerated() {
            let name = FashionMNIST.classNames[c].padding(toLength: 12, withPad: " ", startingAt: 0)
            print("  \(c) \(name) " + (accuracy.map { String(format: "%6.2f%%", $0) } ?? "     —") + suffix)
        }
    }

    private func unlearningMetrics(_ network: Sequential, test: ImageDataset, spec: ForgetSpec,
                                   canary: Canary?) throws -> UnlearningMetrics {
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        var rng = SeededGenerator(seed: seed)
        let split = try spec.select(in: train, rng: &rng)
        let held = try canary.map { try $0.stamped(train, at: split.forget, relabel: true) } ?? train
        let task = try UnlearningTask(train: held, forget: split.forget, retain: split.retain)
        var evaluationData = EvaluationData(test: test, forgetting: spec)
        var auditRNG = rng.derived(0x6175_6469)  // "audi"
        try evaluationData.addAudits(forgetClasses: split.forget.map { train.labels[$0] }, canary: canary,
                                     rng: &auditRNG)
        let metrics = try UnlearningEvaluator.evaluate(network, task: task, data: evaluationData)
        print(String(format: "forget %@ (%d images): UA %.2f  RA %.2f  TA %.2f  MIA %.2f", spec.description,
                     split.forget.count, metrics.ua, metrics.ra, metrics.ta, metrics.mia))
        if let accuracy = metrics.miaAttackAccuracy {
            print(ResultsTable.attackLabel + String(format: "%.1f", accuracy))
        }
        if let roc = metrics.membership {
            print(ResultsTable.membershipLabel + String(format: " (%d vs %d): ROC AUC %.3f, TPR at 1 %% FPR %.1f %%",
                                                        roc.memberCount, roc.nonMemberCount, roc.auc,
                                                        100 * roc.tprAtOnePercentFPR))
        }
        return metrics
    }
}

/// The JSON of `lethe evaluate` (schema `ResultsSchema.version`, docs/results.schema.json).
struct EvaluateResult: Codable {
    var schema = ResultsSchema.version
    var command = ResultsSchema.Command.evaluate.rawValue
    var model: String
    var testImages: Int
    var testAccuracy: Double
    /// Per class; null for a class with no evaluated test image (JSON has no NaN).
    var perClassAccuracy: [Double?]
    /// Attack success rate of `--canary`, in percent.
    var asr: Double?
    /// UA, RA, TA, MIA and the attack's accuracy, with `--forget`.
    var unlearning: UnlearningMetrics?
    /// A simclr encoder's probes (its test accuracy and per-class figures above are the linear probe's).
    var encoder: EncoderEvaluation?
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case schema, command, model, seconds, unlearning, asr, encoder
        case testImages = "test_images", testAccuracy = "test_accuracy", perClassAccuracy = "per_class_accuracy"
    }
}

/// What `lethe evaluate` reports of an encoder in its JSON.
struct EncoderEvaluation: Codable {
    var probeAccuracy: Double
    var knnAccuracy: Double
    var membership: EncoderMembership.Result

    enum CodingKeys: String, CodingKey {
        case membership
        case probeAccuracy = "probe_accuracy", knnAccuracy = "knn_accuracy"
    }
}
