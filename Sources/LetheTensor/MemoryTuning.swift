import Foundation

/// Process-wide allocator settings for programs that churn multi-megabyte buffers (activations, im2col columns,
/// model-sized wire messages).
public enum MemoryTuning {
    /// Keeps glibc from unmapping or trimming freed multi-megabyte buffers. With the default thresholds glibc returns
    /// them to the OS and the next allocation pays ~1,000 page faults per 4 MB: measured here, it cut the wire codec
    /// stream from ~2 GB/s to ~0.75 GB/s and showed as heavy system time in training. Call once at start-up.
    /// `mallopt` is looked up at run time: Swift's Glibc module does not import <malloc.h>.
    ///
    /// Kept buffers are kept *per arena*, and glibc gives threads up to 8 arenas per core: a thousand virtual clients
    /// on Dispatch's worker threads spread their model copies over ever more arenas, each holding its own freed
    /// megabytes (a class deletion at 1,000 clients grew by ~4 MB/s through its forgetting phase and peaked at
    /// 5.1 GiB). The arenas are therefore capped at one per core, at least 2.
    /// - Returns: whether all three settings were accepted.
    @discardableResult
    public static func keepLargeBuffers() -> Bool {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmap = mallopt(-3 /* M_MMAP_THRESHOLD */, 32 << 20)
        let trim = mallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
        let arenas = mallopt(-8 /* M_ARENA_MAX */, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        return mmap == 1 && trim == 1 && arenas == 1
    }
}
