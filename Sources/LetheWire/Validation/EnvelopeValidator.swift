import Foundation
import LetheTensor

/// Validation of a decoded envelope: the header, then the body's own rules (`BodyRules`).
///
/// Every check a consumer would otherwise have to remember lives here, so the coordinator and clients can use an
/// envelope that passed `WireCodec.decode` without re-checking sizes, shapes or finiteness.
public enum EnvelopeValidator {
    /// Throws the first problem found, or returns when the envelope is fit to use.
    public static func validate(_ envelope: Lethe_V1_Envelope, limits: WireLimits = .default) throws(WireError) {
        guard WireCodec.supportedVersions.contains(envelope.protocolVersion) else {
            throw .unsupportedVersion(received: envelope.protocolVersion, supported: WireCodec.supportedVersions)
        }
        try FieldCheck.id(envelope.senderID, field: "sender_id")
        guard let body = envelope.body else { throw .missingBody }
        if body.needsJob {
            try FieldCheck.id(envelope.jobID, field: "job_id")
        } else {
            try FieldCheck.optionalID(envelope.jobID, field: "job_id")
        }
        try BodyRules.validate(body, limits: limits)
    }
}

/// The per-kind rules: required fields, domains and payload consistency.
enum BodyRules {
    static func validate(_ body: Lethe_V1_Envelope.OneOf_Body, limits: WireLimits) throws(WireError) {
        let f = body.fieldName
        switch body {
        case .hello(let m): try hello(m, f, limits)
        case .welcome(let m): try welcome(m, f)
        case .heartbeat: break
        case .modelWeights(let m):
            try payload(m.hasParameters, m.parameters, m.hasChunk ? m.chunk : nil, "\(f).parameters", limits)
            guard m.sha256.isEmpty || m.sha256.count == 32 else {
                throw .shapeMismatch(field: "\(f).sha256", detail: "holds \(m.sha256.count) bytes; a SHA-256 has 32")
            }
        case .trainRequest(let m): try trainRequest(m, f)
        case .trainUpdate(let m):
            try payload(m.hasParameters, m.parameters, m.hasChunk ? m.chunk : nil, "\(f).parameters", limits)
            try FieldCheck.atLeast(m.sampleCount, 1, field: "\(f).sample_count")
            guard m.trainLoss.isFinite else { throw .nonFinite(field: "\(f).train_loss", index: 0) }
            try FieldCheck.value(m.trainAccuracy, in: 0...100, field: "\(f).train_accuracy")
        case .deletionRequest(let m): try deletionRequest(m, f, limits)
        case .deletionAck(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            try FieldCheck.specified(m.state.rawValue, field: "\(f).state")
            try FieldCheck.text(m.reason, field: "\(f).reason", limits: limits)
        case .saliencyRequest(let m): try saliencyRequest(m, f)
        case .saliencyReport(let m): try saliencyReport(m, f, limits)
        case .maskBroadcast(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            guard m.hasMask else { throw .missingField(field: "\(f).mask") }
            try WireMask.validate(m.mask, field: "\(f).mask", limits: limits)
            try FieldCheck.value(Double(m.fraction), in: 0...1, field: "\(f).fraction")
        case .phaseRequest(let m): try phaseRequest(m, f)
        case .modelDelta(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            try FieldCheck.specified(m.phase.rawValue, field: "\(f).phase")
            guard m.hasDelta else { throw .missingField(field: "\(f).delta") }
            try WireSparseDelta.validate(m.delta, field: "\(f).delta", limits: limits)
        case .featureStats(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            try WireFeatureStatistics.validate(featureDim: m.featureDim, classes: m.classes, field: "\(f).classes", limits: limits)
            for (name, value) in [("noise_sigma", m.noiseSigma), ("epsilon", m.epsilon), ("delta", m.delta)] {
                try FieldCheck.value(value, in: 0...Double.greatestFiniteMagnitude, field: "\(f).\(name)")
            }
        case .globalStats(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            try WireFeatureStatistics.validate(featureDim: m.featureDim, classes: m.classes, field: "\(f).classes", limits: limits)
            try FieldCheck.atLeast(m.contributorCount, 1, field: "\(f).contributor_count")
        case .evalRequest(let m): try FieldCheck.id(m.requestID, field: "\(f).request_id")
        case .evalReport(let m):
            try FieldCheck.id(m.requestID, field: "\(f).request_id")
            guard m.hasMetrics else { throw .missingField(field: "\(f).metrics") }
            try WireMetrics.validate(m.metrics, field: "\(f).metrics")
            try FieldCheck.value(m.seconds, in: 0...Double.greatestFiniteMagnitude, field: "\(f).seconds")
        case .jobStatus(let m):
            try FieldCheck.specified(m.state.rawValue, field: "\(f).state")
            try FieldCheck.value(m.progress, in: 0...1, field: "\(f).progress")
            try FieldCheck.text(m.phase, field: "\(f).phase", limits: limits)
            try FieldCheck.text(m.detail, field: "\(f).detail", limits: limits)
        case .error(let m):
            try FieldCheck.specified(m.code.rawValue, field: "\(f).code")
            try FieldCheck.text(m.message, field: "\(f).message", limits: limits)
            try FieldCheck.text(m.field, field: "\(f).field", limits: limits)
        case .statusQuery: break
        case .statusReport(let m):
            try FieldCheck.text(m.activity, field: "\(f).activity", limits: limits)
            for (index, id) in m.connectedClients.enumerated() {
                try FieldCheck.id(id, field: "\(f).connected_clients[\(index)]")
            }
        }
    }

    /// A tensor payload, whole or one chunk.
    static func payload(_ present: Bool, _ tensor: Lethe_V1_Tensor, _ chunk: Lethe_V1_ChunkInfo?, _ field: String,
                        _ limits: WireLimits) throws(WireError) {
        guard present else { throw .missingField(field: field) }
        if let chunk {
            _ = try ChunkCheck.validate(chunk, slice: tensor, field: field, limits: limits)
        } else {
            _ = try Tensor.validate(tensor, field: field, limits: limits)
        }
    }
}
