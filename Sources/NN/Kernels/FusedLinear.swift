import Autograd
import Tensor

// `F.linear` as one primitive: y = x Wᵀ + b with the bias written into C before one GEMM
// (PyTorch's addmm), and a pullback of two GEMMs and a column sum. The composite form
// (matmul, transpose, broadcast add) records three nodes and reduces the bias gradient through
// the generic broadcast path; this matters in small-MLP training loops. Products with at
// least 16 output columns run on the in-place float32 kernel (Kernels/FusedProductKernels.swift),
// rows split over the threads; narrower ones (gemmNarrow's case) and float64 on the engine's GEMM.

/// y = x Wᵀ + b for `x [*, in]` (contiguous after flattening), `weight [out, in]`, `bias [out]`, one dtype.
/// With `relu`, y = relu(x Wᵀ + b) as one node (ReluBackward0): the activation is applied to
/// the product in place and its mask folded into the pullback, the same bits as the two
/// separate nodes with one pass and one buffer fewer each way (an MLP's hidden layers).
func fusedLinear(_ input: Tensor, weight: Tensor, bias: Tensor?, relu: Bool = false) throws -> Tensor {
    let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    let leading = Array(input.shape.dropLast())
    let rows = leading.reduce(1, *)
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    let primitive = Primitive(relu ? "ReluBackward0" : "AddmmBackward0", saves: relu ? [.inputs, .output] : .inputs) { arrays in
        let x = try arrays[0].contiguous(), w = try arrays[1].contiguous()
        let out = try NDArray.empty(leading + [outFeatures], dtype: x.dtype)
        switch x.dtype {
        case .float32:
            linearForward(Float.self, x, w, arrays.count > 2 ? try arrays[2].contiguous() : nil, out, rows, inFeatures, outFeatures)
            if relu { reluInPlace(out.pointer(Float.self), count: rows * outFeatures) }
        case .float64:
            linearForward(Double.self, x, w, arrays.count > 2 ? try arrays[2].contiguous() : nil, out, rows, inFeatures, outFeatures)
            if relu { reluInPlace(out.pointer(Double.self), count: rows * outFeatures) }
        default: throw NNError("linear: expected floating-point tensors")
        }
        return out
    } pullback: { incoming, ctx in
        let x = ctx.inputs[0], w = ctx.inputs[1]
        var g = incoming
        if relu {
            // relu's pullback first (as ReluBackward0 would hand AddmmBackward0 its gradient)
            let output = ctx.output.data
            if !(g.requiresGrad && GradMode.isEnabled), let fused = try g.data.reluGradient(output: output) {
                g = Tensor.constant(fused)
            } else {
                g = try g * Tensor.constant(output.unary(.step))
            }
        }
        let g2 = try g.reshape([rows, outFeatures])
        if GradMode.isEnabled {
            // create_graph: the same products as differentiable ops
            let x2 = try x.reshape([rows, inFeatures])
            var grads: [Tensor?] = [
                ctx.needsGrad[0] ? try (try g2.matmul(w)).reshape(x.shape) : nil,
                ctx.needsGrad[1] ? try (try g2.transpose(0, 1)).matmul(x2) : nil,
            ]
            if ctx.inputs.count > 2 { grads.append(ctx.needsGrad[2] ? try g2.sum(dims: [0]) : nil) }
            return grads
        }
        let gd = try g2.data.to(x.dtype).contiguous(), xd = try x.data.contiguous(), wd = try w.data.contiguous()
        let dx = ctx.needsGrad[0] ? try NDArray.empty(x.shape, dtype: x.dtype) : nil
        let dw = ctx.needsGrad[1] ? try NDArray.empty(w.shape, dtype: x.dtype) : nil
        let db = ctx.inputs.count > 2 && ctx.needsGrad[2] ? try NDArray.empty([outFeatures], dtype: x.dtype) : nil
        switch x.dtype {
        case .float32: linearBackward(Float.self, gd, xd, wd, dx, dw, db, rows, inFeatures, outFeatures)
        case .float64: linearBackward(Double.self, gd, xd, wd, dx, dw, db, rows, inFeatures, outFeatures)
        default: throw NNError("linear: expected floating-point tensors")
        }
        var grads: [Tensor?] = [dx.map(Tensor.constant), dw.map(Tensor.constant)]
        if ctx.inputs.count > 2 { grads.append(db.map(Tensor.constant)) }
        return grads
    }
    return try Tensor.apply(primitive, inputs)
}

/// relu in place, `x < 0 ? 0 : x` as the elementwise relu (so −0 and NaN pass unchanged), in
/// explicit SIMD on concrete types: written as a scalar loop the compiler stores only the
/// negative elements behind a branch that mispredicts on every other element, and generic
/// SIMD comparisons compile to a loop over lanes.
private func reluInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    let raw = UnsafeMutableRawPointer(p)
    while i + 16 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        raw.storeBytes(of: v.replacing(with: 0, where: v .< 0), toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count { let v = p[i]; p[i] = v < 0 ? 0 : v; i += 1 }
}

