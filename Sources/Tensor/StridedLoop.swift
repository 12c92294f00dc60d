// Strided iteration: walks an n-d index space row by row, handing the body the start
// offset of each innermost row and its stride, so inner loops stay tight.

/// Calls `body(offset, innerCount, innerStride)` for each innermost row.
@inline(__always)
func stridedRows1(_ shape: [Int], _ s0: [Int], _ o0: Int,
                  _ body: (Int, Int, Int) -> Void) {
    let nd = shape.count
    if nd == 0 { body(o0, 1, 0); return }
    for d in shape where d == 0 { _ = d; return }
    let n = shape[nd - 1], st0 = s0[nd - 1]
    if nd == 1 { body(o0, n, st0); return }
    var idx = [Int](repeating: 0, count: nd - 1)
    var p0 = o0
    outer: while true {
        body(p0, n, st0)
        var d = nd - 2
        while d >= 0 {
            idx[d] += 1; p0 += s0[d]
            if idx[d] < shape[d] { continue outer }
            p0 -= s0[d] * shape[d]; idx[d] = 0; d -= 1
        }
        return
    }
}

/// Two operands: `body(offset0, offset1, innerCount, stride0, stride1)`.
@inline(__always)
func stridedRows2(_ shape: [Int], _ s0: [Int], _ o0: Int, _ s1: [Int], _ o1: Int,
                  _ body: (Int, Int, Int, Int, Int) -> Void) {
    let nd = shape.count
    if nd == 0 { body(o0, o1, 1, 0, 0); return }
    for d in shape where d == 0 { _ = d; return }
    let n = shape[nd - 1], st0 = s0[nd - 1], st1 = s1[nd - 1]
    if nd == 1 { body(o0, o1, n, st0, st1); return }
    var idx = [Int](repeating: 0, count: nd - 1)
    var p0 = o0, p1 = o1
    outer: while true {
        body(p0, p1, n, st0, st1)
        var d = nd - 2
        while d >= 0 {
            idx[d] += 1; p0 += s0[d]; p1 += s1[d]
            if idx[d] < shape[d] { continue outer }
            p0 -= s0[d] * shape[d]; p1 -= s1[d] * shape[d]; idx[d] = 0; d -= 1
        }
        return
    }
}

/// Three operands: `body(o0, o1, o2, innerCount, st0, st1, st2)`.
@inline(__always)
func stridedRows3(_ shape: [Int], _ s0: [Int], _ o0: Int, _ s1: [Int], _ o1: Int,
                  _ s2: [Int], _ o2: Int,
                  _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
    let nd = shape.count
    if nd == 0 { body(o0, o1, o2, 1, 0, 0, 0); return }
    for d in shape where d == 0 { _ = d; return }
    let n = shape[nd - 1], st0 = s0[nd - 1], st1 = s1[nd - 1], st2 = s2[nd - 1]
    if nd == 1 { body(o0, o1, o2, n, st0, st1, st2); return }
    var idx = [Int](repeating: 0, count: nd - 1)
    var p0 = o0, p1 = o1, p2 = o2
    outer: while true {
        body(p0, p1, p2, n, st0, st1, st2)
        var d = nd - 2
        while d >= 0 {
            idx[d] += 1; p0 += s0[d]; p1 += s1[d]; p2 += s2[d]
            if idx[d] < shape[d] { continue outer }
            p0 -= s0[d] * shape[d]; p1 -= s1[d] * shape[d]; p2 -= s2[d] * shape[d]
            idx[d] = 0; d -= 1
        }
        return
    }
}
