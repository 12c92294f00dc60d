// Generic elementwise loops: contiguous fast paths, a scalar-operand fast path, and a
// general strided/broadcast path. The closures are specialised at each call site.

@inline(__always)
func mapUnaryKernel<A: TensorElement, R: TensorElement>(
    _ a: NDArray, _ f: (A) -> R
) throws -> NDArray {
    let out = try NDArray.empty(like: a, dtype: R.dtype)
    let po = out.pointer(R.self), pa = a.storage.pointer.assumingMemoryBound(to: A.self)
    if a.isContiguous {
        let src = pa + a.offset
        for i in 0..<out.count { po[i] = f(src[i]) }
    } else if a.layout.isUniform {
        // a broadcast scalar (an expanded gradient): no strided walk, no index arrays
        let v = pa[a.offset]
        for i in 0..<out.count { po[i] = f(v) }
    } else {
        var k = 0
        stridedRows1(a.shape, a.strides, a.offset) { o, n, st in
            for j in 0..<n { po[k + j] = f(pa[o + j * st]) }
            k += n
        }
    }
    return out
}

@inline(__always)
func mapBinaryKernel<A: TensorElement, B: TensorElement, R: TensorElement>(
    _ a: NDArray, _ b: NDArray, shape: [Int], _ f: (A, B) -> R
) throws -> NDArray {
    let out = a.shape == shape ? try NDArray.empty(like: a, dtype: R.dtype)
        : b.shape == shape ? try NDArray.empty(like: b, dtype: R.dtype) : try NDArray.empty(shape, dtype: R.dtype)
    let po = out.pointer(R.self)
    let pa = a.storage.pointer.assumingMemoryBound(to: A.self)
    let pb = b.storage.pointer.assumingMemoryBound(to: B.self)
    let n = out.count
    let aFull = a.shape == shape && a.isContiguous
    let bFull = b.shape == shape && b.isContiguous
    if aFull && bFull {
        let sa = pa + a.offset, sb = pb + b.offset
        for i in 0..<n { po[i] = f(sa[i], sb[i]) }
    } else if aFull && b.count == 1 {
        let sa = pa + a.offset, s = pb[b.offset]
        for i in 0..<n { po[i] = f(sa[i], s) }
    } else if bFull && a.count == 1 {
        let sb = pb + b.offset, s = pa[a.offset]
        for i in 0..<n { po[i] = f(s, sb[i]) }
    } else if aFull && b.shape == shape && b.layout.isUniform {
        // b is a broadcast scalar already expanded to the shape (sum()'s gradient)
        let sa = pa + a.offset, s = pb[b.offset]
        for i in 0..<n { po[i] = f(sa[i], s) }
    } else if bFull && a.shape == shape && a.layout.isUniform {
        let sb = pb + b.offset, s = pa[a.offset]
        for i in 0..<n { po[i] = f(s, sb[i]) }
    } else {
        let sa = a.broadcastStrides(to: shape), sb = b.broadcastStrides(to: shape)
        var k = 0
        stridedRows2(shape, sa, a.offset, sb, b.offset) { oa, ob, m, sta, stb in
            for j in 0..<m { po[k + j] = f(pa[oa + j * sta], pb[ob + j * stb]) }
            k += m
        }
    }
    return out
}

@inline(__always)
func mapTernaryKernel<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>(
    _ a: NDArray, _ b: NDArray, _ c: NDArray, shape: [Int], _ f: (A, B, C) -> R
) throws -> NDArray {
    let out = try NDArray.empty(shape, dtype: R.dtype)
    let po = out.pointer(R.self)
    let pa = a.storage.pointer.assumingMemoryBound(to: A.self)
    let pb = b.storage.pointer.assumingMemoryBound(to: B.self)
    let pc = c.storage.pointer.assumingMemoryBound(to: C.self)
    let sa = a.broadcastStrides(to: shape), sb = b.broadcastStrides(to: shape), sc = c.broadcastStrides(to: shape)
    var k = 0
    stridedRows3(shape, sa, a.offset, sb, b.offset, sc, c.offset) { oa, ob, oc, m, sta, stb, stc in
        for j in 0..<m { po[k + j] = f(pa[oa + j * sta], pb[ob + j * stb], pc[oc + j * stc]) }
        k += m
    }
    return out
}
