import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire

/// Saliency (ARCHITECTURE.md step 3): forget holders report |∇θ L_forget| and receive the global mask.
extension ClientNode {
    /// SaliencyRequest: per-weight |∇θ L_forget| on the local forget data under the requested version, sent dense
    /// (every score as float32) or compressed (a bitset of this client's top `top_fraction` weights).
    func handleSaliencyRequest(_ request: Lethe_V1_SaliencyRequest, _ message: Lethe_V1_Envelope,
                               state: ClientState) throws -> [Lethe_V1_Envelope] {
        let job = try holderJob(request.requestID, state: state)
        let model = try loadModel(state, version: request.modelVersion, for: "saliency_request")
        let scores = Self.saliency(model, task: try task(for: job, state: state),
                                   limit: configuration.saliencyForgetLimit)
        var report = Lethe_V1_SaliencyReport()
        report.requestID = request.requestID
        report.modelVersion = request.modelVersion
        report.forgetSampleCount = UInt64(job.forgetPositions.count)
        switch request.encoding {
        case .topK:
            let mask = try WeightMask.topFraction(scores, fraction: Double(request.topFraction))
            report.topK = WireMask(bitCount: mask.count, words: mask.words).wire
        default:
            report.dense = Tensor(shape: [scores.count], storage: scores).wire
        }
        log("saliency \(request.requestID): \(request.encoding == .topK ? "top-k" : "dense") scores of "
            + "\(job.forgetPositions.count) forget sample(s) under version \(request.modelVersion)")
        return [reply(to: message, .saliencyReport(report))]
    }

    /// Saliency scores on at most `limit` evenly spaced forget samples (nil: all of them). The scores sum per-batch
    /// mean gradients (`Saliency.scores`), so a subset's are scaled up to the whole forget set's batch count: the
    /// estimate keeps the size of the full sum, and holders keep their relative weight in the coordinator's sum.
    static func saliency(_ model: Sequential, task: UnlearningTask, limit: Int?) -> [Float] {
        let sampled = evenlySpaced(task.forget, limit: limit)
        let scores = WSSCL.saliencyScores(model, task: task, positions: sampled)
        guard sampled.count < task.forget.count else { return scores }
        func batches(_ count: Int) -> Int { (count + Saliency.batchSize - 1) / Saliency.batchSize }
        let factor = Float(batches(task.forget.count)) / Float(batches(sampled.count))
        return scores.map { $0 * factor }
    }

    /// MaskBroadcast: keep the global mask for the request's forgetting and contrastive phases.
    func handleMaskBroadcast(_ broadcast: Lethe_V1_MaskBroadcast,
                             state: inout ClientState) throws -> [Lethe_V1_Envelope] {
        var job = try holderJob(broadcast.requestID, state: state)
        let wire = try WireMask(wire: broadcast.mask, field: "mask_broadcast.mask", limits: configuration.limits)
        guard wire.bitCount == parameterCount else {
            throw ClientError.mismatch(field: "mask_broadcast.mask.bit_count",
                                       detail: "covers \(wire.bitCount) weights, the model has \(parameterCount)")
        }
        job.mask = try WeightMask(count: wire.bitCount, words: wire.words)
        state.deletions[broadcast.requestID] = job
        log("mask \(broadcast.requestID): \(wire.popCount) of \(wire.bitCount) weights may change")
        return []
    }

    /// The unlearning task of a job on this client: its forget positions against the remaining retained data
    /// (possibly empty when the whole client is deleted).
    func task(for job: DeletionJob, state: ClientState) throws -> UnlearningTask {
        let forget = Set(job.forgetPositions)
        let retain = state.retainedPositions(count: data.train.count).filter { !forget.contains($0) }
        return try UnlearningTask(train: data.train, forget: job.forgetPositions, retain: retain,
                                  allowEmptyRetain: true)
    }
}
