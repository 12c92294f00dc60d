// Small products (course-sized: 4×3, 16×16) lose more to packing than they gain from it,
// so they read A and B in place: tiles of 4 rows × one SIMD vector of columns with the
// accumulators in registers, and a scalar loop for the last columns. The per-element order
// is the blocked kernel's — per depth block, a partial sum from zero in increasing k, then
// added to C — so a shape gives the same bits whichever path it takes.

/// C[0..<m, 0..<n] (+)= op(A)·op(B) without packing.
func gemmSmall<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    if b.transposed {
        // The tiles read rows of op(B); copy op(B) (k×n) row-major first.
        withUnsafeTemporaryAllocation(of: T.self, capacity: k * n) { buffer in
            let copy = buffer.baseAddress!
            for p in 0..<k {
                for j in 0..<n { copy[p * n + j] = b[p, j] }
            }
            gemmSmallRowMajorB(m: m, n: n, k: k, a: a, b: UnsafePointer(copy), ldb: n,
                               c: c, ldc: ldc, accumulate: accumulate)
        }
    } else {
        gemmSmallRowMajorB(m: m, n: n, k: k, a: a, b: b.base, ldb: b.ld, c: c, ldc: ldc, accumulate: accumulate)
    }
}

private func gemmSmallRowMajorB<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: UnsafePointer<T>, ldb: Int,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    let width = T.vectorWidth
    let tailColumns = n % width
    let kcMax = min(T.depthBlock, k)
    // Columns past the last full vector go through a zero-padded copy of B's tail and a
    // scratch tile, so they use the same vector code (and arithmetic) as the others.
    let scratchCount = tailColumns == 0 ? 0 : kcMax * width + 4 * width
    withUnsafeTemporaryAllocation(of: T.self, capacity: max(1, scratchCount)) { scratch in
        let bTail = scratch.baseAddress!
        let cTile = bTail + kcMax * width
        let aRowStride = a.transposed ? 1 : a.ld
        let aDepthStride = a.transposed ? a.ld : 1
        let vectorColumns = n - tailColumns
        var pc = 0
        while pc < k {
            let kc = min(T.depthBlock, k - pc)
            let addToC = accumulate || pc > 0
            if tailColumns > 0 {
                for p in 0..<kc {
                    let src = b + ((pc + p) * ldb + vectorColumns)
                    let dst = bTail + p * width
                    for col in 0..<tailColumns { dst[col] = src[col] }
                    for col in tailColumns..<width { dst[col] = 0 }
                }
            }
            var i = 0
            while i < m {
                let rows = m - i >= 4 ? 4 : 1
                let aBlock = a.base + (i * aRowStride + pc * aDepthStride)
                var j = 0
                while j < vectorColumns {
                    T.smallTile(rows: rows, depth: kc, a: aBlock, aRowStride: aRowStride, aDepthStride: aDepthStride,
                                b: b + (pc * ldb + j), ldb: ldb, c: c + (i * ldc + j), ldc: ldc, addToC: addToC)
                    j += width
                }
                if tailColumns > 0 {
                    T.smallTile(rows: rows, depth: kc, a: aBlock, aRowStride: aRowStride, aDepthStride: aDepthStride,
                                b: UnsafePointer(bTail), ldb: width, c: cTile, ldc: width, addToC: false)
                    for r in 0..<rows {
                        let row = c + ((i + r) * ldc + vectorColumns)
                        let tile = cTile + r * width
                        if addToC {
                            for col in 0..<tailColumns { row[col] = row[col] + tile[col] }
                        } else {
                            for col in 0..<tailColumns { row[col] = tile[col] }
                        }
                    }
                }
                i += rows
            }
            pc += kc
        }
    }
}
