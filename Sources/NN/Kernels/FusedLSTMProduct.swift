import Tensor

// The LSTM's per-step products (h_{t−1}·W_hhᵀ forward, dGates·W_hh backward) multiply a few
// batch rows by the same weight matrix T times. The engine's GEMM packs B again on every call
// (half the time of a 8×256×64 product); here float32 packs W once per pass into panels of 32
// columns ([panel][k][32], zero-padded) and runs 8-, 4- or 1-row × 32-column FMA tiles straight
// over them. Every element is Σ_p a[i,p]·b[p,j] by fused multiply-adds in increasing p from zero,
// then added to C — the same whichever tile or thread computes its row.
// float64 (the parity tests' dtype) keeps the engine's GEMM on a row-major copy.

/// A k × n right-hand operand laid out once for many products.
final class RecurrentOperand<T: LSTMGateScalar> {
    let k: Int, n: Int
    let storage: UnsafeMutablePointer<T>

    /// `element(p, j)` is B[p, j].
    init(k: Int, n: Int, element: (Int, Int) -> T) {
        self.k = k; self.n = n
        storage = T.layOutRecurrent(k: k, n: n, element: element)
    }

    deinit { storage.deallocate() }

    /// C[m × n] (+)= A[m × k] · B on the calling thread.
    func multiply(m: Int, a: UnsafePointer<T>, lda: Int, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) {
        T.multiplyRecurrent(self, m: m, a: a, lda: lda, c: c, ldc: ldc, accumulate: accumulate)
    }
}

extension Double {
    static func layOutRecurrent(k: Int, n: Int, element: (Int, Int) -> Double) -> UnsafeMutablePointer<Double> {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, k * n))
        for r in 0..<k { for j in 0..<n { p[r * n + j] = element(r, j) } }
        return p
    }

    static func multiplyRecurrent(_ b: RecurrentOperand<Double>, m: Int, a: UnsafePointer<Double>, lda: Int,
                                  c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        gemm(transA: false, transB: false, m: m, n: b.n, k: b.k, a: a, lda: lda, b: UnsafePointer(b.storage), ldb: b.n,
             c: c, ldc: ldc, accumulate: accumulate, threads: 1)
    }
}

private let panelWidth = 32
private typealias V16 = SIMD16<Float>

extension Float {
    static func layOutRecurrent(k: Int, n: Int, element: (Int, Int) -> Float) -> UnsafeMutablePointer<Float> {
        let panels = (n + panelWidth - 1) / panelWidth
        let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, panels * k * panelWidth))
        for panel in 0..<panels {
            for r in 0..<k {
                let dst = p + (panel * k + r) * panelWidth
                for l in 0..<panelWidth {
                    let j = panel * panelWidth + l
                    dst[l] = j < n ? element(r, j) : 0
                }
            }
        }
        return p
    }

    static func multiplyRecurrent(_ b: RecurrentOperand<Float>, m: Int, a: UnsafePointer<Float>, lda: Int,
                                  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let k = b.k, n = b.n
        let panels = (n + panelWidth - 1) / panelWidth
        for panel in 0..<panels {
            let bp = UnsafePointer(b.storage + panel * k * panelWidth)
            let j0 = panel * panelWidth, cols = Swift.min(panelWidth, n - j0)
            var i = 0
            while i + 8 <= m {
                panelTile8(k: k, a: a + i * lda, lda: lda, b: bp, c: c + i * ldc + j0, ldc: ldc, cols: cols, accumulate: accumulate)
                i += 8
            }
            while i + 4 <= m {
                panelTile4(k: k, a: a + i * lda, lda: lda, b: bp, c: c + i * ldc + j0, ldc: ldc, cols: cols, accumulate: accumulate)
                i += 4
            }
            while i < m {
                panelTile1(k: k, a: a + i * lda, b: bp, c: c + i * ldc + j0, cols: cols, accumulate: accumulate)
                i += 1
            }
        }
    }
}

@inline(__always) private func loadPanel(_ p: UnsafePointer<Float>) -> V16 { UnsafeRawPointer(p).loadUnaligned(as: V16.self) }

