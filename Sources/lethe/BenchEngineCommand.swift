import ArgumentParser
import Foundation
import LetheNN
import LetheTensor

/// `lethe bench engine`: training and inference throughput of cnn-small, GFLOP/s and peak memory.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Training/inference samples per second, GFLOP/s and peak memory of cnn-small.",
        discussion: "Compare with shared/bench/torch_reference.py on the same machine and threads."
    )

    @Option(help: "Batch size.") var batch = 128
    @Option(help: "Timed training steps.") var steps = 40
    @Option(help: "BLAS threads (default: OpenBLAS's own choice, all cores).") var threads: Int?
    @Option(help: "Write the figures as JSON to this path.") var json: String?
    @Flag(help: "Also print the time each layer's forward and backward pass takes.") var profile = false

    func validate() throws {
        guard batch > 0, steps > 0 else { throw ValidationError("--batch and --steps must be positive") }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let r = EngineBenchmark.run(batchSize: batch, trainSteps: steps, inferBatches: steps)
        let peak = ProcessMemory.peakResidentMiB()
        print("""
        engine benchmark: \(r.architecture), batch \(r.batchSize), \(r.threads) BLAS thread(s), core \(BLASThreads.coreName)
          training   \(String(format: "%8.0f", r.trainSamplesPerSecond)) samples/s   \(String(format: "%.1f", r.gflops)) GFLOP/s
          inference  \(String(format: "%8.0f", r.inferSamplesPerSecond)) samples/s
          forward    \(String(format: "%.2f", r.forwardMegaFlopPerSample)) MFLOP/sample
          peak RSS   \(String(format: "%.0f", peak)) MiB
        """)
        if profile {
            for row in EngineBenchmark.kernelTimings(batchSize: batch) {
                print(String(format: "  kernel %-36@ %7.2f ms", row.kernel as NSString, row.milliseconds))
            }
            for row in EngineBenchmark.layerProfile(batchSize: batch) {
                print(String(format: "  %-14@ forward %7.2f ms   backward %7.2f ms", row.layer as NSString,
                             row.forward * 1000, row.backward * 1000))
            }
        }
        if let json {
            try writeJSON(["train_samples_per_s": r.trainSamplesPerSecond, "infer_samples_per_s": r.inferSamplesPerSecond,
                           "gflops": r.gflops, "peak_rss_mib": peak, "batch": Double(r.batchSize),
                           "threads": Double(r.threads)], to: json)
        }
    }
}
