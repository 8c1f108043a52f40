import COpenBLAS

/// Single-precision matrix multiply on row-major matrices: C = alpha · op(A) · op(B) + beta · C.
///
/// `op(A)` is M×K, `op(B)` is K×N, `C` is M×N. `lda`, `ldb`, `ldc` are the row strides of the matrices *as stored*
/// (so a transposed A stored K×M has `lda = M`). A thin, named wrapper over `cblas_sgemm` so call sites read like the
/// math and carry no CBLAS enums.
@inlinable
public func gemm(
    transposeA: Bool, transposeB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k),
        alpha, a, Int32(lda), b, Int32(ldb),
        beta, c, Int32(ldc)
    )
}

/// The BLAS thread pool, for benchmarks and for nodes that share a machine (DECISIONS.md §20).
public enum BLASThreads {
    /// Threads OpenBLAS uses now.
    public static var count: Int { Int(openblas_get_num_threads()) }
    /// Sets the number of OpenBLAS threads for this process.
    public static func set(_ threads: Int) { openblas_set_num_threads(Int32(max(1, threads))) }
    /// The core type OpenBLAS detected (for reports).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