private func reluInPlace(_ p: UnsafeMutablePointer<Double>, count: Int) {
    var i = 0
    let raw = UnsafeMutableRawPointer(p)
    while i + 8 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
        raw.storeBytes(of: v.replacing(with: 0, where: v .< 0), toByteOffset: i * 8, as: SIMD8<Double>.self)
        i += 8
    }
    while i < count { let v = p[i]; p[i] = v < 0 ? 0 : v; i += 1 }
}

private func linearForward<T: RecurrentScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ b: NDArray?, _ out: NDArray,
                                               _ rows: Int, _ inF: Int, _ outF: Int) {
    let o = out.pointer(T.self)
    if let b {
        let bp = b.pointer(T.self)
        if outF >= 16 {
            for r in 0..<rows { (o + r * outF).update(from: bp, count: outF) }
        } else {
            // narrow rows (an MLP's output layer): a library call per 4-byte row costs more than the copy
            for r in 0..<rows { for j in 0..<outF { o[r * outF + j] = bp[j] } }
        }
    }
    guard rows > 0, outF > 0 else { return }
    if inF == 0 {
        if b == nil { o.initialize(repeating: 0, count: rows * outF) }
        return
    }
    if outF >= 16 {
        // not narrow: the in-place product kernel over Wᵀ (transposed once), rows split over the threads
        let wp = w.pointer(T.self)
        let wT = UnsafeMutablePointer<T>.allocate(capacity: inF * outF)
        defer { wT.deallocate() }
        for r in 0..<outF { for c in 0..<inF { wT[c * outF + r] = wp[r * inF + c] } }
        T.fusedRowProductSplit(m: rows, n: outF, k: inF, a: UnsafePointer(x.pointer(T.self)), aRow: inF, aDepth: 1,
                               b: UnsafePointer(wT), ldb: outF, c: o, ldc: outF, accumulate: b != nil)
        return
    }
    T.product(transA: false, transB: true, m: rows, n: outF, k: inF, a: UnsafePointer(x.pointer(T.self)), lda: inF,
              b: UnsafePointer(w.pointer(T.self)), ldb: inF, c: o, ldc: outF, accumulate: b != nil)
}

private func linearBackward<T: RecurrentScalar>(_: T.Type, _ g: NDArray, _ x: NDArray, _ w: NDArray, _ dx: NDArray?, _ dw: NDArray?,
                                                _ db: NDArray?, _ rows: Int, _ inF: Int, _ outF: Int) {
    let gp = UnsafePointer(g.pointer(T.self))
    if let dx {
        if outF == 0 { dx.pointer(T.self).initialize(repeating: 0, count: rows * inF) } else {
            if inF >= 16 {
                T.fusedRowProductSplit(m: rows, n: inF, k: outF, a: gp, aRow: outF, aDepth: 1, b: UnsafePointer(w.pointer(T.self)),
                                       ldb: inF, c: dx.pointer(T.self), ldc: inF, accumulate: false)
            } else {
                T.product(transA: false, transB: false, m: rows, n: inF, k: outF, a: gp, lda: outF, b: UnsafePointer(w.pointer(T.self)),
                          ldb: inF, c: dx.pointer(T.self), ldc: inF, accumulate: false)
            }
        }
    }
    if let dw {
        if rows == 0 { dw.pointer(T.self).initialize(repeating: 0, count: outF * inF) } else {
            if inF >= 16 {
                T.fusedRowProductSplit(m: outF, n: inF, k: rows, a: gp, aRow: 1, aDepth: outF, b: UnsafePointer(x.pointer(T.self)),
                                       ldb: inF, c: dw.pointer(T.self), ldc: inF, accumulate: false)
            } else {
                T.product(transA: true, transB: false, m: outF, n: inF, k: rows, a: gp, lda: outF, b: UnsafePointer(x.pointer(T.self)),
                          ldb: inF, c: dw.pointer(T.self), ldc: inF, accumulate: false)
            }
        }
    }
    if let db {
        // column sums in a fixed order (row by row), so results do not depend on threads
        let d = db.pointer(T.self)
        d.initialize(repeating: 0, count: outF)
        var j0 = 0
        if T.self == Float.self {
            // 16 columns at a time in a register (the scalar form reloads and stores d per row);
            // each column still adds its rows one by one from zero, so the bits are the same.
            let g32 = UnsafeRawPointer(gp), d32 = UnsafeMutableRawPointer(d)
            while j0 + 16 <= outF {
                var acc = SIMD16<Float>()
                for r in 0..<rows { acc += g32.loadUnaligned(fromByteOffset: (r * outF + j0) * 4, as: SIMD16<Float>.self) }
                d32.storeBytes(of: acc, toByteOffset: j0 * 4, as: SIMD16<Float>.self)
                j0 += 16
            }
        }
        if j0 < outF {
            for r in 0..<rows { let row = gp + r * outF; for j in j0..<outF { d[j] += row[j] } }
        }
    }
}
