import LetheTensor
import LetheWire

/// Federated WSS-CL as a strategy value: one `configure…`/`aggregate…` pair per phase (Flower's Strategy shape,
/// STYLE.md principle 8). `configure` says what to ask; `aggregate` turns the answers into the next phase's input.
/// Pure: the job state machine decides *when*, this value decides *what*.
public struct FederatedWSSCL: Equatable, Sendable {
    public var unlearning: FederationConfiguration.Unlearning
    public var rule: AggregationRule

    public init(unlearning: FederationConfiguration.Unlearning, rule: AggregationRule = .weightedMean) {
        self.unlearning = unlearning
        self.rule = rule
    }

    public func configureSaliency(modelVersion: UInt64) -> JobCommand {
        .saliencyRequest(modelVersion: modelVersion, encoding: unlearning.saliencyEncoding,
                         topFraction: unlearning.reportFraction)
    }

    /// Where the saliency reports go: exact score sum or compressed vote (`MaskAggregation`), folded as they arrive.
    public func saliencyAccumulator(holders: Set<ClientID>, weightCount: Int) -> SaliencyAccumulator {
        SaliencyAccumulator(holders: holders, weightCount: weightCount, fraction: unlearning.maskFraction)
    }

    /// The global mask: the accumulated saliency thresholded at the mask fraction.
    public func aggregateSaliency(_ reports: SaliencyAccumulator) throws(AggregationError) -> WeightMask {
        try reports.mask()
    }

    public func configureDeltaPhase(_ phase: DeltaPhase, modelVersion: UInt64, round: UInt64) -> JobCommand {
        switch phase {
        case .forget:
            .deltaPhase(.forget, modelVersion: modelVersion, steps: unlearning.forgettingEpochs,
                        learningRate: unlearning.forgettingLearningRate, seed: unlearning.seed &+ round)
        case .contrastive:
            .deltaPhase(.contrastive, modelVersion: modelVersion, steps: unlearning.contrastiveEpochs,
                        learningRate: unlearning.contrastiveLearningRate, seed: unlearning.seed &+ round)
        }
    }

    /// Where a delta phase's answers go: folded as they arrive by the configured rule (FedAvg: weighted by forget
    /// counts), in the holders' sorted order.
    public func deltaAccumulator(holders: Set<ClientID>, mask: WeightMask) -> DeltaAccumulator {
        DeltaAccumulator(holders: holders, mask: mask, rule: rule)
    }

    /// θ' = θ + the combined masked deltas.
    public func aggregateDeltas(_ deltas: DeltaAccumulator, weights: [Float]) throws(AggregationError) -> [Float] {
        DeltaAggregation.apply(try deltas.combined(), to: weights)
    }

    public func configureStatistics(modelVersion: UInt64) throws -> JobCommand {
        .statisticsRequest(modelVersion: modelVersion, noiseSigma: try unlearning.privacy?.unitNoiseSigma() ?? 0)
    }

    /// Exact merge by addition (DECISIONS.md §10); the dimension must agree across clients.
    public func aggregateStatistics(_ reports: [WireFeatureStatistics]) throws(AggregationError) -> WireFeatureStatistics {
        guard var merged = reports.first else { throw .noContributions }
        for (i, next) in reports.dropFirst().enumerated() {
            guard next.featureDim == merged.featureDim else {
                throw .incompatible("statistics \(i + 1) have feature dimension \(next.featureDim), "
                                    + "the first \(merged.featureDim)")
            }
            merged = merged.merged(with: next)
        }
        return merged
    }

    public func configureVerification(modelVersion: UInt64) -> JobCommand { .evaluationRequest(modelVersion: modelVersion) }

    /// Count-weighted means: UA and MIA over forget samples, RA over retained, TA over test samples.
    public func aggregateEvaluation(_ reports: [WireMetrics]) throws(AggregationError) -> JobMetrics {
        guard !reports.isEmpty else { throw .noContributions }
        func mean(_ value: (WireMetrics) -> Double, _ weight: (WireMetrics) -> UInt64) -> Double {
            let total = reports.reduce(0.0) { $0 + Double(weight($1)) }
            return total == 0 ? 0 : reports.reduce(0.0) { $0 + value($1) * Double(weight($1)) } / total
        }
        var metrics = JobMetrics(ua: mean(\.ua, \.forgetSamples), ra: mean(\.ra, \.retainSamples),
                                 ta: mean(\.ta, \.testSamples), mia: mean(\.mia, \.forgetSamples),
                                 forgetSamples: reports.reduce(0) { $0 + $1.forgetSamples },
                                 retainSamples: reports.reduce(0) { $0 + $1.retainSamples },
                                 testSamples: reports.reduce(0) { $0 + $1.testSamples }, reports: reports.count)
        let canarySamples = reports.reduce(0) { $0 + $1.canarySamples }
        if canarySamples > 0 { (metrics.asr, metrics.canarySamples) = (mean(\.asr, \.canarySamples), canarySamples) }
        return metrics
    }
}
