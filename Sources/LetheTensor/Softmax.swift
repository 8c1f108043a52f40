import Foundation

/// Row-wise softmax and log-softmax of [rows, columns] logits, stable for any finite input:
/// softmax(z)_j = exp(z_j − m) / Σ_k exp(z_k − m) with m = max_k z_k, and log-softmax(z)_j = z_j − m − log Σ_k exp(z_k − m).
/// `temperature` divides the logits first (softmax(z / T)).
extension Tensor {
    public func softmaxRows(temperature: Float = 1) -> Tensor {
        rowwise(temperature: temperature) { row, out, columns, shift, logTotal in
            for j in 0..<columns { out[j] = Foundation.exp(row[j] - shift - logTotal) }
        }
    }

    public func logSoftmaxRows(temperature: Float = 1) -> Tensor {
        rowwise(temperature: temperature) { row, out, columns, shift, logTotal in
            for j in 0..<columns { out[j] = row[j] - shift - logTotal }
        }
    }

    private func rowwise(
        temperature: Float,
        _ write: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void
    ) -> Tensor {
        precondition(rank == 2, "softmax needs a [rows, columns] matrix, got \(shape)")
        precondition(temperature > 0, "temperature must be positive")
        let (rows, columns) = (shape[0], shape[1])
        let scaled = temperature == 1 ? self : Tensor(shape: shape, storage: storage.map { $0 / temperature })
        return Tensor(shape: shape) { out in
            scaled.withUnsafePointer { z in
                for r in 0..<rows {
                    let row = z + r * columns
                    var shift = row[0]
                    for j in 1..<columns { shift = max(shift, row[j]) }
                    var total: Float = 0
                    for j in 0..<columns { total += Foundation.exp(row[j] - shift) }
                    write(row, out.baseAddress! + r * columns, columns, shift, Foundation.log(total))
                }
            }
        }
    }
}
