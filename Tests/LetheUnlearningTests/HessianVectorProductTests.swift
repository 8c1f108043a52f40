import Foundation
import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

/// GC's finite-difference Hessian-vector product against the exact Hessian of softmax cross-entropy for a linear
/// classifier, computed in double precision: H v = (1/N) Σ_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i v, with z_i = W x_i + b.
@Suite struct HessianVectorProductTests {
    @Test func finiteDifferenceMatchesExactDoublePrecision() {
        let (inputs, classes, n) = (4, 3, 5)
        var rng = SeededGenerator(seed: 3)
        let p = ParameterVector()
        let layer = Linear("fc", inFeatures: inputs, outFeatures: classes, parameters: p, rng: &rng)
        let model = Sequential(architecture: "linear", layers: [layer], parameters: p, featureLayerIndex: 0) { _ in
            fatalError("not rebuilt in this test")
        }
        let x = (0..<(n * inputs)).map { _ in rng.nextNormal() }
        let labels: [Int32] = [0, 2, 1, 1, 0]
        let images = Tensor(shape: [n, inputs], storage: x)
        var v = (0..<p.count).map { _ in rng.nextNormal() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / norm }

        let approximate = hessianVectorProduct(model, direction: v, epsilon: 1e-2) {
            p.zeroGradients()
            let logits = model.forward(images).logits
            model.backward(dLogits: ClassificationLoss.crossEntropy(logits: logits, labels: labels).gradient)
        }
        let exact = exactHessianVectorProduct(weights: p.values.map(Double.init), x: x.map(Double.init),
                                              v: v.map(Double.init), n: n, inputs: inputs, classes: classes)
        for i in 0..<exact.count {
            #expect(abs(Double(approximate[i]) - exact[i]) < 2e-3, "Hv[\(i)]: \(approximate[i]) vs \(exact[i])")
        }
        #expect(exact.contains { abs($0) > 0.05 })
    }

    /// Parameters in arena order: W [classes, inputs] row-major, then b [classes].
    func exactHessianVectorProduct(weights: [Double], x: [Double], v: [Double], n: Int, inputs: Int, classes: Int)
        -> [Double]
    {
        var result = [Double](repeating: 0, count: weights.count)
        let bias = classes * inputs
        for i in 0..<n {
            let xi = Array(x[(i * inputs)..<((i + 1) * inputs)])
            let z = (0..<classes).map { k in (0..<inputs).reduce(weights[bias + k]) { $0 + weights[k * inputs + $1] * xi[$1] } }
            let shift = z.max()!
            let e = z.map { Foundation.exp($0 - shift) }
            let prob = e.map { $0 / e.reduce(0, +) }
            let jv = (0..<classes).map { k in (0..<inputs).reduce(v[bias + k]) { $0 + v[k * inputs + $1] * xi[$1] } }
            let pJv = zip(prob, jv).reduce(0) { $0 + $1.0 * $1.1 }
            let u = (0..<classes).map { prob[$0] * (jv[$0] - pJv) }
            for k in 0..<classes {
                for j in 0..<inputs { result[k * inputs + j] += u[k] * xi[j] / Double(n) }
                result[bias + k] += u[k] / Double(n)
            }
        }
        return result
    }
}
