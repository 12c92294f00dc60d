// Small products (course-sized: 4×3, 16×16) lose more to packing than they gain from the
// register tile, so they take a plain row loop. It keeps the blocked kernel's per-element
// order — per depth block, a partial sum from zero in increasing k, then added to C — so
// the result has the same bits whichever path a shape takes.

/// C[0..<m, 0..<n] (+)= op(A)·op(B) with a row-at-a-time loop (vectorised over columns).
func gemmSmall<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    // Row p of op(B) must be contiguous for the inner loop; copy it when B is transposed.
    let needsCopy = b.transposed
    let scratchCount = n + (needsCopy ? k * n : 0)
    let scratch = UnsafeMutablePointer<T>.allocate(capacity: scratchCount)
    defer { scratch.deallocate() }
    let partial = scratch
    var bRows = b.base
    var bStride = b.ld
    if needsCopy {
        let copy = scratch + n
        for p in 0..<k {
            for j in 0..<n { copy[p * n + j] = b[p, j] }
        }
        bRows = UnsafePointer(copy)
        bStride = n
    }

    for i in 0..<m {
        let cRow = c + i * ldc
        var pc = 0
        while pc < k {
            let kc = min(T.depthBlock, k - pc)
            let addToC = accumulate || pc > 0
            for j in 0..<n { partial[j] = 0 }
            for p in pc..<(pc + kc) {
                let aip = a[i, p]
                let bRow = bRows + p * bStride
                for j in 0..<n { partial[j] = partial[j] + aip * bRow[j] }
            }
            if addToC {
                for j in 0..<n { cRow[j] = cRow[j] + partial[j] }
            } else {
                for j in 0..<n { cRow[j] = partial[j] }
            }
            pc += kc
        }
    }
}
