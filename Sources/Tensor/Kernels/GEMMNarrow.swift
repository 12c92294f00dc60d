// Narrow products (n ≤ 4 columns of C: matrix–vector, an MLP's last layer, a weight gradient
// with two inputs) waste most of a 32-column register tile, so they run with the SIMD lanes
// over rows of C instead: 64 rows of op(A) at a time (read in place when A is stored
// transposed, else copied into a [depth][64] block), times a broadcast element of B, four
// accumulator vectors per column of C. Per element the order is the blocked kernel's — per
// depth block a partial sum from zero by fused multiply-adds in increasing k, then added
// to C — so the bits are those of any other path.

/// Widest C handled by `gemmNarrow` (at 8 columns the packed 8×32 tile was already faster:
/// 1000×8×64 in 41 µs packed vs 63 µs narrow; at 1–2 columns narrow is 1.3–9× faster).
let gemmNarrowColumns = 4
/// Rows of C per narrow tile: four SIMD vectors, four independent FMA chains per column
/// (one chain would wait on the FMA latency at every k).
private let narrowRows = 64

/// C[0..<m, 0..<n] (+)= op(A)·op(B) for n ≤ `gemmNarrowColumns`, rows split over `parts` threads.
func gemmNarrow<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, parts: Int
) {
    let tiles = (m + narrowRows - 1) / narrowRows
    let parts = max(1, min(parts, tiles))
    let cAddress = UInt(bitPattern: c)
    parallelFor(count: parts) { part in
        let c = UnsafeMutablePointer<T>(bitPattern: cAddress)!
        let kcMax = min(T.depthBlock, k)
        withUnsafeTemporaryAllocation(of: T.self, capacity: kcMax * narrowRows + narrowRows * gemmNarrowColumns) { scratch in
            let block = scratch.baseAddress!
            let tileOut = block + kcMax * narrowRows
            for tile in (tiles * part / parts)..<(tiles * (part + 1) / parts) {
                let i0 = tile * narrowRows
                narrowTile(rows: min(narrowRows, m - i0), n: n, k: k, a: a.offset(row: i0, col: 0), b: b,
                           c: c + i0 * ldc, ldc: ldc, accumulate: accumulate, block: block, tileOut: tileOut)
            }
        }
    }
}

/// Up to 64 rows of C. `block` holds kc × 64 elements, `tileOut` 64 × 4.
@inline(__always)
private func narrowTile<T: GEMMScalar>(
    rows: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    accumulate: Bool, block: UnsafeMutablePointer<T>, tileOut: UnsafeMutablePointer<T>
) {
    var pc = 0
    while pc < k {
        let kc = min(T.depthBlock, k - pc)
        // The rows of op(A) for this depth block, 64 lanes per k.
        let lanes: UnsafePointer<T>
        let laneStride: Int
        if a.transposed && rows == narrowRows {
            lanes = a.base + pc * a.ld
            laneStride = a.ld
        } else {
            if a.transposed {
                for p in 0..<kc {
                    let src = a.base + (pc + p) * a.ld, dst = block + p * narrowRows
                    for r in 0..<rows { dst[r] = src[r] }
                    for r in rows..<narrowRows { dst[r] = 0 }
                }
            } else if rows == narrowRows {
                // Sixteen rows side by side (four times), each k's lanes built in a register
                // and stored contiguously (an element-wise copy compiles to slow scatter instructions).
                let ld = a.ld
                for quarter in 0..<4 {
                    var src = a.base + (quarter * 16 * ld + pc)
                    var out = block + quarter * 16
                    for _ in 0..<kc {
                        let v = SIMD16<T>(src[0], src[ld], src[2 * ld], src[3 * ld], src[4 * ld], src[5 * ld],
                                          src[6 * ld], src[7 * ld], src[8 * ld], src[9 * ld], src[10 * ld],
                                          src[11 * ld], src[12 * ld], src[13 * ld], src[14 * ld], src[15 * ld])
                        UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD16<T>.self)
                        src += 1
                        out += narrowRows
                    }
                }
            } else {
                for p in 0..<kc {
                    let dst = block + p * narrowRows
                    for r in 0..<rows { dst[r] = a.base[r * a.ld + pc + p] }
                    for r in rows..<narrowRows { dst[r] = 0 }
                }
            }
            lanes = UnsafePointer(block)
            laneStride = narrowRows
        }
        for j in 0..<n {
            let out = tileOut + j * narrowRows
            T.narrowColumn(depth: kc, lanes: lanes, laneStride: laneStride, b: b.offset(row: pc, col: j), into: out)
            // Scatter the partial sums down column j of C.
            let addToC = accumulate || pc > 0
            for r in 0..<rows {
                let cell = c + (r * ldc + j)
                cell.pointee = addToC ? cell.pointee + out[r] : out[r]
            }
        }
        pc += kc
    }
}

extension GEMMOperand {
    /// Element (p, 0) of this operand, for p in 0..<depth, as a strided pointer walk.
    @inline(__always)
    var columnStride: Int { transposed ? 1 : ld }
}

extension GEMMScalar {
    /// Σ_p lanes[p]·b[p, 0] over `depth` k's for 64 lanes (rows), each from zero by FMAs in
    /// increasing k; four vectors, so four independent chains.
    @inline(__always)
    static func narrowColumn(depth: Int, lanes: UnsafePointer<Self>, laneStride: Int,
                             b: GEMMOperand<Self>, into out: UnsafeMutablePointer<Self>) {
        typealias V = SIMD16<Self>
        var acc0 = V(), acc1 = V(), acc2 = V(), acc3 = V()
        var pa = UnsafeRawPointer(lanes), pb = b.base
        let bStride = b.columnStride, aStride = laneStride * MemoryLayout<Self>.stride
        let step = 16 * MemoryLayout<Self>.stride
        for _ in 0..<depth {
            let bv = V(repeating: pb.pointee)
            acc0 = acc0.addingProduct(pa.loadUnaligned(as: V.self), bv)
            acc1 = acc1.addingProduct(pa.loadUnaligned(fromByteOffset: step, as: V.self), bv)
            acc2 = acc2.addingProduct(pa.loadUnaligned(fromByteOffset: 2 * step, as: V.self), bv)
            acc3 = acc3.addingProduct(pa.loadUnaligned(fromByteOffset: 3 * step, as: V.self), bv)
            pa += aStride
            pb += bStride
        }
        let o = UnsafeMutableRawPointer(out)
        o.storeBytes(of: acc0, as: V.self)
        o.storeBytes(of: acc1, toByteOffset: step, as: V.self)
        o.storeBytes(of: acc2, toByteOffset: 2 * step, as: V.self)
        o.storeBytes(of: acc3, toByteOffset: 3 * step, as: V.self)
    }
}
