/// How long OpenBLAS's idle worker threads spin before they sleep.
///
/// Why: OpenBLAS's default (2^28 cycles, ~0.1 s) keeps its worker threads spinning in `sched_yield` between GEMM
/// calls, and a training step is GEMMs interleaved with Lethe's own parallel kernels (im2col, pooling, the fused
/// first block) on the same two cores. `perf` of `lethe bench engine --threads 2` put ~21 % of all samples in
/// `__schedule`/`sched_yield`: the spinning threads took the cores from the kernels between the GEMMs. With
/// 2^12 cycles training ran +15–25 % and inference +5–30 % (BENCHMARKS.md, session 16). Since conv2 runs as eight
/// chunk GEMMs with Lethe's own kernels between them (session 17), 2^20 cycles (~0.3 ms, enough to bridge those
/// gaps) measured a little better again: median 4,190 / 12,970 training / inference samples/s against 3,880 /
/// 12,515 at 2^12, six interleaved rounds each. Like the core type, OpenBLAS reads `OPENBLAS_THREAD_TIMEOUT` only
/// when it loads, so `BLASKernelChoice.relaunchIfNeeded` sets it.
public enum BLASThreadTimeout {
    /// log₂ of the spin cycles (OpenBLAS accepts 4–30).
    public static let exponent = 20

    /// The `OPENBLAS_THREAD_TIMEOUT` to run with, or nil: only when the user has not chosen one and OpenBLAS runs
    /// more than one thread (a single-threaded node has no idle workers).
    public static func recommended(environment: [String: String], blasThreads: Int) -> String? {
        guard environment["OPENBLAS_THREAD_TIMEOUT"] == nil, blasThreads > 1 else { return nil }
        return String(exponent)
    }
}
