import LetheData
import LetheNN
import LetheTensor

extension WSSCL {
    /// Stage 2: each epoch a contrastive round over D_f (InfoNCE: x_f and A(x_f) positive, retained data negative)
    /// and a retain round of CE on retained batches (plus, with statistics negatives, optional CE steps of the head on
    /// sampled features).
    func runStage2(_ model: Sequential, original: Sequential?, task: UnlearningTask, rule: WeightUpdateRule, rng: inout SeededGenerator,
                   progress: PhaseProgress?, givenStatistics: FeatureStatistics? = nil) throws {
        let s = configuration.stage2
        guard s.epochs > 0 else { return }
        let teacher = try retainTeacher(original)
        var sampler: NegativeSampler
        var statistics: FeatureStatistics?
        switch (s.negatives, givenStatistics) {
        case (.retained, nil):
            sampler = RetainedSampleNegatives(task: task)
        case (_, let given?):
            statistics = given
            sampler = StatisticsNegatives(statistics: given)
        case (.statistics, nil):
            statistics = try FeatureStatistics.of(model, task: task, positions: task.retain)
            sampler = StatisticsNegatives(statistics: statistics!)
        }
        var forgetOptimizer = SGD(momentum: s.momentum, weightDecay: s.weightDecay)
        var retainOptimizer = SGD(momentum: s.momentum, weightDecay: s.weightDecay)
        var stream = RetainStream(positions: task.retain, batchSize: s.batchSize)
        let forgetBatches = (task.forget.count + s.batchSize - 1) / s.batchSize
        let totalSteps = forgetBatches * s.epochs
        var step = 0
        for epoch in 0..<s.epochs {
            for positions in EpochOrder(shuffling: task.forget, batchSize: s.batchSize, rng: &rng) {
                let negatives = sampler.negatives(model: model, count: s.negativeCount, space: s.space, rng: &rng)
                contrastiveStep(model, images: task.batch(positions).images, negatives: negatives, rng: &rng)
                let rate = LearningRateSchedule.cosine(minimum: s.minimumLearningRate)
                    .rate(base: s.learningRate, step: step, totalSteps: totalSteps)
                rule.step(model, optimizer: &forgetOptimizer, learningRate: rate)
                step += 1
            }
            let retainBatches = s.retainRoundsFollowForget ? forgetBatches : s.retainBatchesPerRound ?? stream.batchesPerPass
            for _ in 0..<retainBatches {
                Self.retainStep(model, task: task, stream: &stream, optimizer: &retainOptimizer,
                                learningRate: s.retainLearningRate, clip: nil, rule: rule, teacher: teacher,
                                rng: &rng)
            }
            if let statistics {
                for _ in 0..<s.headStepsPerRound {
                    headStep(model, statistics: statistics, optimizer: &retainOptimizer, rule: rule, rng: &rng)
                }
            }
            progress?("stage 2", Double(epoch + 1) / Double(s.epochs))
        }
    }

    /// Accumulates the InfoNCE gradient for one forget batch (call after computing the negatives).
    func contrastiveStep(_ model: Sequential, images: Tensor, negatives: Tensor, rng: inout SeededGenerator) {
        let s = configuration.stage2
        let rows = images.shape[0]
        let view = s.augmentation.view(of: images, rng: &rng)
        model.parameters.zeroGradients()
        let output = model.forward(Tensor.concatenated([images, view]), mode: .training)
        let z = s.space == .features ? output.features : output.logits
        let loss = ContrastiveLoss.infoNCE(anchors: z.rows(0..<rows), positives: z.rows(rows..<(2 * rows)),
                                           negatives: negatives, temperature: s.temperature)
        let dZ = Tensor.concatenated([loss.dAnchors, loss.dPositives])
        if s.space == .features {
            model.backward(dLogits: nil, dFeatures: dZ)
        } else {
            model.backward(dLogits: dZ)
        }
    }

    /// CE of the classifier head on features sampled from the retained statistics (keeps the head right without
    /// raw retained data).
    func headStep(_ model: Sequential, statistics: FeatureStatistics, optimizer: inout SGD, rule: WeightUpdateRule,
                  rng: inout SeededGenerator) {
        let s = configuration.stage2
        guard let sample = try? statistics.sample(count: s.batchSize, rng: &rng) else { return }
        model.parameters.zeroGradients()
        let logits = model.head(sample.features, mode: .training)
        model.backwardHead(dLogits: ClassificationLoss.crossEntropy(logits: logits, labels: sample.labels).gradient)
        rule.step(model, optimizer: &optimizer, learningRate: s.retainLearningRate)
    }
}
