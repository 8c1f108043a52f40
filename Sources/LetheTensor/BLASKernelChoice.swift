import Foundation

/// OpenBLAS picks its kernels from CPUID once, when the library loads. Debian bookworm's OpenBLAS 0.3.21 predates
/// some current CPUs (the virtual Sapphire Rapids Xeon of this machine kind among them) and falls back to its
/// generic Prescott (SSE3) kernels: cnn-small then trains at 1,171 samples/s on two threads instead of 2,046–2,128
/// with the AVX-512 (SkylakeX, Cooperlake) kernels (`lethe bench engine --threads 2`, BENCHMARKS.md). OpenBLAS reads
/// `OPENBLAS_CORETYPE` only at load time, so the fix is to set it and start the process again (`relaunchIfNeeded`).
public enum BLASKernelChoice {
    /// Cores OpenBLAS reports when it did not recognise the CPU and chose a lowest-common-denominator kernel.
    static let fallbackCores: Set<String> = ["prescott", "core2", "unknown"]

    /// The `OPENBLAS_CORETYPE` to run with, or nil to leave OpenBLAS's choice alone: only when OpenBLAS fell back to
    /// generic kernels, the user has not chosen a core type, and the CPU's flags support a better kernel set.
    /// `cpuFlags` is read only when OpenBLAS fell back, so a recognised CPU costs no file read at start-up.
    public static func recommendedCoreType(loadedCore: String, cpuFlags: @autoclosure () -> Set<String>,
                                           environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, fallbackCores.contains(loadedCore.lowercased()) else {
            return nil
        }
        let cpuFlags = cpuFlags()
        let avx512: Set<String> = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]
        // Cooperlake is SkylakeX plus BF16; it is also the core OpenBLAS picks itself on the EPYC of sessions 1–3,
        // so both machine kinds run the same kernels (the small-fixture direction tests are tuned on them).
        if cpuFlags.isSuperset(of: avx512.union(["avx512_bf16"])) { return "Cooperlake" }
        if cpuFlags.isSuperset(of: avx512) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in `/proc/cpuinfo` text (empty when there is no flags line).
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Re-executes this process with `OPENBLAS_CORETYPE` set when `recommendedCoreType` asks for it, and with
    /// `OPENBLAS_THREAD_TIMEOUT` when `BLASThreadTimeout.recommended` does; returns when nothing needs changing (or
    /// the exec failed, in which case the process goes on with OpenBLAS's choices).
    /// Call it first thing in `main`, before any thread is started.
    public static func relaunchIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        let cpuinfo = { (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "" }
        var settings: [(name: String, value: String)] = []
        if let core = recommendedCoreType(loadedCore: BLASThreads.coreName, cpuFlags: cpuFlags(cpuinfo: cpuinfo()),
                                          environment: environment) {
            settings.append(("OPENBLAS_CORETYPE", core))
        }
        if let timeout = BLASThreadTimeout.recommended(environment: environment, blasThreads: BLASThreads.count) {
            settings.append(("OPENBLAS_THREAD_TIMEOUT", timeout))
        }
        guard !settings.isEmpty else { return }
        for setting in settings { setenv(setting.name, setting.value, 1) }
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached when exec failed: carry on with OpenBLAS's own choices.
        for setting in settings { unsetenv(setting.name) }
    }
}
