// Public GEMM entry points: C (+)= op(A)·op(B) on raw row-major pointers, float32 and
// float64, reproducible to the bit whatever the thread count and x86-64 CPU.

/// Up to this many multiply-adds (m·n·k, 32³), reading A and B in place beats packing
/// (measured with the 8×32 FMA tile: 16³ 0.1 µs in place vs 0.8 µs packed; 64³ 6.5 µs vs
/// 4.1 µs; 128×128×64 29 µs vs 15 µs).
let gemmSmallWorkLimit = 32 * 32 * 32
/// Below this many multiply-adds per thread (2¹⁹, about 80³), a second thread costs more than
/// it saves. It was 128³ while waking a sleeping thread took up to 250 µs; with the polling
/// workers and thieves' own panels two threads now win from 112³ on (median +21 % to +40 % at
/// 112³–144³ in alternating runs) but still lose at 96³ (−18 %), which stays on one thread
/// (docs/benchmarks.md).
let gemmMinimumWorkPerThread = 1 << 19

/// Single-precision matrix product `C = op(A)·op(B)` (or `C += …` when `accumulate`), all
/// row-major: op(A) is m×k, op(B) is k×n, C is m×n.
///
/// `op(A)` is A, or Aᵀ when `transA` (then A is stored k×m with leading dimension `lda`);
/// likewise for B. Products up to 32³ multiply-adds read A and B in place; larger ones are
/// cache-blocked over packed panels with an 8×32 SIMD register tile. Uses up to `threads`
/// threads by splitting C, never K, so the result has the same bits for every thread count.
/// Each element is, per block of `Float.depthBlock` k's in order, a partial sum from zero
/// accumulated in increasing k by fused multiply-adds (`s = fma(a[i,p], b[p,j], s)`), then
/// added to C. IEEE-754 fusedMultiplyAdd is correctly rounded, so the bits are also the same
/// on every x86-64 CPU (hardware FMA with `-target-cpu`, libm's `fma` without — much slower;
/// see docs/building.md). The caller guarantees the shapes: every pointer covers its
/// matrix, leading dimensions are at least the stored row lengths, and C overlaps neither
/// A nor B.
///
/// ```swift
/// // 2×3 times 3×2, C = A·B
/// gemm(transA: false, transB: false, m: 2, n: 2, k: 3,
///      a: a, lda: 3, b: b, ldb: 2, c: c, ldc: 2, accumulate: false)
/// ```
public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
    threads: Int = KernelThreads.available
) {
    gemmDispatch(
        m: m, n: n, k: k,
        a: GEMMOperand(base: a, ld: lda, transposed: transA),
        b: GEMMOperand(base: b, ld: ldb, transposed: transB),
        c: c, ldc: ldc, accumulate: accumulate, threads: threads)
}

/// Double-precision matrix product `C = op(A)·op(B)` (or `C += …` when `accumulate`); see the
/// `Float` overload. The register tile is 8×16 (two `SIMD8<Double>` per row).
public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool,
    threads: Int = KernelThreads.available
) {
    gemmDispatch(
        m: m, n: n, k: k,
        a: GEMMOperand(base: a, ld: lda, transposed: transA),
        b: GEMMOperand(base: b, ld: ldb, transposed: transB),
        c: c, ldc: ldc, accumulate: accumulate, threads: threads)
}

/// Threads worth using for an m×n×k product when `requested` are allowed.
func gemmThreadCount(m: Int, n: Int, k: Int, requested: Int) -> Int {
    let work = m * n * k
    let byWork = max(1, work / gemmMinimumWorkPerThread)
    return max(1, min(requested, byWork))
}

func gemmDispatch<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, threads: Int
) {
    if m <= 0 || n <= 0 { return }
    if k <= 0 {
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        return
    }
    let parts = gemmThreadCount(m: m, n: n, k: k, requested: threads)
    if n <= gemmNarrowColumns && m > 4 && m * n * k > gemmSmallWorkLimit / 4 {
        // Few columns: SIMD lanes over rows instead of a mostly empty 32-column tile.
        gemmNarrow(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, parts: parts)
        return
    }
    if m * n * k <= gemmSmallWorkLimit || m <= 4 {
        // (Up to 4 rows: the in-place path's 1- and 4-row tiles waste nothing, while a
        // packed 8-row tile would be mostly padding.)
        // Rows are independent in the unpacked path: split them in groups of 4.
        let groups = (m + 3) / 4
        let parts = min(parts, groups)
        let cAddress = UInt(bitPattern: c)
        parallelFor(count: parts) { part in
            let start = 4 * (groups * part / parts), end = min(m, 4 * (groups * (part + 1) / parts))
            if start >= end { return }
            gemmSmall(m: end - start, n: n, k: k, a: a.offset(row: start, col: 0), b: b,
                      c: UnsafeMutablePointer<T>(bitPattern: cAddress)! + start * ldc, ldc: ldc,
                      accumulate: accumulate)
        }
        return
    }
    if parts == 1 {
        gemmBlocked(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate)
        return
    }
    gemmBlockedTeam(parts: parts, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate)
}
