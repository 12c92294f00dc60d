import Autograd
import Tensor

// Scaled-dot-product attention (no mask other than causal, no dropout) as one primitive, per
// (batch, head) matrix: S = q kᵀ·scale, P = softmax(S) in place, O = P v — two GEMMs and a
// stable softmax on raw pointers. The pullback is written by hand from the saved P:
//   dV = Pᵀ dO,  dP = dO vᵀ,  dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale,  dQ = dS k,  dK = dSᵀ q.
// The composite form records five nodes and materialises S, scaled S, P and their gradients
// as fresh engine buffers; this form keeps one [L, S] buffer per matrix (P) and one scratch.

/// Holds the attention probabilities between the forward and the pullback of one call.
private final class SavedProbabilities {
    var p: NDArray?
}

/// `softmax(q kᵀ·scale [+ causal]) v` for q `[*, L, E]`, k `[*, S, E]`, v `[*, S, Ev]` with the same
/// leading dimensions and floating dtype (callers check).
func fusedAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, scale: Double, causal: Bool) throws -> Tensor {
    let saved = SavedProbabilities()
    let primitive = Primitive("ScaledDotProductAttentionBackward0", saves: .inputs) { inputs in
        let q = try inputs[0].contiguous(), k = try inputs[1].contiguous(), v = try inputs[2].contiguous()
        let dims = AttentionDims(q.shape, k.shape, v.shape)
        let out = try NDArray.empty(Array(q.shape.dropLast()) + [dims.ev], dtype: q.dtype)
        let p = try NDArray.empty(Array(q.shape.dropLast(2)) + [dims.l, dims.s], dtype: q.dtype)
        switch q.dtype {
        case .float32: attentionForward(Float.self, q, k, v, p, out, dims, scale: scale, causal: causal)
        case .float64: attentionForward(Double.self, q, k, v, p, out, dims, scale: scale, causal: causal)
        default: throw NNError("scaled_dot_product_attention: expected floating-point tensors")
        }
        saved.p = p
        return out
    } pullback: { g, ctx in
        let q = ctx.inputs[0], k = ctx.inputs[1], v = ctx.inputs[2]
        if GradMode.isEnabled {
            // create_graph: the same formulas as differentiable ops
            var scores = try (try q.matmul(try k.transpose(-2, -1))) * scale
            if causal { scores = try scores + (try causalBias(q.shape[q.ndim - 2], k.shape[k.ndim - 2], dtype: q.dtype)) }
            let p = try scores.softmax(dim: -1)
            let dp = try g.matmul(try v.transpose(-2, -1))
            let ds = try (p * (try dp - (try (try dp * p).sum(dims: [-1], keepdim: true)))) * scale
            return [ctx.needsGrad[0] ? try ds.matmul(k) : nil,
                    ctx.needsGrad[1] ? try (try ds.transpose(-2, -1)).matmul(q) : nil,
                    ctx.needsGrad[2] ? try (try p.transpose(-2, -1)).matmul(g) : nil]
        }
        guard let p = saved.p else { throw NNError("scaled_dot_product_attention: the forward pass left no probabilities") }
        let qd = try q.data.contiguous(), kd = try k.data.contiguous(), vd = try v.data.contiguous()
        let gd = try g.data.to(qd.dtype)    // read head by head (Kernels/StridedMatrices.swift)
        let dims = AttentionDims(qd.shape, kd.shape, vd.shape)
        let dq = try NDArray.empty(qd.shape, dtype: qd.dtype), dk = try NDArray.empty(kd.shape, dtype: qd.dtype)
        let dv = try NDArray.empty(vd.shape, dtype: qd.dtype)
        switch qd.dtype {
        case .float32: attentionBackward(Float.self, qd, kd, vd, p, gd, dq, dk, dv, dims, scale: scale)
        case .float64: attentionBackward(Double.self, qd, kd, vd, p, gd, dq, dk, dv, dims, scale: scale)
        default: throw NNError("scaled_dot_product_attention: expected floating-point tensors")
        }
        return [Tensor.constant(dq), Tensor.constant(dk), Tensor.constant(dv)]
    }
    return try Tensor.apply(primitive, [query, key, value])
}

/// Additive causal bias [L, S]: 0 where j ≤ i, −∞ above the diagonal.
func causalBias(_ l: Int, _ s: Int, dtype: DType) throws -> Tensor {
    var bias = [Double](repeating: 0, count: l * s)
    for i in 0..<l { for j in 0..<s where j > i { bias[i * s + j] = -.infinity } }
    return try Tensor.constant(bias, shape: [l, s], dtype: dtype)
}

private struct AttentionDims {
    let batch: Int, l: Int, s: Int, e: Int, ev: Int
    init(_ q: [Int], _ k: [Int], _ v: [Int]) {
        batch = q.dropLast(2).reduce(1, *)
        l = q[q.count - 2]; e = q[q.count - 1]; s = k[k.count - 2]; ev = v[v.count - 1]
    }
}

