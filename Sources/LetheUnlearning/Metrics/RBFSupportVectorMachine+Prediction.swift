import Foundation

extension RBFSupportVectorMachine {
    /// f(x) = Σ_i y_i α_i exp(−γ‖x_i − x‖²) + b for one point of `dimension` values.
    /// - Throws: `.lengthMismatch` for a point of another dimension, `.notFinite` for NaN or infinite values.
    public func decisionFunction(_ point: [Float]) throws(MetricsError) -> Double {
        try decisionFunction(flatFeatures: point)[0]
    }

    /// f at each row of row-major `flatFeatures` [m, dimension]. Repeated rows are evaluated once.
    public func decisionFunction(flatFeatures: [Float]) throws(MetricsError) -> [Double] {
        guard flatFeatures.count % dimension == 0 else {
            throw .lengthMismatch(what: "query features (a multiple of the dimension)",
                                  expected: (flatFeatures.count / dimension + 1) * dimension,
                                  actual: flatFeatures.count)
        }
        if let bad = flatFeatures.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(what: "query features", index: bad)
        }
        var memo: [[UInt32]: Double] = [:]
        return (0..<(flatFeatures.count / dimension)).map { row in
            let point = flatFeatures[(row * dimension)..<((row + 1) * dimension)]
            let key = point.map(\.bitPattern)
            if let known = memo[key] { return known }
            let value = evaluate(point.map(Double.init))
            memo[key] = value
            return value
        }
    }

    /// The predicted class (f(x) > 0) of one point.
    public func predict(_ point: [Float]) throws(MetricsError) -> Bool {
        try decisionFunction(point) > 0
    }

    /// The predicted class of each row of row-major `flatFeatures` [m, dimension].
    public func predict(flatFeatures: [Float]) throws(MetricsError) -> [Bool] {
        try decisionFunction(flatFeatures: flatFeatures).map { $0 > 0 }
    }

    private func evaluate(_ x: [Double]) -> Double {
        dimension == 1 ? evaluateOneDimensional(x[0]) + bias : evaluateGeneral(x) + bias
    }

    /// Σ_i c_i exp(−γ(s_i − x)²) in blocks: the exponentials of a block first (a loop that vectorises), then their
    /// dot product with the coefficients.
    private func evaluateOneDimensional(_ x: Double) -> Double {
        let g = gamma, block = 256
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: block) { kernel -> Double in
            supportVectors.withUnsafeBufferPointer { sv -> Double in
                dualCoefficients.withUnsafeBufferPointer { coef -> Double in
                    var total = 0.0, start = 0
                    while start < coef.count {
                        let length = min(block, coef.count - start)
                        let svBlock = sv.baseAddress! + start, coefBlock = coef.baseAddress! + start
                        for i in 0..<length {
                            let diff = svBlock[i] - x
                            kernel[i] = expNonPositive(-g * diff * diff)
                        }
                        var partial = 0.0
                        for i in 0..<length { partial += coefBlock[i] * kernel[i] }
                        total += partial
                        start += length
                    }
                    return total
                }
            }
        }
    }

    private func evaluateGeneral(_ x: [Double]) -> Double {
        let d = dimension, g = gamma
        var sum = 0.0
        supportVectors.withUnsafeBufferPointer { sv in
            dualCoefficients.withUnsafeBufferPointer { coef in
                for i in 0..<coef.count {
                    var squared = 0.0
                    for k in 0..<d {
                        let diff = sv[i * d + k] - x[k]
                        squared += diff * diff
                    }
                    sum += coef[i] * expNonPositive(-g * squared)
                }
            }
        }
        return sum
    }
}
