import Foundation
import LetheTensor

/// Rules of the body kinds with more than a couple of checks, one function each.
extension BodyRules {
    static func hello(_ m: Lethe_V1_Hello, _ f: String, _ limits: WireLimits) throws(WireError) {
        try FieldCheck.text(m.softwareVersion, field: "\(f).software_version", limits: limits)
        guard m.classLabels.count <= limits.maxClasses else {
            throw .tooLarge(field: "\(f).class_labels", size: m.classLabels.count, limit: limits.maxClasses)
        }
        if let label = m.classLabels.first(where: { $0 >= UInt32(limits.maxClasses) }) {
            throw .invalidValue(field: "\(f).class_labels", detail: "label \(label) is not below \(limits.maxClasses)")
        }
        guard m.sampleCount <= limits.maxSampleCount else {
            throw .invalidValue(field: "\(f).sample_count",
                                detail: "\(m.sampleCount) is above the limit of \(limits.maxSampleCount)")
        }
    }

    static func welcome(_ m: Lethe_V1_Welcome, _ f: String) throws(WireError) {
        try FieldCheck.atLeast(m.heartbeatIntervalMs, 1, field: "\(f).heartbeat_interval_ms")
        try FieldCheck.atLeast(m.liveness, 1, field: "\(f).liveness")
        try FieldCheck.atLeast(m.maxMessageBytes, 1, field: "\(f).max_message_bytes")
    }

    static func trainRequest(_ m: Lethe_V1_TrainRequest, _ f: String) throws(WireError) {
        try FieldCheck.atLeast(m.localEpochs, 1, field: "\(f).local_epochs")
        try FieldCheck.atLeast(m.batchSize, 1, field: "\(f).batch_size")
        try FieldCheck.value(Double(m.learningRate), in: 0...Double.greatestFiniteMagnitude, field: "\(f).learning_rate")
        try FieldCheck.value(Double(m.momentum), in: 0...1, field: "\(f).momentum")
        try FieldCheck.value(Double(m.weightDecay), in: 0...Double.greatestFiniteMagnitude, field: "\(f).weight_decay")
    }

    static func deletionRequest(_ m: Lethe_V1_DeletionRequest, _ f: String, _ limits: WireLimits) throws(WireError) {
        try FieldCheck.id(m.requestID, field: "\(f).request_id")
        try FieldCheck.id(m.targetClientID, field: "\(f).target_client_id")
        switch m.scope {
        case nil:
            throw .missingField(field: "\(f).scope")
        case .samples(let samples):
            guard !samples.ids.isEmpty else { throw .missingField(field: "\(f).samples.ids") }
            guard samples.ids.count <= limits.maxSampleIDs else {
                throw .tooLarge(field: "\(f).samples.ids", size: samples.ids.count, limit: limits.maxSampleIDs)
            }
        case .classLabel(let label):
            guard label < UInt32(limits.maxClasses) else {
                throw .invalidValue(field: "\(f).class_label", detail: "label \(label) is not below \(limits.maxClasses)")
            }
        case .wholeClient(let whole):
            guard whole else { throw .invalidValue(field: "\(f).whole_client", detail: "must be true when set") }
        }
    }

    static func saliencyRequest(_ m: Lethe_V1_SaliencyRequest, _ f: String) throws(WireError) {
        try FieldCheck.id(m.requestID, field: "\(f).request_id")
        try FieldCheck.specified(m.encoding.rawValue, field: "\(f).encoding")
        if m.encoding == .topK {
            try FieldCheck.value(Double(m.topFraction), in: Double.leastNonzeroMagnitude...1, field: "\(f).top_fraction")
        }
    }

    static func saliencyReport(_ m: Lethe_V1_SaliencyReport, _ f: String, _ limits: WireLimits) throws(WireError) {
        try FieldCheck.id(m.requestID, field: "\(f).request_id")
        try FieldCheck.atLeast(m.forgetSampleCount, 1, field: "\(f).forget_sample_count")
        switch m.scores {
        case nil:
            throw .missingField(field: "\(f).scores")
        case .dense(let scores):
            _ = try Tensor.validate(scores, field: "\(f).dense", limits: limits)
            // Saliency is a magnitude |∇θ L|: a negative score means the sender computed something else.
            let negative = scores.data.withUnsafeBytes { raw in
                (0..<(raw.count / 4)).first { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) < 0 }
            }
            if let index = negative {
                throw .invalidValue(field: "\(f).dense.data", detail: "score \(index) is negative; saliency is |gradient|")
            }
        case .topK(let mask):
            try WireMask.validate(mask, field: "\(f).top_k", limits: limits)
        }
    }

    static func phaseRequest(_ m: Lethe_V1_PhaseRequest, _ f: String) throws(WireError) {
        try FieldCheck.id(m.requestID, field: "\(f).request_id")
        try FieldCheck.specified(m.phase.rawValue, field: "\(f).phase")
        try FieldCheck.atLeast(m.steps, 1, field: "\(f).steps")
        try FieldCheck.value(Double(m.learningRate), in: 0...Double.greatestFiniteMagnitude, field: "\(f).learning_rate")
        try FieldCheck.value(m.noiseSigma, in: 0...Double.greatestFiniteMagnitude, field: "\(f).noise_sigma")
    }
}
