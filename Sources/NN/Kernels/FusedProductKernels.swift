import Tensor

// Single-threaded float32 products for the fused primitives (conv, attention), reading their
// operands in place: the engine's GEMM packs both operands on every call, which at these sizes
// (16×1024×27 per image, 128×128×64 per head) costs as much as the arithmetic. The fused
// primitives split their own work (images, heads) over the threads.
//
// `rowProduct`: C (+)= op(A)·B with B row-major (any leading dimension) and A read through two
//   strides (so Aᵀ costs nothing): register tiles of 8, 4 or 1 rows × 32 columns.
// `dotProduct`: C (+)= A·Bᵀ with both operands row-major along k (a dot product per element):
//   tiles of 4 × 4 dot products accumulated in 16 lanes.
// Every element's arithmetic is fixed by its row of A and column of B alone (never by the tile or
// thread that computes it): rowProduct sums a[i,p]·b[p,j] by fused multiply-adds in increasing p
// from zero, then adds the sum to C; dotProduct does the same per lane (p ≡ lane mod 16) and folds
// the 16 lanes in a fixed order.

private typealias V16 = SIMD16<Float>
private let stripWidth = 32

@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> V16 { UnsafeRawPointer(p).loadUnaligned(as: V16.self) }

/// Writes a 32-column strip (two vectors) into a C row: C = strip or C + strip (also used by the
/// LSTM's panel kernel).
@inline(__always) func storeStrip32(_ lo: SIMD16<Float>, _ hi: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, accumulate: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    if accumulate {
        raw.storeBytes(of: raw.loadUnaligned(as: V16.self) + lo, as: V16.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: V16.self) + hi, toByteOffset: 64, as: V16.self)
    } else {
        raw.storeBytes(of: lo, as: V16.self)
        raw.storeBytes(of: hi, toByteOffset: 64, as: V16.self)
    }
}

/// C[m × n] (+)= op(A)·B: op(A)[i, p] = a[i·aRow + p·aDepth], B[p, j] = b[p·ldb + j].
func rowProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    guard m > 0, n > 0 else { return }
    if k <= 0 {
        if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        return
    }
    let full = n / stripWidth * stripWidth
    for j in stride(from: 0, to: full, by: stripWidth) {
        rowStrip(m: m, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b + j, ldb: ldb, c: c + j, ldc: ldc, accumulate: accumulate)
    }
    let tail = n - full
    guard tail > 0 else { return }
    // the last columns through zero-padded copies of B's and C's strips (same tiles, same arithmetic)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: (k + m) * stripWidth) { buffer in
        let bs = buffer.baseAddress!, cs = bs + k * stripWidth
        for p in 0..<k {
            let src = b + p * ldb + full, dst = bs + p * stripWidth
            for l in 0..<stripWidth { dst[l] = l < tail ? src[l] : 0 }
        }
        for i in 0..<m {
            let src = c + i * ldc + full, dst = cs + i * stripWidth
            for l in 0..<stripWidth { dst[l] = accumulate && l < tail ? src[l] : 0 }
        }
        rowStrip(m: m, k: k, a: a, aRow: aRow, aDepth: aDepth, b: UnsafePointer(bs), ldb: stripWidth, c: cs, ldc: stripWidth,
                 accumulate: accumulate)
        for i in 0..<m { (c + i * ldc + full).update(from: cs + i * stripWidth, count: tail) }
    }
}

