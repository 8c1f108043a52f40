import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire

/// The WSS-CL phases on local data (ARCHITECTURE.md steps 4–6): forgetting and contrastive fine-tuning on the
/// forget holders, returning masked sparse deltas; retained-feature statistics from every client.
extension ClientNode {
    /// PhaseRequest: run the named phase from the requested model version.
    func handlePhaseRequest(_ request: Lethe_V1_PhaseRequest, _ message: Lethe_V1_Envelope,
                            state: ClientState) throws -> [Lethe_V1_Envelope] {
        switch request.phase {
        case .forget: return [reply(to: message, .modelDelta(try forgettingDelta(request, state: state)))]
        case .contrastive: return [reply(to: message, .modelDelta(try contrastiveDelta(request, state: state)))]
        case .statistics: return [reply(to: message, .featureStats(try featureStats(request, state: state)))]
        default: throw ClientError.unexpected(kind: "phase \(request.phase)")
        }
    }

    /// Stage 1 (KL forgetting) for `steps` epochs over the local forget data, only masked weights moving.
    func forgettingDelta(_ request: Lethe_V1_PhaseRequest, state: ClientState) throws -> Lethe_V1_ModelDelta {
        let job = try holderJob(request.requestID, state: state)
        guard let mask = job.mask else { throw ClientError.missingMask(request: request.requestID) }
        let model = try loadModel(state, version: request.modelVersion, for: "forgetting phase")
        let method = wsscl(for: request, kind: job.kind)
        var rng = SeededGenerator(seed: request.seed).derived(clientStream)
        try method.forgettingPhase(model, original: model.clone(), task: task(for: job, state: state), mask: mask,
                                   rng: &rng)
        return try delta(request, job: job, mask: mask, base: state.parameters, model: model)
    }

    /// Stage 2 (contrastive) for `steps` epochs with negatives sampled from the global statistics.
    func contrastiveDelta(_ request: Lethe_V1_PhaseRequest, state: ClientState) throws -> Lethe_V1_ModelDelta {
        let job = try holderJob(request.requestID, state: state)
        guard let mask = job.mask else { throw ClientError.missingMask(request: request.requestID) }
        guard let statistics = job.statistics else { throw ClientError.missingStatistics(request: request.requestID) }
        let model = try loadModel(state, version: request.modelVersion, for: "contrastive phase")
        let method = wsscl(for: request, kind: job.kind)
        var rng = SeededGenerator(seed: request.seed).derived(clientStream)
        try method.contrastivePhase(model, task: task(for: job, state: state), statistics: statistics, mask: mask,
                                    rng: &rng)
        return try delta(request, job: job, mask: mask, base: state.parameters, model: model)
    }

    /// The configured WSS-CL with the request's epochs and rate for the phase it runs.
    func wsscl(for request: Lethe_V1_PhaseRequest, kind: ForgettingKind) -> WSSCL {
        var configuration = configuration.wsscl(for: kind)
        configuration.stage1.epochs = Int(request.steps)
        configuration.stage1.learningRate = request.learningRate
        configuration.stage2.epochs = Int(request.steps)
        configuration.stage2.learningRate = request.learningRate
        var method = WSSCL(configuration: configuration)
        // The local test slice is this client's only data the model never trained on.
        method.heldOutReference = HeldOutSamples(dataset: data.test, positions: Array(0..<data.test.count))
        return method
    }

    /// ModelDelta: new − old on the masked weights (the others cannot have moved), weighted by the forget count.
    func delta(_ request: Lethe_V1_PhaseRequest, job: DeletionJob, mask: WeightMask, base: [Float],
               model: Sequential) throws -> Lethe_V1_ModelDelta {
        let after = model.parameters.values
        let values = mask.setIndices.map { after[$0] - base[$0] }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ClientError.computation(step: "phase \(request.phase)", reason: "delta \(bad) is not finite")
        }
        var message = Lethe_V1_ModelDelta()
        message.requestID = request.requestID
        message.phase = request.phase
        message.baseModelVersion = request.modelVersion
        message.delta = WireSparseDelta(mask: WireMask(bitCount: mask.count, words: mask.words), values: values).wire
        message.sampleCount = UInt64(job.forgetPositions.count)
        let norm = values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        log("phase \(request.phase) \(request.requestID): \(request.steps) epoch(s) on \(job.forgetPositions.count) "
            + "forget sample(s), delta over \(values.count) weights, L2 \(norm)")
        return message
    }

    /// GlobalStats: keep the merged statistics for the contrastive phase.
    func handleGlobalStats(_ stats: Lethe_V1_GlobalStats, state: inout ClientState) throws -> [Lethe_V1_Envelope] {
        var job = try holderJob(stats.requestID, state: state)
        let wire = try WireFeatureStatistics(featureDim: stats.featureDim, wireClasses: stats.classes,
                                             field: "global_stats.classes", limits: configuration.limits)
        job.statistics = try statistics(from: wire)
        state.deletions[stats.requestID] = job
        log("statistics \(stats.requestID): global statistics of \(stats.contributorCount) client(s), "
            + "\(wire.classes.reduce(0) { $0 + $1.count }) sample(s)")
        return []
    }
}