/// Writes `acc` (32 columns as two vectors) into a C row: C = acc or C + acc, the first `cols` columns.
@inline(__always)
private func storeRow(_ lo: V16, _ hi: V16, _ c: UnsafeMutablePointer<Float>, cols: Int, accumulate: Bool) {
    if cols == panelWidth {
        storeStrip32(lo, hi, c, accumulate: accumulate)
        return
    }
    for l in 0..<cols {
        let v = l < 16 ? lo[l] : hi[l - 16]
        c[l] = accumulate ? c[l] + v : v
    }
}

private func panelTile4(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                        cols: Int, accumulate: Bool) {
    var c00 = V16(), c01 = V16(), c10 = V16(), c11 = V16(), c20 = V16(), c21 = V16(), c30 = V16(), c31 = V16()
    let a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
    var bp = b
    for p in 0..<k {
        let b0 = loadPanel(bp), b1 = loadPanel(bp + 16)
        let x0 = V16(repeating: a[p]), x1 = V16(repeating: a1[p]), x2 = V16(repeating: a2[p]), x3 = V16(repeating: a3[p])
        c00.addProduct(x0, b0); c01.addProduct(x0, b1)
        c10.addProduct(x1, b0); c11.addProduct(x1, b1)
        c20.addProduct(x2, b0); c21.addProduct(x2, b1)
        c30.addProduct(x3, b0); c31.addProduct(x3, b1)
        bp += panelWidth
    }
    storeRow(c00, c01, c, cols: cols, accumulate: accumulate)
    storeRow(c10, c11, c + ldc, cols: cols, accumulate: accumulate)
    storeRow(c20, c21, c + 2 * ldc, cols: cols, accumulate: accumulate)
    storeRow(c30, c31, c + 3 * ldc, cols: cols, accumulate: accumulate)
}

private func panelTile8(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                        cols: Int, accumulate: Bool) {
    var c00 = V16(), c01 = V16(), c10 = V16(), c11 = V16(), c20 = V16(), c21 = V16(), c30 = V16(), c31 = V16()
    var c40 = V16(), c41 = V16(), c50 = V16(), c51 = V16(), c60 = V16(), c61 = V16(), c70 = V16(), c71 = V16()
    var bp = b
    for p in 0..<k {
        let b0 = loadPanel(bp), b1 = loadPanel(bp + 16)
        var x = V16(repeating: a[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
        x = V16(repeating: a[lda + p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
        x = V16(repeating: a[2 * lda + p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
        x = V16(repeating: a[3 * lda + p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        x = V16(repeating: a[4 * lda + p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
        x = V16(repeating: a[5 * lda + p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
        x = V16(repeating: a[6 * lda + p]); c60.addProduct(x, b0); c61.addProduct(x, b1)
        x = V16(repeating: a[7 * lda + p]); c70.addProduct(x, b0); c71.addProduct(x, b1)
        bp += panelWidth
    }
    storeRow(c00, c01, c, cols: cols, accumulate: accumulate); storeRow(c10, c11, c + ldc, cols: cols, accumulate: accumulate)
    storeRow(c20, c21, c + 2 * ldc, cols: cols, accumulate: accumulate); storeRow(c30, c31, c + 3 * ldc, cols: cols, accumulate: accumulate)
    storeRow(c40, c41, c + 4 * ldc, cols: cols, accumulate: accumulate); storeRow(c50, c51, c + 5 * ldc, cols: cols, accumulate: accumulate)
    storeRow(c60, c61, c + 6 * ldc, cols: cols, accumulate: accumulate); storeRow(c70, c71, c + 7 * ldc, cols: cols, accumulate: accumulate)
}

private func panelTile1(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                        cols: Int, accumulate: Bool) {
    var c00 = V16(), c01 = V16()
    var bp = b
    for p in 0..<k {
        let x0 = V16(repeating: a[p])
        c00.addProduct(x0, loadPanel(bp)); c01.addProduct(x0, loadPanel(bp + 16))
        bp += panelWidth
    }
    storeRow(c00, c01, c, cols: cols, accumulate: accumulate)
}
