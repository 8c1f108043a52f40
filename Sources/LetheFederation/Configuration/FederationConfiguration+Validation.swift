/// Errors in a federation's configuration, found before any client is asked to do anything.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(field: String, detail: String)

    public var description: String {
        switch self {
        case .invalid(let field, let detail): return "configuration \(field): \(detail)"
        }
    }
}

extension FederationConfiguration {
    /// Checks every value the protocol would otherwise reject later (on the wire or in a client).
    public func validate() throws(ConfigurationError) {
        func check(_ ok: Bool, _ field: String, _ detail: String) throws(ConfigurationError) {
            if !ok { throw .invalid(field: field, detail: detail) }
        }
        try check(training.rounds >= 0, "training.rounds", "must be 0 or more")
        try check(training.localEpochs >= 1, "training.localEpochs", "must be at least 1")
        try check(training.batchSize >= 1, "training.batchSize", "must be at least 1")
        try check(training.learningRate > 0 && training.learningRate.isFinite, "training.learningRate", "must be > 0")
        try check(training.fractionFit > 0 && training.fractionFit <= 1, "training.fractionFit", "must be in (0, 1]")
        try check((0...1).contains(unlearning.maskFraction), "unlearning.maskFraction", "must be in [0, 1]")
        try check(unlearning.reportFraction > 0 && unlearning.reportFraction <= 1, "unlearning.reportFraction",
                  "must be in (0, 1]")
        try check(unlearning.forgettingEpochs >= 1, "unlearning.forgettingEpochs", "must be at least 1")
        try check(unlearning.poisonedForgettingEpochs >= 1, "unlearning.poisonedForgettingEpochs", "must be at least 1")
        try check(unlearning.contrastiveEpochs >= 1, "unlearning.contrastiveEpochs", "must be at least 1")
        if case .trimmedMean(let beta) = aggregation {
            try check(beta >= 0 && beta < 0.5, "aggregation", "trimmed-mean β must be in [0, 0.5)")
        }
        if let privacy = unlearning.privacy {
            do { _ = try privacy.unitNoiseSigma() } catch {
                throw .invalid(field: "unlearning.privacy", detail: "\(error)")
            }
        }
        try check(liveness.heartbeatIntervalMilliseconds >= 1 && liveness.liveness >= 1, "liveness",
                  "interval and liveness must be at least 1")
    }
}
