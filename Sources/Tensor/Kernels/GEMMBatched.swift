// Strided-batch GEMM: C[b] (+)= op(A[b])·op(B[b]) for b in 0..<batchCount, the matrices
// `strideA`, `strideB`, `strideC` elements apart (a stride of 0 reuses one matrix, as a
// broadcast operand does). Each product is computed exactly as `gemm` would, so bits do not
// depend on how batches are spread over threads.

func gemmBatchedDispatch<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, strideA: Int, b: GEMMOperand<T>, strideB: Int,
    c: UnsafeMutablePointer<T>, ldc: Int, strideC: Int, batchCount: Int, accumulate: Bool, threads: Int
) {
    if batchCount <= 0 { return }
    let perProduct = gemmThreadCount(m: m, n: n, k: k, requested: threads)
    if perProduct >= threads || batchCount == 1 {
        // Big products: one after another, each using the threads itself.
        for index in 0..<batchCount {
            var ai = a, bi = b
            ai.base += index * strideA
            bi.base += index * strideB
            gemmDispatch(m: m, n: n, k: k, a: ai, b: bi, c: c + index * strideC, ldc: ldc,
                         accumulate: accumulate, threads: threads)
        }
        return
    }
    // Small products: spread whole products over the threads.
    let totalWork = m * n * k * batchCount
    let parts = max(1, min(threads, batchCount, totalWork / gemmMinimumWorkPerThread))
    let cAddress = UInt(bitPattern: c)
    parallelFor(count: parts) { part in
        let cBase = UnsafeMutablePointer<T>(bitPattern: cAddress)!
        for index in (batchCount * part / parts)..<(batchCount * (part + 1) / parts) {
            var ai = a, bi = b
            ai.base += index * strideA
            bi.base += index * strideB
            gemmDispatch(m: m, n: n, k: k, a: ai, b: bi, c: cBase + index * strideC, ldc: ldc,
                         accumulate: accumulate, threads: 1)
        }
    }
}

/// Batched single-precision GEMM: for b in 0..<batchCount,
/// `C[b] = op(A[b])·op(B[b])` (or `+=` when `accumulate`), where matrix b of each operand
/// starts `b·stride` elements after the base pointer. Same bits as `batchCount` separate
/// `gemm` calls, for any `threads`. A stride of 0 broadcasts one matrix to every product.
///
/// ```swift
/// // 8 products of 4×5 by 5×3, packed one after another
/// gemmBatched(transA: false, transB: false, m: 4, n: 3, k: 5,
///             a: a, lda: 5, strideA: 20, b: b, ldb: 3, strideB: 15,
///             c: c, ldc: 3, strideC: 12, batchCount: 8, accumulate: false)
/// ```
public func gemmBatched(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, batchCount: Int, accumulate: Bool,
    threads: Int = KernelThreads.available
) {
    gemmBatchedDispatch(
        m: m, n: n, k: k, a: GEMMOperand(base: a, ld: lda, transposed: transA), strideA: strideA,
        b: GEMMOperand(base: b, ld: ldb, transposed: transB), strideB: strideB,
        c: c, ldc: ldc, strideC: strideC, batchCount: batchCount, accumulate: accumulate, threads: threads)
}

/// Batched double-precision GEMM; see the `Float` overload.
public func gemmBatched(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, strideA: Int, b: UnsafePointer<Double>, ldb: Int, strideB: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int, strideC: Int, batchCount: Int, accumulate: Bool,
    threads: Int = KernelThreads.available
) {
    gemmBatchedDispatch(
        m: m, n: n, k: k, a: GEMMOperand(base: a, ld: lda, transposed: transA), strideA: strideA,
        b: GEMMOperand(base: b, ld: ldb, transposed: transB), strideB: strideB,
        c: c, ldc: ldc, strideC: strideC, batchCount: batchCount, accumulate: accumulate, threads: threads)
}
