import ArgumentParser
import Foundation
import LetheTensor

/// The `lethe` command: one subcommand per job (STYLE.md: a thin CLI that parses, wires and prints).
@main
struct Lethe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lethe",
        abstract: "Federated machine unlearning: train, unlearn and audit image classifiers.",
        subcommands: [TrainCommand.self, PretrainCommand.self, EvaluateCommand.self, UnlearnCommand.self, CoordinatorCommand.self,
                      ClientCommand.self, ForgetCommand.self, StatusCommand.self, SimulateCommand.self,
                      ReportCommand.self, CertificateCommand.self, ProvisionCommand.self, BenchCommand.self]
    )

    /// OpenBLAS may have fallen back to generic kernels on this CPU (`BLASKernelChoice`); then the process starts
    /// again with a fitting core type. Every command churns multi-megabyte buffers; keep glibc from returning them
    /// to the OS between uses (`bench wire --default-allocator` measures without this).
    static func main() {
        BLASKernelChoice.relaunchIfNeeded()
        if !CommandLine.arguments.contains("--default-allocator") { MemoryTuning.keepLargeBuffers() }
        do {
            main(try ConfigFile.expand(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(64)
        }
    }
}

/// `lethe bench …`: benchmarks that print figures (never gated by tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine (and later the wire) on this machine.",
        subcommands: [BenchEngineCommand.self, BenchWireCommand.self, BenchKernelCommand.self, BenchFaultsCommand.self,
                      BenchFuzzCommand.self]
    )
}