private func attentionForward<T: RecurrentScalar>(_: T.Type, _ q: NDArray, _ k: NDArray, _ v: NDArray, _ p: NDArray, _ out: NDArray,
                                                  _ d: AttentionDims, scale: Double, causal: Bool) {
    let qp = q.pointer(T.self), kp = k.pointer(T.self), vp = v.pointer(T.self), pp = p.pointer(T.self), op = out.pointer(T.self)
    let factor = T(scale)
    forEachInParallel(d.batch) { b in
        let pb = pp + b * d.l * d.s
        if d.e > 0 {
            // S = q kᵀ through a transposed copy of k (B read row-major in place by the product kernel)
            let kT = UnsafeMutablePointer<T>.allocate(capacity: d.e * d.s)
            defer { kT.deallocate() }
            transposeInto(kT, kp + b * d.s * d.e, rows: d.s, cols: d.e)
            T.fusedRowProduct(m: d.l, n: d.s, k: d.e, a: UnsafePointer(qp + b * d.l * d.e), aRow: d.e, aDepth: 1,
                              b: UnsafePointer(kT), ldb: d.s, c: pb, ldc: d.s, accumulate: false)
        } else {
            pb.update(repeating: 0, count: d.l * d.s)
        }
        for i in 0..<d.l {
            let row = pb + i * d.s
            let visible = causal ? min(d.s, i + 1) : d.s
            var top = -T.infinity
            if T.self == Float.self {
                for j in 0..<visible { row[j] *= factor }
                top = T(FloatRowKernels.maximum(UnsafeRawPointer(row).assumingMemoryBound(to: Float.self), count: visible))
            } else {
                for j in 0..<visible { row[j] *= factor; top = Swift.max(top, row[j]) }
            }
            var total: T = 0
            if top == -T.infinity {
                // a fully masked row: softmax of all −∞ is NaN, as in the composite form
                for j in 0..<d.s { row[j] = .nan }
                continue
            }
            if T.self == Float.self {
                // SIMD exp and a 16-lane sum (Tensor's softmax kernel), in place
                let r = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self)
                total = T(FloatRowKernels.expShiftedSum(r, r, count: visible, shift: Float(top)))
            } else {
                for j in 0..<visible { let e = T.exp(row[j] - top); row[j] = e; total += e }
            }
            let inv = 1 / total
            for j in 0..<visible { row[j] *= inv }
            for j in visible..<d.s { row[j] = 0 }
        }
        if d.ev > 0 {
            T.fusedRowProduct(m: d.l, n: d.ev, k: d.s, a: UnsafePointer(pb), aRow: d.s, aDepth: 1,
                              b: UnsafePointer(vp + b * d.s * d.ev), ldb: d.ev, c: op + b * d.l * d.ev, ldc: d.ev, accumulate: false)
        }
    }
}

private func attentionBackward<T: RecurrentScalar>(_: T.Type, _ q: NDArray, _ k: NDArray, _ v: NDArray, _ p: NDArray, _ g: NDArray,
                                                   _ dq: NDArray, _ dk: NDArray, _ dv: NDArray, _ d: AttentionDims, scale: Double) {
    let qp = q.pointer(T.self), kp = k.pointer(T.self), vp = v.pointer(T.self), pp = p.pointer(T.self)
    let dqp = dq.pointer(T.self), dkp = dk.pointer(T.self), dvp = dv.pointer(T.self)
    let factor = T(scale)
    forEachInParallel(d.batch) { b in
        let ds = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, d.l * d.s + d.ev * d.s + d.l * d.ev))
        defer { ds.deallocate() }
        let vT = ds + d.l * d.s
        let pb = UnsafePointer(pp + b * d.l * d.s), gb = matrixSlice(g, b, buffer: vT + d.ev * d.s)
        // dV = Pᵀ dO
        T.fusedRowProduct(m: d.s, n: d.ev, k: d.l, a: pb, aRow: 1, aDepth: d.s, b: gb, ldb: d.ev,
                          c: dvp + b * d.s * d.ev, ldc: d.ev, accumulate: false)
        // dP = dO vᵀ
        transposeInto(vT, vp + b * d.s * d.ev, rows: d.s, cols: d.ev)
        T.fusedRowProduct(m: d.l, n: d.s, k: d.ev, a: gb, aRow: d.ev, aDepth: 1, b: UnsafePointer(vT), ldb: d.s,
                          c: ds, ldc: d.s, accumulate: false)
        for i in 0..<d.l {
            let row = ds + i * d.s, prow = pb + i * d.s
            let dot = T.fusedDot(UnsafePointer(row), prow, count: d.s)
            for j in 0..<d.s { row[j] = prow[j] * (row[j] - dot) * factor }
        }
        // dQ = dS k ; dK = dSᵀ q
        T.fusedRowProduct(m: d.l, n: d.e, k: d.s, a: UnsafePointer(ds), aRow: d.s, aDepth: 1,
                          b: UnsafePointer(kp + b * d.s * d.e), ldb: d.e, c: dqp + b * d.l * d.e, ldc: d.e, accumulate: false)
        T.fusedRowProduct(m: d.s, n: d.e, k: d.l, a: UnsafePointer(ds), aRow: 1, aDepth: d.s,
                          b: UnsafePointer(qp + b * d.l * d.e), ldb: d.e, c: dkp + b * d.s * d.e, ldc: d.e, accumulate: false)
    }
}

/// dst [cols × rows] = srcᵀ for a row-major src [rows × cols], 16 columns at a time (the
/// writes then go to 16 destination rows instead of sweeping all of dst per source row).
private func transposeInto<T>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, rows: Int, cols: Int) {
    for c0 in stride(from: 0, to: cols, by: 16) {
        let c1 = Swift.min(cols, c0 + 16)
        for r in 0..<rows { for c in c0..<c1 { dst[c * rows + r] = src[r * cols + c] } }
    }
}
