import Foundation
import SwiftProtobuf

/// The one entry point for bytes arriving from, and going to, the wire.
///
/// `decode` never traps: any input (truncated, bit-flipped, hostile, or simply not protobuf) ends as a valid
/// envelope or a `WireError`, which `WireError.errorBody` turns into the `Error` reply the protocol requires.
public enum WireCodec {
    /// The protocol version this build writes.
    public static let protocolVersion: UInt32 = 1
    /// The protocol versions this build accepts.
    public static let supportedVersions: ClosedRange<UInt32> = 1...1

    /// Decodes and fully validates an envelope (header, ids, required fields, sizes, shapes, finite values).
    public static func decode(_ bytes: Data, limits: WireLimits = .default) throws(WireError) -> Lethe_V1_Envelope {
        guard bytes.count <= limits.maxMessageBytes else {
            throw .tooLarge(field: "envelope", size: bytes.count, limit: limits.maxMessageBytes)
        }
        let envelope: Lethe_V1_Envelope
        do {
            var options = BinaryDecodingOptions()
            options.discardUnknownFields = true
            options.messageDepthLimit = 16
            envelope = try Lethe_V1_Envelope(serializedBytes: bytes, options: options)
        } catch {
            throw .malformed(reason: "\(error)")
        }
        try EnvelopeValidator.validate(envelope, limits: limits)
        return envelope
    }

    /// The message number of bytes that parse as an envelope but may fail validation (0 when they do not parse),
    /// so the `Error` answering an invalid message can name it in `in_reply_to`.
    public static func messageNumber(in bytes: Data, limits: WireLimits = .default) -> UInt64 {
        guard bytes.count <= limits.maxMessageBytes else { return 0 }
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        options.messageDepthLimit = 16
        return (try? Lethe_V1_Envelope(serializedBytes: bytes, options: options))?.messageNumber ?? 0
    }

    /// Encodes an envelope. Proto3 messages without `Any` cannot fail to encode; a failure is reported, not trapped.
    public static func encode(_ envelope: Lethe_V1_Envelope) throws(WireError) -> Data {
        do {
            return try envelope.serializedData()
        } catch {
            throw .encodingFailed(reason: "\(error)")
        }
    }

    /// An envelope with the current protocol version, the given header fields and body.
    public static func envelope(jobID: String = "", round: UInt64 = 0, senderID: String, messageNumber: UInt64 = 0,
                                replyTo: UInt64 = 0, body: Lethe_V1_Envelope.OneOf_Body) -> Lethe_V1_Envelope {
        var envelope = Lethe_V1_Envelope()
        envelope.protocolVersion = protocolVersion
        envelope.jobID = jobID
        envelope.round = round
        envelope.senderID = senderID
        envelope.messageNumber = messageNumber
        envelope.replyTo = replyTo
        envelope.body = body
        return envelope
    }
}

extension Lethe_V1_Envelope.OneOf_Body {
    /// The protobuf field name of the body kind, as used in field paths and logs.
    public var fieldName: String {
        switch self {
        case .hello: "hello"
        case .welcome: "welcome"
        case .heartbeat: "heartbeat"
        case .modelWeights: "model_weights"
        case .trainRequest: "train_request"
        case .trainUpdate: "train_update"
        case .deletionRequest: "deletion_request"
        case .deletionAck: "deletion_ack"
        case .saliencyRequest: "saliency_request"
        case .saliencyReport: "saliency_report"
        case .maskBroadcast: "mask_broadcast"
        case .phaseRequest: "phase_request"
        case .modelDelta: "model_delta"
        case .featureStats: "feature_stats"
        case .globalStats: "global_stats"
        case .evalRequest: "eval_request"
        case .evalReport: "eval_report"
        case .jobStatus: "job_status"
        case .error: "error"
        case .statusQuery: "status_query"
        case .statusReport: "status_report"
        }
    }

    /// Whether the body belongs to a job (and so needs a job id): all but the session-level kinds.
    public var needsJob: Bool {
        switch self {
        case .hello, .welcome, .heartbeat, .error, .statusQuery, .statusReport: false
        default: true
        }
    }
}
