import ArgumentParser
import LetheTensor

/// `lethe bench kernel`: the OpenBLAS core type every `lethe` process runs with on this machine (after
/// `BLASKernelChoice`'s relaunch). `Deploy/test.sh` exports it so the in-process test runner, which loads OpenBLAS
/// before it could choose, computes with the same kernels as the `lethe` processes it starts.
struct BenchKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Print the OpenBLAS core type this machine's lethe processes use (one word)."
    )

    func run() { print(BLASThreads.coreName) }
}
