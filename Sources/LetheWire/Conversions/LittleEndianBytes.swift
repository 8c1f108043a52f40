import Foundation

#if !_endian(little)
#error("LetheWire ships tensors as little-endian bytes by memory copy; add byte swapping for big-endian hosts")
#endif

/// Copies between numeric arrays and the little-endian `bytes` fields of the wire.
///
/// The host is little-endian (checked at compile time above), so a conversion is one `memcpy`: this is what keeps
/// encode plus decode of a 1M-float model well above 2 GB/s (DECISIONS.md §8).
enum LittleEndianBytes {
    /// The bytes of `values` in memory order.
    static func data<T: BitwiseCopyable>(of values: [T]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    /// `data` reinterpreted as `count` values; the caller has checked `data.count == count * stride`.
    static func array<T: BitwiseCopyable>(_ data: Data, count: Int, of type: T.Type) -> [T] {
        precondition(data.count == count * MemoryLayout<T>.stride, "byte count checked by the caller")
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let copied = data.copyBytes(to: buffer)  // counts bytes, not values
            precondition(copied == data.count, "copied \(copied) of \(data.count) bytes")
            initialized = count
        }
    }

    /// Index of the first NaN or infinity among the float32 values in `data`, or nil when all are finite.
    ///
    /// Scans in blocks with a branch-free exponent test, so the common all-finite case runs at memory speed.
    static func firstNonFiniteFloat32(in data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            let count = raw.count / 4
            let block = 1024
            var start = 0
            while start < count {
                let end = min(start + block, count)
                var bad: UInt32 = 0
                for i in start..<end {
                    let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
                    bad |= (bits & 0x7F80_0000) == 0x7F80_0000 ? 1 : 0
                }
                if bad != 0 {
                    for i in start..<end where !Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4,
                                                                                      as: UInt32.self)).isFinite {
                        return i
                    }
                }
                start = end
            }
            return nil
        }
    }

    /// Index of the first NaN or infinity among the float64 values in `data`, or nil when all are finite.
    static func firstNonFiniteFloat64(in data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            for i in 0..<(raw.count / 8) where !Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8,
                                                                                      as: UInt64.self)).isFinite {
                return i
            }
            return nil
        }
    }
}
