/// Per-class sums of penultimate-layer features: what clients share instead of retained samples (DECISIONS.md §10).
///
/// For class c with n samples h_1…h_n: `count` = n, `sum` = Σ h_i and `sumSquares` = Σ h_i² (elementwise), so
/// mean = sum / n and the diagonal variance = sumSquares / n − mean². Statistics of two clients merge exactly by
/// adding all three, which is why the sums (not means) travel. Differential-privacy noise is added to all three
/// (counts rounded and clamped at 0 after it; see `GaussianNoiseScales`).
public struct WireFeatureStatistics: Equatable, Sendable {
    /// The sums of one class.
    public struct Class: Equatable, Sendable {
        public var label: UInt32
        public var count: UInt64
        /// Σ h, `featureDim` elements.
        public var sum: [Double]
        /// Σ h² elementwise, `featureDim` elements.
        public var sumSquares: [Double]

        public init(label: UInt32, count: UInt64, sum: [Double], sumSquares: [Double]) {
            self.label = label
            self.count = count
            self.sum = sum
            self.sumSquares = sumSquares
        }
    }

    /// Length of each feature vector.
    public var featureDim: Int
    /// One entry per class present, with distinct labels.
    public var classes: [Class]

    /// Statistics whose every class has `featureDim` sums.
    public init(featureDim: Int, classes: [Class]) {
        precondition(classes.allSatisfy { $0.sum.count == featureDim && $0.sumSquares.count == featureDim },
                     "every class needs \(featureDim) sums")
        self.featureDim = featureDim
        self.classes = classes
    }

    /// Exact merge of two clients' statistics: counts and sums add per label.
    public func merged(with other: WireFeatureStatistics) -> WireFeatureStatistics {
        precondition(featureDim == other.featureDim, "feature dims \(featureDim) and \(other.featureDim) differ")
        var byLabel = Dictionary(uniqueKeysWithValues: classes.map { ($0.label, $0) })
        for entry in other.classes {
            guard var mine = byLabel[entry.label] else { byLabel[entry.label] = entry; continue }
            mine.count += entry.count
            for d in 0..<featureDim {
                mine.sum[d] += entry.sum[d]
                mine.sumSquares[d] += entry.sumSquares[d]
            }
            byLabel[entry.label] = mine
        }
        return WireFeatureStatistics(featureDim: featureDim, classes: byLabel.values.sorted { $0.label < $1.label })
    }
}

/// Evaluation figures of one model on one client, percentages in 0–100 (ARCHITECTURE.md, "Command-line contract").
public struct WireMetrics: Equatable, Sendable {
    /// Unlearning accuracy: 100 − accuracy on the forget data.
    public var ua: Double
    /// Accuracy on the retained data.
    public var ra: Double
    /// Accuracy on the test data.
    public var ta: Double
    /// Membership-inference efficacy on the forget data.
    public var mia: Double
    public var forgetSamples: UInt64
    public var retainSamples: UInt64
    public var testSamples: UInt64
    /// The client's canary's attack success rate on its triggered test images, and their count (0 without one).
    public var asr: Double
    public var canarySamples: UInt64

    public init(ua: Double, ra: Double, ta: Double, mia: Double,
                forgetSamples: UInt64, retainSamples: UInt64, testSamples: UInt64, asr: Double = 0,
                canarySamples: UInt64 = 0) {
        self.asr = asr
        self.canarySamples = canarySamples
        self.ua = ua
        self.ra = ra
        self.ta = ta
        self.mia = mia
        self.forgetSamples = forgetSamples
        self.retainSamples = retainSamples
        self.testSamples = testSamples
    }
}
