import Foundation

/// glibc allocator settings for a long-running node that handles model-sized buffers.
public enum MemoryTuning {
    /// Keeps multi-megabyte buffers (protobuf bytes, tensor storage, libzmq's receive buffers) in the heap instead
    /// of returning them to the OS after every message: with glibc's defaults each model-sized message paid ~1000
    /// page faults per buffer, which cut codec throughput from ~2 GB/s to ~0.75 GB/s (`lethe bench wire`).
    /// Raises M_MMAP_THRESHOLD to 32 MiB and M_TRIM_THRESHOLD to 1 GiB. `mallopt` is looked up at run time because
    /// Swift's Glibc module does not import <malloc.h>; where it is absent this does nothing.
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
