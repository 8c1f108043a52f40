import Foundation

/// Small reusable checks behind every `init(wire:)` and the envelope validator, each throwing a `WireError`
/// that names the field.
enum FieldCheck {
    /// Longest id, in bytes.
    static let maxIDLength = 64

    /// An id is 1–64 characters from `[A-Za-z0-9._:-]`: safe in logs, file names and ledger keys.
    static func id(_ value: String, field: String) throws(WireError) {
        let bytes = value.utf8
        guard !bytes.isEmpty else { throw .missingField(field: field) }
        guard bytes.count <= maxIDLength, bytes.allSatisfy(isIDByte) else {
            throw .invalidID(field: field, value: value)
        }
    }

    /// An id that may be absent (empty) but must be well formed when present.
    static func optionalID(_ value: String, field: String) throws(WireError) {
        if !value.isEmpty { try id(value, field: field) }
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
             UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Free text within the byte limit.
    static func text(_ value: String, field: String, limits: WireLimits) throws(WireError) {
        let size = value.utf8.count
        guard size <= limits.maxTextBytes else { throw .tooLarge(field: field, size: size, limit: limits.maxTextBytes) }
    }

    /// A finite value within `range`.
    static func value(_ value: Double, in range: ClosedRange<Double>, field: String) throws(WireError) {
        guard value.isFinite else { throw .nonFinite(field: field, index: 0) }
        guard range.contains(value) else {
            throw .invalidValue(field: field, detail: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// A count that must be at least `minimum`.
    static func atLeast<T: BinaryInteger>(_ value: T, _ minimum: T, field: String) throws(WireError) {
        guard value >= minimum else { throw .invalidValue(field: field, detail: "must be at least \(minimum), got \(value)") }
    }

    /// A set enum value (proto3 enums default to UNSPECIFIED = 0, which means the sender forgot it).
    static func specified(_ rawValue: Int, field: String) throws(WireError) {
        guard rawValue != 0 else { throw .missingField(field: field) }
    }

    /// A shape's extents as `Int`, and their product, after checking rank, signs and the element limit.
    static func shape(_ shape: [Int64], field: String, limits: WireLimits) throws(WireError) -> (dims: [Int], count: Int) {
        guard shape.count <= limits.maxRank else {
            throw .tooLarge(field: "\(field).shape", size: shape.count, limit: limits.maxRank)
        }
        var count = 1
        for (axis, extent) in shape.enumerated() {
            guard extent >= 0 else {
                throw .invalidValue(field: "\(field).shape", detail: "extent \(extent) of axis \(axis) is negative")
            }
            guard extent <= Int64(limits.maxTensorElements) else {
                throw .tooLarge(field: "\(field).shape", size: Int(extent), limit: limits.maxTensorElements)
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(extent))
            guard !overflow, product <= limits.maxTensorElements else {
                throw .tooLarge(field: "\(field).shape", size: overflow ? Int.max : product,
                                limit: limits.maxTensorElements)
            }
            count = product
        }
        return (shape.map { Int($0) }, count)
    }

    /// Little-endian float32 bytes: exactly `count` values, all finite.
    static func float32Bytes(_ data: Data, count: Int, field: String) throws(WireError) {
        guard data.count == count * 4 else {
            throw .shapeMismatch(field: field, detail: "holds \(data.count) bytes, but \(count) float32 values need \(count * 4)")
        }
        if let index = LittleEndianBytes.firstNonFiniteFloat32(in: data) { throw .nonFinite(field: field, index: index) }
    }

    /// Little-endian float64 bytes: exactly `count` values, all finite.
    static func float64Bytes(_ data: Data, count: Int, field: String) throws(WireError) {
        guard data.count == count * 8 else {
            throw .shapeMismatch(field: field, detail: "holds \(data.count) bytes, but \(count) float64 values need \(count * 8)")
        }
        if let index = LittleEndianBytes.firstNonFiniteFloat64(in: data) { throw .nonFinite(field: field, index: index) }
    }
}
