import Foundation
import LetheTensor

/// Throughput of the engine on one architecture with synthetic inputs (the arithmetic does not depend on pixel
/// values, so synthetic data measures the same work as real data without reading files).
public struct EngineBenchmarkResult: Codable, Sendable {
    public var architecture: String
    public var batchSize: Int
    public var threads: Int
    public var trainSamplesPerSecond: Double
    public var inferSamplesPerSecond: Double
    /// Achieved training GFLOP/s, counting 3 × forward multiply-adds × 2 FLOP per sample (forward + two backward GEMMs).
    public var gflops: Double
    public var forwardMegaFlopPerSample: Double
}

public enum EngineBenchmark {
    /// Times `trainSteps` SGD steps and `inferBatches` evaluation passes at `batchSize` after one warm-up of each.
    public static func run(architecture: Architecture = .cnnSmall, batchSize: Int = 128, trainSteps: Int = 30,
                           inferBatches: Int = 30, seed: UInt64 = 1) -> EngineBenchmarkResult {
        let model = architecture.build(seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1)
        let images = Tensor(shape: [batchSize, 1, 28, 28], storage: (0..<(batchSize * 784)).map { _ in rng.nextNormal() })
        let labels = (0..<batchSize).map { _ in Int32(rng.nextInt(below: 10)) }
        var optimizer = SGD(momentum: 0.9, weightDecay: 5e-4)
        _ = model.trainStep(images: images, labels: labels, optimizer: &optimizer, learningRate: 0.01)
        let trainSeconds = time {
            for _ in 0..<trainSteps {
                _ = model.trainStep(images: images, labels: labels, optimizer: &optimizer, learningRate: 0.01)
            }
        }
        _ = model.logits(images)
        let inferSeconds = time { for _ in 0..<inferBatches { _ = model.logits(images) } }
        let trainRate = Double(trainSteps * batchSize) / trainSeconds
        let flopPerSample = 2.0 * Double(model.multiplyAddsPerSample)
        return EngineBenchmarkResult(
            architecture: architecture.rawValue, batchSize: batchSize, threads: BLASThreads.count,
            trainSamplesPerSecond: trainRate, inferSamplesPerSecond: Double(inferBatches * batchSize) / inferSeconds,
            gflops: trainRate * 3 * flopPerSample / 1e9, forwardMegaFlopPerSample: flopPerSample / 1e6)
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

extension EngineBenchmark {
    /// Seconds per batch spent in each layer's forward and backward, averaged over `steps` (for finding hot spots).
    public static func layerProfile(architecture: Architecture = .cnnSmall, batchSize: Int = 128, steps: Int = 10,
                                    seed: UInt64 = 1) -> [(layer: String, forward: Double, backward: Double)] {
        let model = architecture.build(seed: seed)
        var rng = SeededGenerator(seed: seed)
        let images = Tensor(shape: [batchSize, 1, 28, 28], storage: (0..<(batchSize * 784)).map { _ in rng.nextNormal() })
        let labels = (0..<batchSize).map { _ in Int32(rng.nextInt(below: 10)) }
        var forward = [Double](repeating: 0, count: model.layers.count)
        var backward = forward
        for step in 0...steps {
            var activations = [images]
            for (i, layer) in model.layers.enumerated() {
                let t = time { activations.append(layer.forward(activations[i], mode: .training)) }
                if step > 0 { forward[i] += t / Double(steps) }
            }
            var gradient: Tensor? = ClassificationLoss.crossEntropy(logits: activations.last!, labels: labels).gradient
            for (i, layer) in model.layers.enumerated().reversed() {
                let t = time { gradient = gradient.flatMap { layer.backward($0) } }
                if step > 0 { backward[i] += t / Double(steps) }
            }
        }
        return model.layers.indices.map { (model.layers[$0].name, forward[$0], backward[$0]) }
    }
}

extension EngineBenchmark {
    /// Milliseconds per call of the memory-bound kernels of cnn-small at `batchSize`, on preallocated buffers (no
    /// allocation inside the timing), next to the cost of allocating and filling a fresh buffer of the same size.
    public static func kernelTimings(batchSize: Int = 128, repeats: Int = 20) -> [(kernel: String, milliseconds: Double)] {
        let planes = 32 * batchSize
        let pooling = PoolingGeometry(planes: planes, height: 28, width: 28, size: 2, stride: 2)
        let conv2 = ConvolutionGeometry(channels: 32, filters: 64, batch: batchSize, height: 14, width: 14,
                                        kernelHeight: 3, kernelWidth: 3, padding: 1)
        var input = [Float](repeating: 1, count: planes * 784)
        for i in input.indices { input[i] = Float(i % 97) }
        var output = [Float](repeating: 0, count: pooling.outputCount)
        var argmax = [Int32](repeating: 0, count: pooling.outputCount)
        var dx = [Float](repeating: 0, count: planes * 784)
        var columns = [Float](repeating: 0, count: conv2.patchSize * conv2.columnCount)
        var image = [Float](repeating: 0.5, count: 32 * batchSize * 196)
        func measure(_ name: String, _ body: () -> Void) -> (String, Double) {
            body()
            return (name, time { for _ in 0..<repeats { body() } } * 1000 / Double(repeats))
        }
        return [
            measure("maxpool 2x2 forward [32,N,28,28]") {
                maxPoolForward(input, &output, argmax: &argmax, pooling)
            },
            measure("maxpool 2x2 backward") { maxPoolBackward(output, argmax: argmax, &dx, pooling) },
            measure("relu forward, same size") { input.withUnsafeBufferPointer { x in
                dx.withUnsafeMutableBufferPointer { reluForward(x.baseAddress!, $0.baseAddress!, count: x.count) } } },
            measure("allocate + fill same size") { _ = [Float](repeating: 0, count: planes * 784) },
            measure("im2col conv2 [288, N*196]") { im2col(image, &columns, conv2) },
            measure("col2im conv2") { col2im(&columns, &image, conv2) },
        ]
    }
}
