import ArgumentParser
import Foundation
import LetheData
import LetheNN
import LetheReport
import LetheTensor
import LetheUnlearning

/// `lethe pretrain --objective simclr`: self-supervised pretraining of an encoder (cnn-small's trunk under a
/// projection head), then its linear probe and kNN accuracy on the test set (issue 20).
struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain an encoder without labels (SimCLR) and report its linear-probe and kNN accuracy.",
        discussion: """
            Recipe defaults: 20 epochs of batch 128 (two views each: random resized crop ≥ 35 % of the area, \
            horizontal flip, brightness and contrast ±0.4, N(0, 0.1²) noise), NT-Xent τ 0.5, SGD lr 0.1, momentum \
            0.9, weight decay 5e-4, cosine to 0. The probe is softmax regression on the frozen, standardised \
            128-dimensional features of the training images (30 epochs, SGD lr 0.1); kNN votes with the 20 most \
            cosine-similar training features, weighted e^{s/0.07}. Labels are used by the probes only. A membership \
            test in the spirit of EncoderMI scores up to 1,000 pretraining and 1,000 test images by the mean cosine \
            similarity of six augmented views' features (ROC AUC, TPR at 1 % FPR, a threshold attack's accuracy).
            """
    )

    enum Objective: String, ExpressibleByArgument, CaseIterable { case simclr }

    @OptionGroup var data: DataOptions
    @Option(help: "Pretraining objective: simclr.") var objective: Objective
    @Option(help: "Pretraining epochs.") var epochs = 20
    @Option(help: "Images per batch (each drawn as two views).") var batchSize = 128
    @Option(name: .customLong("lr"), help: "Base learning rate.") var learningRate: Float = 0.1
    @Option(help: "NT-Xent temperature.") var temperature: Float = 0.5
    @Option(help: "Seed for initialisation, batch order and views.") var seed: UInt64 = 1
    @Option(help: "Pretrain on a random subset of this many training images (default: all 60,000).") var subset: Int?
    @Option(help: "Evaluate on the first N test images (default: all 10,000).") var testSubset: Int?
    @Option(help: "Write the encoder here (safetensors, architecture simclr).") var output: String?
    @Option(help: "Write the results as JSON to this path.") var json: String?
    @Option(help: "BLAS threads (default: all cores).") var threads: Int?

    func validate() throws {
        guard epochs > 0, batchSize >= 2, learningRate > 0, temperature > 0 else {
            throw ValidationError("--epochs, --lr and --temperature must be positive and --batch-size at least 2")
        }
        if let subset, subset < 2 { throw ValidationError("--subset must be at least 2") }
        if let testSubset, testSubset <= 0 { throw ValidationError("--test-subset must be positive") }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let started = Date()
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let rng = SeededGenerator(seed: seed)
        let positions = try trainingPositions(subset: subset, of: train.count, rng: rng)
        let encoder = Architecture.simclr.build(seed: seed)
        let recipe = SimCLRRecipe(epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                  temperature: temperature)
        log("pretraining a simclr encoder on \(positions.count) images, \(epochs) epochs, batch \(batchSize) "
            + "(\(2 * batchSize) views), lr \(learningRate), τ \(temperature), seed \(seed), "
            + "\(BLASThreads.count) BLAS thread(s)")
        let reporter = ProgressReporter(label: "pretrain", showsAccuracy: false)
        let pretrainStart = Date()
        var order = rng.derived(2)
        let epochsRun = SimCLRPretraining.pretrain(encoder, on: train, positions: positions, recipe: recipe,
                                                   rng: &order, progress: reporter.report)
        let pretrainSeconds = Date().timeIntervalSince(pretrainStart)
        if let output {
            try Safetensors.save(encoder.parameters, metadata: ["architecture": encoder.architecture, "seed": "\(seed)",
                                                                "epochs": "\(epochs)", "objective": objective.rawValue],
                                 to: URL(fileURLWithPath: output))
            log("encoder written to \(output)")
        }
        log("probing the frozen features")
        let testPositions = Array(0..<min(testSubset ?? test.count, test.count))
        var readoutRNG = rng.derived(3)
        let readout = try EncoderReadout(encoder, train: train, trainPositions: positions, test: test,
                                         testPositions: testPositions, rng: &readoutRNG)
        let result = PretrainResult(
            model: encoder.architecture, objective: objective.rawValue, seed: seed, trainImages: positions.count,
            testImages: testPositions.count, epochs: epochsRun, probeAccuracy: readout.probeAccuracy,
            knnAccuracy: readout.knnAccuracy, membership: readout.membership, pretrainSeconds: pretrainSeconds,
            seconds: Date().timeIntervalSince(started), peakResidentMiB: ProcessMemory.peakResidentMiB())
        print(readout.lines[0] + String(format: "; pretraining %.1f s; peak memory %.0f MiB", pretrainSeconds,
                                        result.peakResidentMiB))
        print(readout.lines[1])
        if let json { try writeJSON(result, to: json) }
    }
}

/// The JSON of `lethe pretrain` (schema `ResultsSchema.version`, docs/results.schema.json). Epoch accuracies are 0:
/// pretraining has no labels; the loss is NT-Xent's.
struct PretrainResult: Codable {
    var schema = ResultsSchema.version
    var command = ResultsSchema.Command.pretrain.rawValue
    var model: String
    var objective: String
    var seed: UInt64
    var trainImages: Int
    var testImages: Int
    var epochs: [EpochSummary]
    var probeAccuracy: Double
    var knnAccuracy: Double
    var membership: EncoderMembership.Result
    var pretrainSeconds: Double
    var seconds: Double
    var peakResidentMiB: Double

    enum CodingKeys: String, CodingKey {
        case schema, command, model, objective, seed, epochs, seconds, membership
        case trainImages = "train_images", testImages = "test_images", probeAccuracy = "probe_accuracy"
        case knnAccuracy = "knn_accuracy", pretrainSeconds = "pretrain_seconds", peakResidentMiB = "peak_rss_mib"
    }
}
