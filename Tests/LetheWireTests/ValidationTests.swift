import Foundation
import LetheTensor
import LetheWire
import Testing

/// Each kind of bad input is refused with the exact `WireError` case and field.
@Suite struct ValidationTests {
    private func refusal(_ envelope: Lethe_V1_Envelope, limits: WireLimits = .default) -> WireError? {
        do {
            _ = try WireCodec.decode(try WireCodec.encode(envelope), limits: limits)
            return nil
        } catch {
            return error
        }
    }

    private let weights: Lethe_V1_ModelWeights = Samples.body { if case .modelWeights(let m) = $0 { m } else { nil } }

    @Test func wrongProtocolVersionIsRefused() {
        var envelope = Samples.envelope(.heartbeat(.init()))
        envelope.protocolVersion = 2
        #expect(refusal(envelope) == .unsupportedVersion(received: 2, supported: 1...1))
        envelope.protocolVersion = 0
        #expect(refusal(envelope) == .unsupportedVersion(received: 0, supported: 1...1))
    }

    @Test func missingBodyIsRefused() {
        var envelope = Samples.envelope(.heartbeat(.init()))
        envelope.body = nil
        #expect(refusal(envelope) == .missingBody)
    }

    @Test func badIDsAreRefused() {
        var envelope = Samples.envelope(.heartbeat(.init()))
        envelope.senderID = ""
        #expect(refusal(envelope) == .missingField(field: "sender_id"))
        envelope.senderID = "client 1"
        #expect(refusal(envelope) == .invalidID(field: "sender_id", value: "client 1"))
        envelope.senderID = String(repeating: "a", count: 65)
        #expect(refusal(envelope) == .invalidID(field: "sender_id", value: String(repeating: "a", count: 65)))
        envelope.senderID = "clïent"
        #expect(refusal(envelope) == .invalidID(field: "sender_id", value: "clïent"))
        var job = Samples.envelope(.modelWeights(weights))
        job.jobID = ""
        #expect(refusal(job) == .missingField(field: "job_id"))
        job.jobID = "../etc"
        #expect(refusal(job) == .invalidID(field: "job_id", value: "../etc"))
    }

