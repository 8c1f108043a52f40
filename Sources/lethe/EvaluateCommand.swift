import ArgumentParser
import Foundation
import LetheData
import LetheNN
import LetheUnlearning

/// `lethe evaluate`: accuracy of a saved model on the Fashion-MNIST test set, overall and per class.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Test accuracy of a saved cnn-small model, overall and per class."
    )

    @OptionGroup var data: DataOptions
    @Option(help: "The model to evaluate (safetensors written by `lethe train`).") var model: String
    @Option(help: "Evaluate on the first N test images (default: all).") var testSubset: Int?
    @Option(help: "Write the results as JSON to this path.") var json: String?

    func run() throws {
        let started = Date()
        let network = Architecture.cnnSmall.build(seed: 0)
        try Safetensors.load(into: network.parameters, from: URL(fileURLWithPath: model),
                             expectedArchitecture: network.architecture)
        let test = try FashionMNIST.load(split: .test, directory: data.directory)
        let positions = Array(0..<min(testSubset ?? test.count, test.count))
        let evaluation = Evaluator.evaluate(network, on: test, positions: positions)
        print(String(format: "test accuracy %.2f%% on %d images", evaluation.accuracy, positions.count))
        for (c, accuracy) in evaluation.perClassAccuracy.enumerated() {
            let name = FashionMNIST.classNames[c].padding(toLength: 12, withPad: " ", startingAt: 0)
            print("  \(c) \(name) " + (accuracy.map { String(format: "%6.2f%%", $0) } ?? "     —"))
        }
        if let json {
            let perClass = evaluation.perClassAccuracy.map { $0 ?? .nan }
            try writeJSON(EvaluateResult(model: model, testImages: positions.count, testAccuracy: evaluation.accuracy,
                                         perClassAccuracy: perClass,
                                         seconds: Date().timeIntervalSince(started)), to: json)
        }
    }
}

/// The JSON of `lethe evaluate`.
struct EvaluateResult: Codable {
    var model: String
    var testImages: Int
    var testAccuracy: Double
    var perClassAccuracy: [Double]
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case model, seconds
        case testImages = "test_images", testAccuracy = "test_accuracy", perClassAccuracy = "per_class_accuracy"
    }
}
