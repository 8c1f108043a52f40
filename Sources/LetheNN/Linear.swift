import LetheTensor

/// Fully connected layer: y[N, out] = x[N, in] · Wᵀ + b, with W stored [out, in] as in PyTorch.
///
/// Parameters "NAME.weight" [out, in] and "NAME.bias" [out], uniform in ±1/√in (PyTorch's default).
public final class Linear: Layer {
    public let name: String
    public let inFeatures: Int, outFeatures: Int
    public var needsInputGradient = true
    public var isParameterized: Bool { true }
    private let parameters: ParameterVector
    private let weight: ParameterVector.Entry, bias: ParameterVector.Entry
    private var input = Tensor(shape: [0])

    public init(_ name: String, inFeatures: Int, outFeatures: Int, parameters: ParameterVector,
                rng: inout SeededGenerator) {
        self.name = name
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        self.parameters = parameters
        weight = parameters.register("\(name).weight", shape: [outFeatures, inFeatures])
        bias = parameters.register("\(name).bias", shape: [outFeatures])
        let bound = 1 / Float(inFeatures).squareRoot()
        for i in weight.range { parameters.values[i] = (rng.nextUniform() * 2 - 1) * bound }
        for i in bias.range { parameters.values[i] = (rng.nextUniform() * 2 - 1) * bound }
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == inFeatures,
                     "\(name) expects [N, \(inFeatures)], got \(input.shape)")
        self.input = input
        let n = input.shape[0], (w, b) = (weight, bias), (fanIn, fanOut) = (inFeatures, outFeatures)
        return Tensor(shape: [n, outFeatures]) { out in
            let y = out.baseAddress!
            parameters.values.withUnsafeBufferPointer { theta in
                for r in 0..<n { (y + r * fanOut).update(from: theta.baseAddress! + b.offset, count: fanOut) }
                input.withUnsafePointer { x in
                    gemm(transposeA: false, transposeB: true, m: n, n: fanOut, k: fanIn,
                         a: x, lda: fanIn, b: theta.baseAddress! + w.offset, ldb: fanIn, beta: 1, c: y, ldc: fanOut)
                }
            }
        }
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        let n = input.shape[0], (w, b) = (weight, bias), (fanIn, fanOut) = (inFeatures, outFeatures)
        precondition(dOutput.shape == [n, outFeatures], "\(name) gradient shape \(dOutput.shape) ≠ [\(n), \(fanOut)]")
        dOutput.withUnsafePointer { dy in
            parameters.gradients.withUnsafeMutableBufferPointer { grad in
                input.withUnsafePointer { x in
                    // dW[out, in] += dYᵀ · X
                    gemm(transposeA: true, transposeB: false, m: fanOut, n: fanIn, k: n,
                         a: dy, lda: fanOut, b: x, ldb: fanIn, beta: 1, c: grad.baseAddress! + w.offset, ldc: fanIn)
                }
                let dB = grad.baseAddress! + b.offset
                for r in 0..<n { for j in 0..<fanOut { dB[j] += dy[r * fanOut + j] } }
            }
        }
        guard needsInputGradient else { return nil }
        return Tensor(shape: [n, inFeatures]) { out in
            dOutput.withUnsafePointer { dy in
                parameters.values.withUnsafeBufferPointer { theta in
                    // dX[N, in] = dY · W
                    gemm(transposeA: false, transposeB: false, m: n, n: fanIn, k: fanOut,
                         a: dy, lda: fanOut, b: theta.baseAddress! + w.offset, ldb: fanIn, c: out.baseAddress!, ldc: fanIn)
                }
            }
        }
    }

    public var multiplyAddsPerSample: Int { inFeatures * outFeatures }
}
