import Testing
@testable import LetheTensor

@Suite struct GEMMTests {
    /// C = Aᵀ·B checked against a triple loop in double precision.
    @Test func transposedProductMatchesNaiveLoop() {
        var rng = SeededGenerator(seed: 1)
        let m = 5, n = 7, k = 3
        let a = (0..<(k * m)).map { _ in rng.nextNormal() }   // stored K×M
        let b = (0..<(k * n)).map { _ in rng.nextNormal() }   // stored K×N
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: true, transposeB: false, m: m, n: n, k: k,
                         a: pa.baseAddress!, lda: m, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var expected = 0.0
                for p in 0..<k { expected += Double(a[p * m + i]) * Double(b[p * n + j]) }
                #expect(abs(Double(c[i * n + j]) - expected) < 1e-5)
            }
        }
    }
}
