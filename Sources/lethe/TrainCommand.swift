import ArgumentParser
import Foundation
import LetheData
import LetheNN
import LetheReport
import LetheTensor
import LetheUnlearning

/// Options shared by commands that read Fashion-MNIST.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder with the Fashion-MNIST IDX files.",
                               discussion: "Default: $LETHE_DATA, else /usr/share/datasets/fashion-mnist."))
    var dataDir: String?

    var directory: URL? { dataDir.map { URL(fileURLWithPath: $0) } }
}

/// All `count` training positions, or a seeded random `subset` of them in ascending order (`--subset`; the draw
/// comes from `rng.derived(1)`, so `train` and `pretrain` pick the same images for one seed).
func trainingPositions(subset: Int?, of count: Int, rng: SeededGenerator) throws -> [Int] {
    guard let subset else { return Array(0..<count) }
    guard subset <= count else { throw ValidationError("--subset \(subset) exceeds \(count) images") }
    var pick = rng.derived(1)
    return Array(pick.permutation(count).prefix(subset)).sorted()
}

/// `lethe train`: trains cnn-small on Fashion-MNIST with the reference recipe and evaluates it on the test set.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train cnn-small on Fashion-MNIST and report test accuracy.",
        discussion: "Recipe defaults: 10 epochs, SGD lr 0.05, momentum 0.9, weight decay 5e-4, batch 128, cosine to 0."
    )

    @OptionGroup var data: DataOptions
    @Option(help: "Training epochs.") var epochs = 10
    @Option(help: "Batch size.") var batchSize = 128
    @Option(name: .customLong("lr"), help: "Base learning rate.") var learningRate: Float = 0.05
    @Option(help: "Seed for initialisation and batch order.") var seed: UInt64 = 1
    @Option(help: "Train on a random subset of this many training images (default: all 60,000).") var subset: Int?
    @Option(help: "Evaluate on the first N test images (default: all 10,000).") var testSubset: Int?
    @Option(help: "Write the trained model here (safetensors).") var output: String?
    @Option(help: "Write the results as JSON to this path.") var json: String?
    @Option(help: "BLAS threads (default: all cores).") var threads: Int?

    func validate() throws {
        guard epochs > 0, batchSize > 0, learningRate > 0 else {
            throw ValidationError("--epochs, --batch-size and --lr must be positive")
        }
        if let subset, subset <= 0 { throw ValidationError("--subset must be positive") }
        if let testSubset, testSubset <= 0 { throw ValidationError("--test-subset must be positive") }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let started = Date()
        let train = try FashionMNIST.load(split: .train, directory: data.directory)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let rng = SeededGenerator(seed: seed)
        let positions = try trainingPositions(subset: subset, of: train.count, rng: rng)
        let model = Architecture.cnnSmall.build(seed: seed)
        let recipe = TrainingRecipe(epochs: epochs, batchSize: batchSize, learningRate: learningRate)
        log("training cnn-small on \(positions.count) images, \(epochs) epochs, batch \(batchSize), lr \(learningRate), "
            + "seed \(seed), \(BLASThreads.count) BLAS thread(s)")
        let reporter = ProgressReporter(label: "train")
        let trainStart = Date()
        var batchOrder = rng.derived(2)
        let epochsRun = Trainer.train(model, on: train, positions: positions, recipe: recipe, rng: &batchOrder,
                                      progress: reporter.report)
        let trainSeconds = Date().timeIntervalSince(trainStart)
        let testPositions = Array(0..<min(testSubset ?? test.count, test.count))
        let evaluation = Evaluator.evaluate(model, on: test, positions: testPositions)
        if let output {
            try Safetensors.save(model.parameters, metadata: ["architecture": model.architecture, "seed": "\(seed)",
                                                              "epochs": "\(epochs)"], to: URL(fileURLWithPath: output))
            log("model written to \(output)")
        }
        let result = TrainResult(model: model.architecture, seed: seed, trainImages: positions.count,
                                 testImages: testPositions.count, epochs: epochsRun,
                                 testAccuracy: evaluation.accuracy, trainSeconds: trainSeconds,
                                 seconds: Date().timeIntervalSince(started),
                                 trainSamplesPerSecond: Double(positions.count * epochs) / trainSeconds,
                                 peakResidentMiB: ProcessMemory.peakResidentMiB())
        print(String(format: "test accuracy %.2f%% on %d images; training %.1f s (%.0f samples/s); peak memory %.0f MiB",
                     result.testAccuracy, result.testImages, trainSeconds, result.trainSamplesPerSecond,
                     result.peakResidentMiB))
        if let json { try writeJSON(result, to: json) }
    }
}

/// The JSON of `lethe train` (schema `ResultsSchema.version`, docs/results.schema.json).
struct TrainResult: Codable {
    var schema = ResultsSchema.version
    var command = ResultsSchema.Command.train.rawValue
    var model: String
    var seed: UInt64
    var trainImages: Int
    var testImages: Int
    var epochs: [EpochSummary]
    var testAccuracy: Double
    var trainSeconds: Double
    var seconds: Double
    var trainSamplesPerSecond: Double
    var peakResidentMiB: Double

    enum CodingKeys: String, CodingKey {
        case schema, command, model, seed, epochs, seconds
        case trainImages = "train_images", testImages = "test_images", testAccuracy = "test_accuracy"
        case trainSeconds = "train_seconds", trainSamplesPerSecond = "train_samples_per_s"
        case peakResidentMiB = "peak_rss_mib"
    }
}
