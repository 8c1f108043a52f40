import LetheNN
import LetheTensor

/// One disagreement between an analytic gradient and its central finite difference.
public struct GradientMismatch: CustomStringConvertible, Sendable {
    public let argument: String
    public let index: Int
    public let numeric: Double
    public let analytic: Double

    public var description: String {
        "∂L/∂\(argument)[\(index)]: finite difference \(numeric), analytic \(analytic)"
    }
}

/// Compares `analytic` with central differences (f(x+ε) − f(x−ε)) / 2ε of `loss` at `indices` of `values`.
///
/// Float32 forward passes carry ~1e-7 relative rounding, so the tolerance is mixed:
/// |numeric − analytic| ≤ absolute + relative · max(|numeric|, |analytic|).
public func checkGradient(
    argument: String, values: inout [Float], analytic: [Float], indices: [Int],
    epsilon: Float = 1e-2, relative: Double = 2e-2, absolute: Double = 2e-3,
    loss: ([Float]) -> Double
) -> [GradientMismatch] {
    precondition(values.count == analytic.count, "gradient of \(argument) has the wrong length")
    var mismatches: [GradientMismatch] = []
    for i in indices {
        let saved = values[i]
        values[i] = saved + epsilon
        let up = loss(values)
        values[i] = saved - epsilon
        let down = loss(values)
        values[i] = saved
        let numeric = (up - down) / (2 * Double(epsilon))
        let exact = Double(analytic[i])
        if abs(numeric - exact) > absolute + relative * max(abs(numeric), abs(exact)) {
            mismatches.append(GradientMismatch(argument: argument, index: i, numeric: numeric, analytic: exact))
        }
    }
    return mismatches
}

/// Up to `limit` indices of 0..<count, spread evenly and always including the first and last.
public func sampleIndices(_ count: Int, limit: Int = 60) -> [Int] {
    guard count > limit else { return Array(0..<count) }
    return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
}

/// Finite-difference check of one layer on the scalar loss L = Σ output ⊙ R for a fixed random R:
/// the input gradient returned by `backward` and every parameter gradient it accumulates.
public func checkLayerGradients(_ layer: Layer, parameters: ParameterVector, input: Tensor, seed: UInt64 = 11,
                                epsilon: Float = 1e-2) -> [GradientMismatch] {
    var rng = SeededGenerator(seed: seed)
    let probe = layer.forward(input, mode: .training)
    let weights = Tensor(shape: probe.shape, storage: (0..<probe.count).map { _ in rng.nextNormal() })
    func loss(_ x: Tensor) -> Double {
        let y = layer.forward(x, mode: .training)
        return zip(y.storage, weights.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    parameters.zeroGradients()
    _ = layer.forward(input, mode: .training)
    let dInput = layer.backward(weights)
    let dParameters = parameters.gradients
    var mismatches: [GradientMismatch] = []
    if let dInput {
        var x = input.storage
        mismatches += checkGradient(argument: "\(layer.name).input", values: &x, analytic: dInput.storage,
                                    indices: sampleIndices(x.count), epsilon: epsilon) {
            loss(Tensor(shape: input.shape, storage: $0))
        }
    }
    for entry in parameters.entries {
        var theta = parameters.values
        let indices = sampleIndices(entry.count).map { $0 + entry.offset }
        mismatches += checkGradient(argument: entry.name, values: &theta, analytic: dParameters, indices: indices,
                                    epsilon: epsilon) { perturbed in
            let saved = parameters.values
            parameters.values = perturbed
            defer { parameters.values = saved }
            return loss(input)
        }
    }
    return mismatches
}

/// A tensor of standard-normal values.
public func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() })
}

/// Largest absolute element-wise difference of two equally shaped arrays.
public func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
