// The single-threaded, cache-blocked GEMM over packed panels (after Goto & van de Geijn,
// "Anatomy of High-Performance Matrix Multiplication", 2008, and BLIS), arranged for a
// row-major tile whose B sliver (KC × 32 floats, 64 KiB at KC = 512) is larger than L1:
//   for each depth block (pc): for each column block of B (jc): pack B (KC × NC, kept in L2);
//     for each row block of A (ic): pack A once per depth block (first jc only);
//       for each micro-row (ir, its A sliver stays in L1), for each micro-column (jr,
//       B slivers stream from L2): micro-kernel.
// Every element of C gets, per depth block in increasing order, one partial sum
// accumulated from zero in increasing k, added to C (or stored, for the first block when
// not accumulating). That order depends only on `T.depthBlock`, never on NC, MC, the loop
// order or how the output was split among threads.

/// Scratch space for one thread's packed panels, 64-byte aligned: all rows of A for one
/// depth block (reused by every column block), one B panel, and one edge tile.
struct GEMMPackBuffers<T: GEMMScalar> {
    let packedA: UnsafeMutablePointer<T>
    let packedB: UnsafeMutablePointer<T>
    let edgeTile: UnsafeMutablePointer<T>
    private let scratch: GEMMScratch<UInt8>

    init(rows: Int, depth: Int, columns: Int) {
        let mr = T.microRows, nr = T.microColumns
        let kc = min(T.depthBlock, depth)
        let mPadded = (rows + mr - 1) / mr * mr
        let nc = min(T.columnBlock, (columns + nr - 1) / nr * nr)
        func rounded(_ count: Int) -> Int { (count * MemoryLayout<T>.stride + 63) / 64 * 64 }
        let aBytes = rounded(mPadded * kc), bBytes = rounded(nc * kc), tileBytes = rounded(mr * nr)
        scratch = GEMMScratch<UInt8>(count: aBytes + bBytes + tileBytes)
        let raw = UnsafeMutableRawPointer(scratch.pointer)
        packedA = raw.bindMemory(to: T.self, capacity: mPadded * kc)
        packedB = (raw + aBytes).bindMemory(to: T.self, capacity: nc * kc)
        edgeTile = (raw + aBytes + bBytes).bindMemory(to: T.self, capacity: mr * nr)
    }

    func deallocate() { scratch.release() }
}

/// C[0..<m, 0..<n] (+)= op(A)·op(B) on one thread, through packed panels.
func gemmBlocked<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    let buffers = GEMMPackBuffers<T>(rows: m, depth: k, columns: n)
    defer { buffers.deallocate() }
    let inPlace = gemmReadsAInPlace(a)

    var pc = 0
    while pc < k {
        let kc = min(T.depthBlock, k - pc)
        let addToC = accumulate || pc > 0
        var jc = 0
        while jc < n {
            let nc = min(T.columnBlock, n - jc)
            packB(b.offset(row: pc, col: jc), depth: kc, columns: nc, into: buffers.packedB)
            var ic = 0
            while ic < m {
                let mc = min(T.rowBlock, m - ic)
                // Rows ic..<ic+mc of the packed A start at ic·kc (ic is a multiple of MR).
                let packedA = buffers.packedA + ic * kc
                if jc == 0 {
                    packRowBlockA(a, row: ic, rows: mc, col: pc, depth: kc, into: packedA, inPlace: inPlace)
                }
                gemmMacroKernel(rows: mc, columns: nc, depth: kc, packedA: packedA,
                                sourceA: inPlace ? a.offset(row: ic, col: pc).base : nil, lda: a.ld,
                                packedB: buffers.packedB, c: c + (ic * ldc + jc), ldc: ldc,
                                addToC: addToC, edgeTile: buffers.edgeTile)
                ic += mc
            }
            jc += nc
        }
        pc += kc
    }
}

