import LetheData
import LetheNN
import LetheTensor

extension WSSCL {
    /// Stage 1: KL between the model's forget outputs and pseudo-labels q(x) from the original model,
    /// q(x) = mean over {x, A₁(x), …, A_k(x)} of softmax(f_θo(·)/T) (or uniform), maximised or minimised per the
    /// configuration, optionally alternating with CE steps on retained batches.
    func runStage1(_ model: Sequential, original: Sequential, task: UnlearningTask, rule: WeightUpdateRule,
                   rng: inout SeededGenerator, progress: PhaseProgress?) throws {
        let s = configuration.stage1
        guard s.epochs > 0 else { return }
        var optimizer = SGD(momentum: s.momentum)
        var retainOptimizer = SGD(momentum: s.momentum, weightDecay: 5e-4)
        var stream = RetainStream(positions: task.retain, batchSize: s.batchSize)
        let teacher = try retainTeacher(original)
        let fixedTargets = try precomputedTargets(original, task: task)
        let stopBelow = s.earlyStop ? heldOutAccuracy(original, task: task) : nil
        let forgetProbe = Array(task.forget.prefix(1000))
        var step = 0
        for epoch in 0..<s.epochs {
            let order = EpochOrder(shuffling: task.forget, batchSize: s.batchSize, rng: &rng)
            for (index, positions) in order.enumerated() {
                let (images, labels) = task.batch(positions)
                let targets = fixedTargets?.targets(for: positions)
                    ?? pseudoLabels(original, images: images, labels: labels, classes: task.train.classCount,
                                    rng: &rng)
                model.parameters.zeroGradients()
                let logits = model.forward(images, mode: .training).logits
                var kl = ClassificationLoss.klDivergence(targets: targets, logits: logits, temperature: s.temperature)
                if s.objective == .maximizeKL { for i in 0..<kl.gradient.count { kl.gradient.storage[i].negate() } }
                model.backward(dLogits: kl.gradient)
                if let clip = s.gradientClip { clipGradientNorm(model.parameters, maxNorm: clip) }
                rule.step(model, optimizer: &optimizer, learningRate: s.learningRate)
                for _ in 0..<s.retainStepsPerForgetStep {
                    Self.retainStep(model, task: task, stream: &stream, optimizer: &retainOptimizer,
                                    learningRate: s.learningRate, clip: s.gradientClip, rule: rule, teacher: teacher,
                                    rng: &rng)
                }
                step += 1
                progress?("stage 1", (Double(epoch) + Double(index + 1) / Double(order.count)) / Double(s.epochs))
                if let stopBelow, step % s.checkEvery == 0,
                   Evaluator.evaluate(model, on: task.train, positions: forgetProbe,
                                      normalization: task.normalization).accuracy < stopBelow {
                    return
                }
            }
        }
    }

    /// The targets that need no random views, computed once: held-out quantiles, or the original's outputs without
    /// views (nil: uniform, or views drawn per batch).
    func precomputedTargets(_ original: Sequential, task: UnlearningTask) throws -> ForgetTargets? {
        let s = configuration.stage1
        switch s.objective {
        case .heldOutQuantiles:
            return try .heldOutQuantiles(original: original, task: task, reference: heldOutReference)
        case .minimizeKL, .maximizeKL, .otherClasses:
            guard s.pseudoLabelViews == 0 else { return nil }
            return .originalOutputs(original, task: task, temperature: s.temperature,
                                    removingTrueLabel: s.objective == .otherClasses)
        case .uniform:
            return nil
        }
    }

    /// q(x) for one batch: the original model's softmax averaged over the sample and its views (with the true
    /// label's mass moved to the other classes for `otherClasses`), or uniform.
    func pseudoLabels(_ original: Sequential, images: Tensor, labels: [Int32], classes: Int,
                      rng: inout SeededGenerator) -> Tensor {
        let s = configuration.stage1
        let rows = images.shape[0]
        if s.objective == .uniform { return Tensor(shape: [rows, classes], repeating: 1 / Float(classes)) }
        var q = original.logits(images).softmaxRows(temperature: s.temperature)
        if s.pseudoLabelViews > 0 {
            let augmentation = configuration.stage2.augmentation
            for _ in 0..<s.pseudoLabelViews {
                let view = original.logits(augmentation.view(of: images, rng: &rng))
                    .softmaxRows(temperature: s.temperature)
                for i in 0..<q.count { q.storage[i] += view.storage[i] }
            }
            let scale = 1 / Float(s.pseudoLabelViews + 1)
            for i in 0..<q.count { q.storage[i] *= scale }
        }
        if s.objective == .otherClasses {
            for (row, label) in labels.enumerated() {
                let range = (row * classes)..<((row + 1) * classes)
                let moved = ForgetTargets.target(Array(q.storage[range]), label: Int(label), trueProbability: 0)
                q.storage.replaceSubrange(range, with: moved)
            }
        }
        return q
    }

    /// Accuracy of the original model on (up to 2,000) held-out samples: the early-stopping threshold.
    func heldOutAccuracy(_ original: Sequential, task: UnlearningTask) -> Double? {
        guard !task.heldOut.isEmpty else { return nil }
        return Evaluator.evaluate(original, on: task.train, positions: Array(task.heldOut.prefix(2000)),
                                  normalization: task.normalization).accuracy
    }
}
