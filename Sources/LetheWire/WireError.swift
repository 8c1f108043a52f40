import Foundation

/// Everything that can be wrong with a message arriving on Lethe's wire, with the context needed to fix it.
///
/// Decoding and validation throw only this type, so a node can answer any bad input with a typed `Error` envelope
/// (`WireError.errorBody`) instead of crashing. Field paths use the protobuf field names, e.g.
/// `model_weights.parameters.data`, so the message points at the offending bytes.
public enum WireError: Error, Equatable, Sendable {
    /// The bytes are not a decodable `Envelope` (truncated, corrupt, or not protobuf at all).
    case malformed(reason: String)
    /// The sender speaks a protocol version this build does not.
    case unsupportedVersion(received: UInt32, supported: ClosedRange<UInt32>)
    /// The envelope carries no body.
    case missingBody
    /// A field required by the body kind is absent or empty.
    case missingField(field: String)
    /// A message, tensor, list or string exceeds a `WireLimits` bound.
    case tooLarge(field: String, size: Int, limit: Int)
    /// An id is empty, too long, or contains characters outside `[A-Za-z0-9._:-]`.
    case invalidID(field: String, value: String)
    /// Byte counts disagree with a shape, bit count or chunk descriptor.
    case shapeMismatch(field: String, detail: String)
    /// A NaN or infinity at `index` of a numeric field.
    case nonFinite(field: String, index: Int)
    /// A value outside its domain (negative rate, fraction above 1, unspecified enum, duplicate label...).
    case invalidValue(field: String, detail: String)
    /// Serialising a message failed (a programming error in the sender, reported rather than trapped).
    case encodingFailed(reason: String)
}

extension WireError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformed(let reason):
            return "message is not a valid lethe.v1.Envelope (\(reason)); check that the peer speaks Lethe's protobuf"
        case .unsupportedVersion(let received, let supported):
            return "protocol version \(received) is not supported (this node speaks \(supported.lowerBound)"
                + "...\(supported.upperBound)); upgrade the older side"
        case .missingBody:
            return "envelope has no body; set exactly one of its oneof body fields"
        case .missingField(let field):
            return "required field \(field) is missing or empty"
        case .tooLarge(let field, let size, let limit):
            return "\(field) has size \(size), over the limit of \(limit); split the payload into chunks "
                + "(ChunkInfo) or raise WireLimits"
        case .invalidID(let field, let value):
            return "\(field) \"\(LogSafe.text(value, limit: 80))\" is not a valid id: use 1-64 characters from [A-Za-z0-9._:-]"
        case .shapeMismatch(let field, let detail):
            return "\(field): \(detail)"
        case .nonFinite(let field, let index):
            return "\(field) has a NaN or infinity at element \(index); the sender's computation diverged"
        case .invalidValue(let field, let detail):
            return "\(field): \(detail)"
        case .encodingFailed(let reason):
            return "could not encode envelope: \(reason)"
        }
    }

    /// The protocol's error code for this failure, as sent back in an `Error` body.
    public var code: Lethe_V1_ErrorCode {
        switch self {
        case .malformed, .encodingFailed: return .malformed
        case .unsupportedVersion: return .unsupportedVersion
        case .missingBody, .missingField: return .missingField
        case .tooLarge: return .tooLarge
        case .invalidID: return .invalidID
        case .shapeMismatch: return .shapeMismatch
        case .nonFinite: return .nonFinite
        case .invalidValue: return .invalidValue
        }
    }

    /// The offending field path, or an empty string when the failure concerns the whole message.
    public var field: String {
        switch self {
        case .missingField(let field), .tooLarge(let field, _, _), .invalidID(let field, _),
             .shapeMismatch(let field, _), .nonFinite(let field, _), .invalidValue(let field, _):
            return field
        case .malformed, .unsupportedVersion, .missingBody, .encodingFailed:
            return ""
        }
    }

    /// The `Error` body that answers a message which failed with this error.
    public func errorBody(inReplyTo messageNumber: UInt64 = 0) -> Lethe_V1_Error {
        var body = Lethe_V1_Error()
        body.code = code
        body.message = description
        body.field = field
        body.inReplyTo = messageNumber
        return body
    }
}
