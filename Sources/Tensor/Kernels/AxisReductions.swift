// Sums over one axis of a contiguous [outer, reduce, inner] array, for `sum(dim=…)`.
// With inner == 1 each output is the contiguous `sum` of its row (same bits as `sum`).
// With inner > 1 the reduced rows are taken in groups of `axisGroupRows`: each group is
// summed row after row (vectorised across `inner`), and group partials combine pairwise as
// in `sum`. The order depends only on the shape, never on the thread count.

/// Rows of the reduced axis summed sequentially before pairwise combination.
public let axisGroupRows = 64

private func sumAxisGeneric<T: GEMMScalar>(
    _ x: UnsafePointer<T>, outer: Int, reduce: Int, inner: Int, into out: UnsafeMutablePointer<T>,
    threads: Int, contiguousSum: (UnsafePointer<T>, Int) -> T
) {
    if outer <= 0 || inner <= 0 { return }
    if reduce <= 0 {
        out.update(repeating: 0, count: outer * inner)
        return
    }
    let work = outer * reduce * inner
    let parts = max(1, min(threads, outer, work / (1 << 16)))
    let xAddress = UInt(bitPattern: x), outAddress = UInt(bitPattern: out)
    parallelFor(count: parts) { part in
        let x = UnsafePointer<T>(bitPattern: xAddress)!
        let out = UnsafeMutablePointer<T>(bitPattern: outAddress)!
        let groups = (reduce + axisGroupRows - 1) / axisGroupRows
        let scratch = inner == 1 ? nil : UnsafeMutablePointer<T>.allocate(capacity: groups * inner)
        defer { scratch?.deallocate() }
        for o in (outer * part / parts)..<(outer * (part + 1) / parts) {
            let slab = x + o * reduce * inner
            let result = out + o * inner
            guard let scratch else {
                result[0] = contiguousSum(slab, reduce)
                continue
            }
            for g in 0..<groups {
                let partial = scratch + g * inner
                let first = g * axisGroupRows
                partial.update(from: slab + first * inner, count: inner)
                for r in (first + 1)..<min(reduce, first + axisGroupRows) {
                    let row = slab + r * inner
                    for i in 0..<inner { partial[i] = partial[i] + row[i] }
                }
            }
            combinePairwise(scratch, groups: 0..<groups, inner: inner)
            result.update(from: scratch, count: inner)
        }
    }
}

/// Combines rows `groups` of `partials` (each `inner` wide) pairwise into the first row.
private func combinePairwise<T: GEMMScalar>(_ partials: UnsafeMutablePointer<T>, groups: Range<Int>, inner: Int) {
    if groups.count <= 1 { return }
    let mid = groups.lowerBound + groups.count / 2
    combinePairwise(partials, groups: groups.lowerBound..<mid, inner: inner)
    combinePairwise(partials, groups: mid..<groups.upperBound, inner: inner)
    let left = partials + groups.lowerBound * inner, right = partials + mid * inner
    for i in 0..<inner { left[i] = left[i] + right[i] }
}

/// `out[o, i] = Σ_r x[o, r, i]` for a contiguous [outer, reduce, inner] float array, in the
/// fixed order documented in AxisReductions.swift.
///
/// ```swift
/// sumAxis(x, outer: 1, reduce: batch, inner: features, into: columnSums)  // sum(dim=0)
/// ```
public func sumAxis(_ x: UnsafePointer<Float>, outer: Int, reduce: Int, inner: Int,
                    into out: UnsafeMutablePointer<Float>, threads: Int = KernelThreads.available) {
    sumAxisGeneric(x, outer: outer, reduce: reduce, inner: inner, into: out, threads: threads) {
        sum($0, count: $1, threads: 1)
    }
}

/// Double-precision `sumAxis`.
public func sumAxis(_ x: UnsafePointer<Double>, outer: Int, reduce: Int, inner: Int,
                    into out: UnsafeMutablePointer<Double>, threads: Int = KernelThreads.available) {
    sumAxisGeneric(x, outer: outer, reduce: reduce, inner: inner, into: out, threads: threads) {
        sum($0, count: $1, threads: 1)
    }
}
