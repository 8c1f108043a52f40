import Foundation

extension WireFeatureStatistics {
    /// Statistics from the wire fields shared by `FeatureStats` and `GlobalStats`, after checking the feature
    /// dimension, the class count, distinct labels and that every sum holds `featureDim` finite float64 values.
    public init(featureDim: UInt32, wireClasses: [Lethe_V1_ClassStatistics], field: String = "classes",
                limits: WireLimits = .default) throws(WireError) {
        try WireFeatureStatistics.validate(featureDim: featureDim, classes: wireClasses, field: field, limits: limits)
        let dim = Int(featureDim)
        self.init(featureDim: dim, classes: wireClasses.map { entry in
            Class(label: entry.label, count: entry.count,
                  sum: LittleEndianBytes.array(entry.sum, count: dim, of: Double.self),
                  sumSquares: LittleEndianBytes.array(entry.sumSquares, count: dim, of: Double.self))
        })
    }

    /// The per-class wire entries (sums as little-endian float64).
    public var wireClasses: [Lethe_V1_ClassStatistics] {
        classes.map { entry in
            var message = Lethe_V1_ClassStatistics()
            message.label = entry.label
            message.count = entry.count
            message.sum = LittleEndianBytes.data(of: entry.sum)
            message.sumSquares = LittleEndianBytes.data(of: entry.sumSquares)
            return message
        }
    }

    static func validate(featureDim: UInt32, classes: [Lethe_V1_ClassStatistics], field: String,
                         limits: WireLimits) throws(WireError) {
        let parent = field.split(separator: ".").dropLast().joined(separator: ".")
        let dimField = parent.isEmpty ? "feature_dim" : "\(parent).feature_dim"
        try FieldCheck.atLeast(featureDim, 1, field: dimField)
        guard featureDim <= UInt32(limits.maxFeatureDim) else {
            throw .tooLarge(field: dimField, size: Int(featureDim), limit: limits.maxFeatureDim)
        }
        guard !classes.isEmpty else { throw .missingField(field: field) }
        guard classes.count <= limits.maxClasses else {
            throw .tooLarge(field: field, size: classes.count, limit: limits.maxClasses)
        }
        var seen = Set<UInt32>()
        for (i, entry) in classes.enumerated() {
            guard seen.insert(entry.label).inserted else {
                throw .invalidValue(field: "\(field)[\(i)].label", detail: "label \(entry.label) appears twice")
            }
            try FieldCheck.float64Bytes(entry.sum, count: Int(featureDim), field: "\(field)[\(i)].sum")
            try FieldCheck.float64Bytes(entry.sumSquares, count: Int(featureDim), field: "\(field)[\(i)].sum_squares")
        }
    }
}

extension WireMetrics {
    /// Metrics from the wire, after checking that every percentage is finite and within 0–100.
    public init(wire: Lethe_V1_Metrics, field: String = "metrics") throws(WireError) {
        try WireMetrics.validate(wire, field: field)
        self.init(ua: wire.ua, ra: wire.ra, ta: wire.ta, mia: wire.mia, forgetSamples: wire.forgetSamples,
                  retainSamples: wire.retainSamples, testSamples: wire.testSamples, asr: wire.asr,
                  canarySamples: wire.canarySamples)
    }

    /// The wire form.
    public var wire: Lethe_V1_Metrics {
        var message = Lethe_V1_Metrics()
        message.ua = ua
        message.ra = ra
        message.ta = ta
        message.mia = mia
        message.forgetSamples = forgetSamples
        message.retainSamples = retainSamples
        message.testSamples = testSamples
        message.asr = asr
        message.canarySamples = canarySamples
        return message
    }

    static func validate(_ wire: Lethe_V1_Metrics, field: String) throws(WireError) {
        for (name, value) in [("ua", wire.ua), ("ra", wire.ra), ("ta", wire.ta), ("mia", wire.mia), ("asr", wire.asr)] {
            try FieldCheck.value(value, in: 0...100, field: "\(field).\(name)")
        }
    }
}