/// One strip of 32 columns, all rows.
@inline(__always)
private func rowStrip(m: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    var i = 0
    while i + 8 <= m {
        rowTile8(k: k, a: a + i * aRow, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c + i * ldc, ldc: ldc, accumulate: accumulate)
        i += 8
    }
    if i + 4 <= m {
        rowTile4(k: k, a: a + i * aRow, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c + i * ldc, ldc: ldc, accumulate: accumulate)
        i += 4
    }
    while i < m {
        rowTile1(k: k, a: a + i * aRow, aDepth: aDepth, b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
        i += 1
    }
}

private func rowTile8(k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    var c00 = V16(), c01 = V16(), c10 = V16(), c11 = V16(), c20 = V16(), c21 = V16(), c30 = V16(), c31 = V16()
    var c40 = V16(), c41 = V16(), c50 = V16(), c51 = V16(), c60 = V16(), c61 = V16(), c70 = V16(), c71 = V16()
    var ap = a, bp = b
    for _ in 0..<k {
        let b0 = load16(bp), b1 = load16(bp + 16)
        var x = V16(repeating: ap[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
        x = V16(repeating: ap[aRow]); c10.addProduct(x, b0); c11.addProduct(x, b1)
        x = V16(repeating: ap[2 * aRow]); c20.addProduct(x, b0); c21.addProduct(x, b1)
        x = V16(repeating: ap[3 * aRow]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        x = V16(repeating: ap[4 * aRow]); c40.addProduct(x, b0); c41.addProduct(x, b1)
        x = V16(repeating: ap[5 * aRow]); c50.addProduct(x, b0); c51.addProduct(x, b1)
        x = V16(repeating: ap[6 * aRow]); c60.addProduct(x, b0); c61.addProduct(x, b1)
        x = V16(repeating: ap[7 * aRow]); c70.addProduct(x, b0); c71.addProduct(x, b1)
        ap += aDepth; bp += ldb
    }
    storeStrip32(c00, c01, c, accumulate: accumulate); storeStrip32(c10, c11, c + ldc, accumulate: accumulate)
    storeStrip32(c20, c21, c + 2 * ldc, accumulate: accumulate); storeStrip32(c30, c31, c + 3 * ldc, accumulate: accumulate)
    storeStrip32(c40, c41, c + 4 * ldc, accumulate: accumulate); storeStrip32(c50, c51, c + 5 * ldc, accumulate: accumulate)
    storeStrip32(c60, c61, c + 6 * ldc, accumulate: accumulate); storeStrip32(c70, c71, c + 7 * ldc, accumulate: accumulate)
}

private func rowTile4(k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    var c00 = V16(), c01 = V16(), c10 = V16(), c11 = V16(), c20 = V16(), c21 = V16(), c30 = V16(), c31 = V16()
    var ap = a, bp = b
    for _ in 0..<k {
        let b0 = load16(bp), b1 = load16(bp + 16)
        var x = V16(repeating: ap[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
        x = V16(repeating: ap[aRow]); c10.addProduct(x, b0); c11.addProduct(x, b1)
        x = V16(repeating: ap[2 * aRow]); c20.addProduct(x, b0); c21.addProduct(x, b1)
        x = V16(repeating: ap[3 * aRow]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        ap += aDepth; bp += ldb
    }
    storeStrip32(c00, c01, c, accumulate: accumulate); storeStrip32(c10, c11, c + ldc, accumulate: accumulate)
    storeStrip32(c20, c21, c + 2 * ldc, accumulate: accumulate); storeStrip32(c30, c31, c + 3 * ldc, accumulate: accumulate)
}

private func rowTile1(k: Int, a: UnsafePointer<Float>, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, accumulate: Bool) {
    var c00 = V16(), c01 = V16()
    var ap = a, bp = b
    for _ in 0..<k {
        let x = V16(repeating: ap[0])
        c00.addProduct(x, load16(bp)); c01.addProduct(x, load16(bp + 16))
        ap += aDepth; bp += ldb
    }
    storeStrip32(c00, c01, c, accumulate: accumulate)
}

/// C[m × n] (+)= A·Bᵀ: A[i, p] = a[i·lda + p], B[j, p] = b[j·ldb + p].
func dotProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    guard m > 0, n > 0 else { return }
    let full = k / 16 * 16
    // the last k % 16 of every row of A and B, zero-padded to 16 lanes (zeros add nothing)
    let tails = k > full
    withUnsafeTemporaryAllocation(of: Float.self, capacity: tails ? (m + n) * 16 : 1) { buffer in
        let aTail = buffer.baseAddress!, bTail = tails ? aTail + m * 16 : aTail
        if tails {
            for i in 0..<m { for l in 0..<16 { aTail[i * 16 + l] = full + l < k ? a[i * lda + full + l] : 0 } }
            for j in 0..<n { for l in 0..<16 { bTail[j * 16 + l] = full + l < k ? b[j * ldb + full + l] : 0 } }
        }
        var i = 0
        while i < m {
            let rows = m - i >= 4 ? 4 : 1
            var j = 0
            while j < n {
                let cols = rows == 4 && n - j >= 4 ? 4 : 1
                if cols == 4 {
                    dotTile4x4(full: full, tails: tails, a: a + i * lda, lda: lda, aTail: aTail + i * 16, b: b + j * ldb, ldb: ldb,
                               bTail: bTail + j * 16, c: c + i * ldc + j, ldc: ldc, accumulate: accumulate)
                } else {
                    for r in 0..<rows {
                        dotTile1(full: full, tails: tails, a: a + (i + r) * lda, aTail: aTail + (i + r) * 16, b: b + j * ldb,
                                 bTail: bTail + j * 16, c: c + (i + r) * ldc + j, accumulate: accumulate)
                    }
                }
                j += cols
            }
            i += rows
        }
    }
}

@inline(__always) private func finish(_ acc: V16, _ c: UnsafeMutablePointer<Float>, accumulate: Bool) {
    // fixed folding order: 16 → 8 → 4 → 2 → 1
    let h8 = acc.lowHalf + acc.highHalf, h4 = h8.lowHalf + h8.highHalf, h2 = h4.lowHalf + h4.highHalf
    let s = h2[0] + h2[1]
    c.pointee = accumulate ? c.pointee + s : s
}

private func dotTile4x4(full: Int, tails: Bool, a: UnsafePointer<Float>, lda: Int, aTail: UnsafePointer<Float>,
                        b: UnsafePointer<Float>, ldb: Int, bTail: UnsafePointer<Float>,
                        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    var s00 = V16(), s01 = V16(), s02 = V16(), s03 = V16(), s10 = V16(), s11 = V16(), s12 = V16(), s13 = V16()
    var s20 = V16(), s21 = V16(), s22 = V16(), s23 = V16(), s30 = V16(), s31 = V16(), s32 = V16(), s33 = V16()
    @inline(__always) func step(_ a0: V16, _ a1: V16, _ a2: V16, _ a3: V16, _ b0: V16, _ b1: V16, _ b2: V16, _ b3: V16) {
        s00.addProduct(a0, b0); s01.addProduct(a0, b1); s02.addProduct(a0, b2); s03.addProduct(a0, b3)
        s10.addProduct(a1, b0); s11.addProduct(a1, b1); s12.addProduct(a1, b2); s13.addProduct(a1, b3)
        s20.addProduct(a2, b0); s21.addProduct(a2, b1); s22.addProduct(a2, b2); s23.addProduct(a2, b3)
        s30.addProduct(a3, b0); s31.addProduct(a3, b1); s32.addProduct(a3, b2); s33.addProduct(a3, b3)
    }
    var p = 0
    while p < full {
        step(load16(a + p), load16(a + lda + p), load16(a + 2 * lda + p), load16(a + 3 * lda + p),
             load16(b + p), load16(b + ldb + p), load16(b + 2 * ldb + p), load16(b + 3 * ldb + p))
        p += 16
    }
    if tails {
        step(load16(aTail), load16(aTail + 16), load16(aTail + 32), load16(aTail + 48),
             load16(bTail), load16(bTail + 16), load16(bTail + 32), load16(bTail + 48))
    }
    finish(s00, c, accumulate: accumulate); finish(s01, c + 1, accumulate: accumulate)
    finish(s02, c + 2, accumulate: accumulate); finish(s03, c + 3, accumulate: accumulate)
    finish(s10, c + ldc, accumulate: accumulate); finish(s11, c + ldc + 1, accumulate: accumulate)
    finish(s12, c + ldc + 2, accumulate: accumulate); finish(s13, c + ldc + 3, accumulate: accumulate)
    finish(s20, c + 2 * ldc, accumulate: accumulate); finish(s21, c + 2 * ldc + 1, accumulate: accumulate)
    finish(s22, c + 2 * ldc + 2, accumulate: accumulate); finish(s23, c + 2 * ldc + 3, accumulate: accumulate)
    finish(s30, c + 3 * ldc, accumulate: accumulate); finish(s31, c + 3 * ldc + 1, accumulate: accumulate)
    finish(s32, c + 3 * ldc + 2, accumulate: accumulate); finish(s33, c + 3 * ldc + 3, accumulate: accumulate)
}

private func dotTile1(full: Int, tails: Bool, a: UnsafePointer<Float>, aTail: UnsafePointer<Float>,
                      b: UnsafePointer<Float>, bTail: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool) {
    var s = V16()
    var p = 0
    while p < full { s.addProduct(load16(a + p), load16(b + p)); p += 16 }
    if tails { s.addProduct(load16(aTail), load16(bTail)) }
    finish(s, c, accumulate: accumulate)
}

/// `rowProduct` split by rows of C over the kernel threads when there is enough work (each part
/// at least 2¹⁸ multiply-adds); rows are computed alike in every part, so the bits do not change.
func rowProductSplit(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    let groups = (m + 7) / 8
    let parts = Swift.max(1, Swift.min(KernelThreads.available, groups, m * n * Swift.max(k, 1) / (1 << 18)))
    if parts == 1 {
        rowProduct(m: m, n: n, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        return
    }
    forEachPart(groups, parts: parts) { _, range in
        let start = range.lowerBound * 8, end = Swift.min(m, range.upperBound * 8)
        guard start < end else { return }
        rowProduct(m: end - start, n: n, k: k, a: a + start * aRow, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb,
                   c: c + start * ldc, ldc: ldc, accumulate: accumulate)
    }
}