/// Whether the micro-kernels read op(A) straight from its rows instead of a packed copy:
/// when A is not transposed and its rows are at most 2 KiB apart. Then a tile's 8 rows fall
/// in different L1 sets, and skipping the copy measured 2–8 % faster at 256³–512³ on one
/// thread (and saves each thread of a team its own copy); rows 8 KiB apart share L1 sets
/// and ran 6 % slower (docs/benchmarks.md). Either way the sums and bits are the same.
@inline(__always)
func gemmReadsAInPlace<T: GEMMScalar>(_ a: GEMMOperand<T>) -> Bool {
    !a.transposed && a.ld * MemoryLayout<T>.stride <= 2048
}

/// Prepares rows `ic..<ic + rows`, depth `pc..<pc + kc` of op(A) for `gemmMacroKernel` at
/// `dest`: all of them packed, or — read in place — only a last partial sliver.
@inline(__always)
func packRowBlockA<T: GEMMScalar>(
    _ a: GEMMOperand<T>, row ic: Int, rows: Int, col pc: Int, depth kc: Int,
    into dest: UnsafeMutablePointer<T>, inPlace: Bool
) {
    if !inPlace {
        packA(a.offset(row: ic, col: pc), rows: rows, depth: kc, into: dest)
        return
    }
    let whole = rows / T.microRows * T.microRows
    if whole < rows {
        packA(a.offset(row: ic + whole, col: pc), rows: rows - whole, depth: kc, into: dest + whole * kc)
    }
}

/// All micro-tiles of one A block (rows × depth) times one packed B panel (depth ×
/// columns), into C at `c`. Micro-rows outside, micro-columns inside: the A sliver
/// (MR × KC) stays in L1 while the B slivers come from the L2-sized panel. A is read from
/// `sourceA` (rows `lda` apart) when given, except a partial last sliver, which is packed
/// like every sliver of `packedA` otherwise (see `packRowBlockA`).
@inline(__always)
func gemmMacroKernel<T: GEMMScalar>(
    rows mc: Int, columns nc: Int, depth kc: Int, packedA: UnsafeMutablePointer<T>,
    sourceA: UnsafePointer<T>?, lda: Int,
    packedB: UnsafeMutablePointer<T>, c: UnsafeMutablePointer<T>, ldc: Int, addToC: Bool,
    edgeTile: UnsafeMutablePointer<T>
) {
    let mr = T.microRows, nr = T.microColumns
    var ir = 0
    while ir < mc {
        let liveRows = min(mr, mc - ir)
        let aSliver = UnsafePointer(packedA + ir * kc)
        let aRows = liveRows == mr ? sourceA.map { $0 + ir * lda } : nil
        var jr = 0
        while jr < nc {
            let liveColumns = min(nr, nc - jr)
            let bSliver = UnsafePointer(packedB + jr * kc)
            let cTile = c + (ir * ldc + jr)
            @inline(__always) func tile(into out: UnsafeMutablePointer<T>, ldc: Int, addToC: Bool) {
                if let aRows {
                    T.microKernelInPlaceA(depth: kc, a: aRows, lda: lda, b: bSliver, c: out, ldc: ldc, addToC: addToC)
                } else {
                    T.microKernel(depth: kc, a: aSliver, b: bSliver, c: out, ldc: ldc, addToC: addToC)
                }
            }
            if liveRows == mr && liveColumns == nr {
                tile(into: cTile, ldc: ldc, addToC: addToC)
            } else {
                // Edge tile: compute the full tile aside, keep the live part.
                // Same per-element arithmetic as a full tile.
                tile(into: edgeTile, ldc: nr, addToC: false)
                for r in 0..<liveRows {
                    let row = cTile + r * ldc
                    let tile = edgeTile + r * nr
                    if addToC {
                        for col in 0..<liveColumns { row[col] = row[col] + tile[col] }
                    } else {
                        for col in 0..<liveColumns { row[col] = tile[col] }
                    }
                }
            }
            jr += nr
        }
        ir += mr
    }
}
