import Foundation

/// Process-wide allocator settings for programs that churn multi-megabyte buffers (activations, im2col columns,
/// model-sized wire messages).
public enum MemoryTuning {
    /// Keeps glibc from unmapping or trimming freed multi-megabyte buffers. With the default thresholds glibc returns
    /// them to the OS and the next allocation pays ~1,000 page faults per 4 MB: measured here, it cut the wire codec
    /// stream from ~2 GB/s to ~0.75 GB/s and showed as heavy system time in training. Call once at start-up.
    /// `mallopt` is looked up at run time: Swift's Glibc module does not import <malloc.h>.
    /// - Returns: whether both settings were accepted.
    @discardableResult
    public static func keepLargeBuffers() -> Bool {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmap = mallopt(-3 /* M_MMAP_THRESHOLD */, 32 << 20)
        let trim = mallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
        return mmap == 1 && trim == 1
    }
}