    @Test func shapeAndByteCountMismatchIsRefused() {
        let short = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters.data.removeLast() }
        #expect(refusal(short) == .shapeMismatch(field: "model_weights.parameters.data",
                                                 detail: "holds 23 bytes, but 6 float32 values need 24"))
        let reshaped = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters.shape = [4, 2] }
        #expect(refusal(reshaped)?.code == .shapeMismatch)
        let negative = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters.shape = [-2, -3] }
        #expect(refusal(negative) == .invalidValue(field: "model_weights.parameters.shape",
                                                   detail: "extent -2 of axis 0 is negative"))
        let digest = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.sha256 = Data([1, 2]) }
        #expect(refusal(digest)?.code == .shapeMismatch)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity, Float(bitPattern: 0x7FC0_0001)])
    func nonFiniteValuesAreRefused(bad: Float) {
        var storage = Samples.tensor.storage
        storage[4] = bad
        let tensor = Tensor(shape: [2, 3], storage: storage)
        let envelope = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters = tensor.wire }
        #expect(refusal(envelope) == .nonFinite(field: "model_weights.parameters.data", index: 4))
        var metrics = Samples.metrics.wire
        metrics.ra = Double(bad)
        var report = Lethe_V1_EvalReport(); report.requestID = "r"; report.metrics = metrics
        #expect(refusal(Samples.envelope(.evalReport(report))) == .nonFinite(field: "eval_report.metrics.ra", index: 0))
    }

    @Test func oversizedInputIsRefused() {
        let envelope = Samples.envelope(.modelWeights(weights))
        #expect(refusal(envelope, limits: WireLimits(maxMessageBytes: 40))?.code == .tooLarge)
        #expect(refusal(envelope, limits: WireLimits(maxTensorElements: 5))
                == .tooLarge(field: "model_weights.parameters.shape", size: 6, limit: 5))
        let huge = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters.shape = [1 << 40, 1 << 40] }
        #expect(refusal(huge)?.code == .tooLarge)
        let deep = Samples.envelope(Lethe_V1_Envelope.OneOf_Body.modelWeights, weights) { $0.parameters.shape = Array(repeating: 1, count: 9) }
        #expect(refusal(deep) == .tooLarge(field: "model_weights.parameters.shape", size: 9, limit: 8))
        var error = Lethe_V1_Error(); error.code = .internal; error.message = String(repeating: "x", count: 5000)
        #expect(refusal(Samples.envelope(.error(error))) == .tooLarge(field: "error.message", size: 5000, limit: 4096))
    }

    @Test func garbageBytesAreMalformed() throws {
        let error = #expect(throws: WireError.self) { try WireCodec.decode(Data([0xff, 0xff, 0xff])) }
        #expect(error?.code == .malformed)
    }

    @Test func maskWithBitsPastItsCountIsRefused() {
        var mask = Samples.mask.wire
        mask.bitCount = 68  // bit 69 is set
        var broadcast = Lethe_V1_MaskBroadcast(); broadcast.requestID = "r"; broadcast.mask = mask
        #expect(refusal(Samples.envelope(.maskBroadcast(broadcast)))
                == .shapeMismatch(field: "mask_broadcast.mask.words", detail: "has bits set past bit_count 68"))
        broadcast.mask = Samples.mask.wire
        broadcast.fraction = 1.5
        #expect(refusal(Samples.envelope(.maskBroadcast(broadcast)))?.field == "mask_broadcast.fraction")
    }

    @Test func sparseDeltaNeedsOneValuePerSetBit() {
        var delta = WireSparseDelta(mask: Samples.mask, values: [1, 2, 3, 4]).wire
        delta.values.removeLast(4)
        var message = Lethe_V1_ModelDelta(); message.requestID = "r"; message.phase = .forget; message.delta = delta
        #expect(refusal(Samples.envelope(.modelDelta(message)))
                == .shapeMismatch(field: "model_delta.delta.values", detail: "holds 12 bytes, but 4 float32 values need 16"))
    }

    @Test func statisticsNeedDistinctLabelsAndFullSums() {
        var classes = Samples.statistics.wireClasses
        classes[1].label = 0
        var stats = Lethe_V1_FeatureStats(); stats.requestID = "r"; stats.featureDim = 2; stats.classes = classes
        #expect(refusal(Samples.envelope(.featureStats(stats)))
                == .invalidValue(field: "feature_stats.classes[1].label", detail: "label 0 appears twice"))
        stats.classes = Samples.statistics.wireClasses
        stats.featureDim = 3
        #expect(refusal(Samples.envelope(.featureStats(stats)))?.field == "feature_stats.classes[0].sum")
        stats.featureDim = 0
        #expect(refusal(Samples.envelope(.featureStats(stats)))?.field == "feature_stats.feature_dim")
    }

    /// Each kind's required fields: clearing them gives `missingField` naming the field.
    /// A status report's client ids are ids like any other, so a forged one cannot smuggle text into an operator's
    /// terminal; its activity is bounded text.
    @Test func aStatusReportNamesOnlyValidClientIDs() {
        var report: Lethe_V1_StatusReport = Samples.body { if case .statusReport(let m) = $0 { m } else { nil } }
        report.connectedClients.append("evil\n[lethe] forged")
        #expect(refusal(Samples.envelope(.statusReport(report)))
                == .invalidID(field: "status_report.connected_clients[2]", value: "evil\n[lethe] forged"))
        report.connectedClients.removeLast()
        report.activity = String(repeating: "x", count: WireLimits.default.maxTextBytes + 1)
        #expect(refusal(Samples.envelope(.statusReport(report)))
                == .tooLarge(field: "status_report.activity", size: WireLimits.default.maxTextBytes + 1,
                             limit: WireLimits.default.maxTextBytes))
    }

    @Test func requiredFieldsPerKind() {
        var deletion: Lethe_V1_DeletionRequest = Samples.body { if case .deletionRequest(let m) = $0 { m } else { nil } }
        deletion.scope = nil
        #expect(refusal(Samples.envelope(.deletionRequest(deletion))) == .missingField(field: "deletion_request.scope"))
        var report: Lethe_V1_SaliencyReport = Samples.body { if case .saliencyReport(let m) = $0 { m } else { nil } }
        report.scores = nil
        #expect(refusal(Samples.envelope(.saliencyReport(report))) == .missingField(field: "saliency_report.scores"))
        var phase: Lethe_V1_PhaseRequest = Samples.body { if case .phaseRequest(let m) = $0 { m } else { nil } }
        phase.phase = .unspecified
        #expect(refusal(Samples.envelope(.phaseRequest(phase))) == .missingField(field: "phase_request.phase"))
        var eval = Lethe_V1_EvalRequest()
        #expect(refusal(Samples.envelope(.evalRequest(eval))) == .missingField(field: "eval_request.request_id"))
        eval.requestID = "r"
        var noWeights = weights
        noWeights.clearParameters()
        #expect(refusal(Samples.envelope(.modelWeights(noWeights))) == .missingField(field: "model_weights.parameters"))
        var welcome = Lethe_V1_Welcome()
        welcome.liveness = 3; welcome.maxMessageBytes = 1
        #expect(refusal(Samples.envelope(.welcome(welcome)))?.field == "welcome.heartbeat_interval_ms")
    }

    @Test func negativeSaliencyIsRefused() {
        var report: Lethe_V1_SaliencyReport = Samples.body { if case .saliencyReport(let m) = $0 { m } else { nil } }
        report.dense = Tensor(shape: [3], storage: [0.5, -0.1, 2]).wire
        #expect(refusal(Samples.envelope(.saliencyReport(report)))?.field == "saliency_report.dense.data")
    }

    @Test func badChunkDescriptorsAreRefused() {
        var chunked = weights
        chunked.parameters = Tensor(shape: [4], storage: [1, 2, 3, 4]).wire
        chunked.chunk.index = 2; chunked.chunk.count = 2; chunked.chunk.fullShape = [8]
        #expect(refusal(Samples.envelope(.modelWeights(chunked)))?.field == "model_weights.parameters.chunk.index")
        chunked.chunk.index = 1; chunked.chunk.elementOffset = 6
        #expect(refusal(Samples.envelope(.modelWeights(chunked)))?.field == "model_weights.parameters.chunk")
        chunked.chunk.elementOffset = 4
        #expect(refusal(Samples.envelope(.modelWeights(chunked))) == nil)
    }
}

