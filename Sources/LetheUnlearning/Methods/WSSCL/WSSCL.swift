import LetheData
import LetheNN
import LetheTensor

/// WSS-CL (Tran & Le 2025, arXiv 2508.04308) as reconstructed in ALGORITHMS.md: a weight-saliency mask from the
/// forget loss, a KL-based forgetting stage against pseudo-labels from the original model, then contrastive
/// fine-tuning that pushes forget samples away from retained data, all on the masked weights.
public struct WSSCL: UnlearningMethod {
    public var configuration: WSSCLConfiguration
    /// Held-out data for `held-out-quantiles` pseudo-labels when the task has none (a federated client passes its
    /// local test slice; centrally the task's validation split is used).
    public var heldOutReference: HeldOutSamples?
    public var name: MethodName { .wssCL }
    public var configurationSummary: String {
        let c = configuration, s1 = c.stage1, s2 = c.stage2
        return "mask \(c.maskFraction.map { "\(Int($0 * 100)) %" } ?? "none")\(c.softSaliency ? " soft" : ""); "
            + "stage 1 \(s1.objective.rawValue) ×\(s1.epochs) lr \(s1.learningRate) views \(s1.pseudoLabelViews) "
            + "T \(s1.temperature) retain/forget \(s1.retainStepsPerForgetStep)\(s1.earlyStop ? " early-stop" : ""); "
            + "stage 2 \(s2.space.rawValue) ×\(s2.epochs) τ \(s2.temperature) lr \(s2.learningRate) "
            + "negatives \(s2.negatives.rawValue) retain batches \(s2.retainRoundsFollowForget ? "= forget" : s2.retainBatchesPerRound.map(String.init) ?? "all"); "
            + "retain loss \(c.retainLoss.rawValue)"
            + (c.repair.map { "; repair \($0.kind.rawValue) \($0.steps) steps lr \($0.learningRate)" } ?? "")
    }

    public init(configuration: WSSCLConfiguration = WSSCLConfiguration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let rule = try updateRule(original, task: task)
        progress?("saliency", 1)
        let model = original.clone()
        try runStage1(model, original: original, task: task, rule: rule, rng: &rng, progress: progress)
        try Steps.checkFinite(model, method: name, phase: "stage 1")
        try runStage2(model, original: original, task: task, rule: rule, rng: &rng, progress: progress)
        try Steps.checkFinite(model, method: name, phase: "stage 2")
        if let repair = configuration.repair {
            runRepair(repair, model, original: original, task: task, rule: rule, rng: &rng, progress: progress)
            try Steps.checkFinite(model, method: name, phase: "repair")
        }
        return model
    }

    /// The saliency mask and/or soft scale from the original model's forget-loss gradient.
    func updateRule(_ original: Sequential, task: UnlearningTask) throws -> WeightUpdateRule {
        let c = configuration
        guard c.maskFraction != nil || c.softSaliency else { return .unrestricted }
        let scores = Saliency.scores(original, task: task)
        let mask = try c.maskFraction.map {
            try Saliency.mask(scores: scores, fraction: $0, layout: original.parameters.entries)
        }
        return WeightUpdateRule(mask: mask, scale: c.softSaliency ? Saliency.softScale(scores: scores) : nil)
    }

    /// One step on the next retained batch: CE on its labels, or (with a teacher) KL to the teacher's softmax.
    static func retainStep(_ model: Sequential, task: UnlearningTask, stream: inout RetainStream,
                           optimizer: inout SGD, learningRate: Float, clip: Float?, rule: WeightUpdateRule,
                           teacher: Sequential?, rng: inout SeededGenerator) {
        guard !stream.isEmpty else { return }
        let (images, labels) = task.batch(stream.next(rng: &rng))
        if let teacher {
            distillationGradient(model, teacher: teacher, images: images)
        } else {
            Steps.crossEntropyGradient(model, images: images, labels: labels)
        }
        if let clip { clipGradientNorm(model.parameters, maxNorm: clip) }
        rule.step(model, optimizer: &optimizer, learningRate: learningRate)
    }

    /// The teacher of retain steps: the original model when `retainLoss` is distillation.
    func retainTeacher(_ original: Sequential?) throws -> Sequential? {
        guard configuration.retainLoss == .distill else { return nil }
        guard let original else {
            throw UnlearningError.invalidConfiguration(
                method: name.rawValue, reason: "retainLoss \"distill\" needs the original model")
        }
        return original
    }

    /// Accumulates the gradient of KL(softmax(teacher) ‖ softmax(model)) on one batch.
    static func distillationGradient(_ model: Sequential, teacher: Sequential, images: Tensor) {
        let targets = teacher.logits(images).softmaxRows()
        model.parameters.zeroGradients()
        let logits = model.forward(images, mode: .training).logits
        model.backward(dLogits: ClassificationLoss.klDivergence(targets: targets, logits: logits).gradient)
    }

    /// The utility repair: distil the original model (or plain CE) on retained batches, rate cosine to 0.
    func runRepair(_ repair: WSSCLConfiguration.Repair, _ model: Sequential, original: Sequential,
                   task: UnlearningTask, rule: WeightUpdateRule, rng: inout SeededGenerator,
                   progress: PhaseProgress?) {
        var optimizer = SGD(momentum: 0.9, weightDecay: 5e-4)
        var stream = RetainStream(positions: task.retain, batchSize: repair.batchSize)
        for step in 0..<(stream.isEmpty ? 0 : repair.steps) {
            let (images, labels) = task.batch(stream.next(rng: &rng))
            switch repair.kind {
            case .distill: Self.distillationGradient(model, teacher: original, images: images)
            case .crossEntropy: Steps.crossEntropyGradient(model, images: images, labels: labels)
            }
            let rate = LearningRateSchedule.cosine(minimum: 0).rate(base: repair.learningRate, step: step,
                                                                    totalSteps: repair.steps)
            rule.step(model, optimizer: &optimizer, learningRate: rate)
            progress?("repair", Double(step + 1) / Double(repair.steps))
        }
    }
}