/// Peer-chosen text in logs (issue 24 item 5): no forged lines, no terminal escapes, bounded length.
@Suite struct LogSafeTests {
    @Test func controlCharactersAndSeparatorsAreEscaped() {
        let forged = "ok\n[lethe] coordinator: client client-0 joined\u{1B}[31m\u{2028}\u{202E}"
        let safe = LogSafe.text(forged)
        #expect(!safe.contains("\n") && !safe.contains("\u{1B}") && !safe.contains("\u{2028}") && !safe.contains("\u{202E}"))
        #expect(safe == "ok\\u{A}[lethe] coordinator: client client-0 joined\\u{1B}[31m\\u{2028}\\u{202E}")
        #expect(LogSafe.text("plain ünïcode ok") == "plain ünïcode ok")
    }

    @Test func longTextIsCutWithTheCountLeftOut() {
        let safe = LogSafe.text(String(repeating: "a", count: 5000), limit: 10)
        #expect(safe == "aaaaaaaaaa…(4990 more)")
        #expect(LogSafe.text("abc", limit: 3) == "abc")
    }

    @Test func anInvalidIDIsEscapedInItsError() {
        let description = WireError.invalidID(field: "sender_id", value: "a\nb").description
        #expect(description.contains("a\\u{A}b") && !description.contains("\n"))
    }

    @Test func aValidationFailureStillNamesItsMessageNumber() throws {
        let envelope = WireCodec.envelope(senderID: "bad id!", messageNumber: 4242, body: .heartbeat(.init()))
        let bytes = try WireCodec.encode(envelope)
        #expect(throws: WireError.self) { try WireCodec.decode(bytes) }
        #expect(WireCodec.messageNumber(in: bytes) == 4242)
        #expect(WireCodec.messageNumber(in: Data([0xFF, 0xFF])) == 0)
    }
}
