import Autograd
import Tensor

// Convolution (groups = 1) as one primitive, image by image through one reused column buffer
// (C·K × L, cache-sized for small images) instead of one [N, C·K, L] unfold tensor:
//   forward:  out_n = bias ⊗ 1 + W · im2col(x_n)            (bias written first, GEMM accumulates)
//   pullback: dW += g_n · im2col(x_n)ᵀ,  db = Σ g,  dx_n = col2im(Wᵀ · g_n)
// The columns are recomputed in the pullback (a copy, cheaper than keeping N of them).

/// `[N, O, L]` convolution of `x [N, C, *S]` by `weight [O, C, *K]` (+ `bias [O]`); callers check shapes and dtypes.
func fusedConvolution(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: UnfoldGeometry) throws -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    let primitive = Primitive("ConvolutionBackward0", saves: .inputs) { arrays in
        let x = try arrays[0].contiguous(), w = try arrays[1].contiguous()
        let b = arrays.count > 2 ? try arrays[2].contiguous() : nil
        let out = try NDArray.empty([x.shape[0], w.shape[0], g.outputCount], dtype: x.dtype)
        switch x.dtype {
        case .float32: convForward(Float.self, x, w, b, out, g)
        case .float64: convForward(Double.self, x, w, b, out, g)
        default: throw NNError("conv: expected floating-point tensors")
        }
        return out
    } pullback: { grad, ctx in
        let x = ctx.inputs[0], w = ctx.inputs[1]
        let hasBias = ctx.inputs.count > 2
        let n = x.shape[0], channels = x.shape[1], outChannels = w.shape[0]
        if GradMode.isEnabled {
            // create_graph: the unfold + matmul form as differentiable ops
            let columns = try unfold(x, g, padValue: 0)                                       // [N, C·K, L]
            let w2 = try w.reshape([outChannels, channels * g.kernelCount])
            var grads: [Tensor?] = [
                ctx.needsGrad[0] ? try fold(try (try w2.transpose(0, 1)).matmul(grad), g, channels: channels) : nil,
                ctx.needsGrad[1] ? try (try (try grad.matmul(try columns.transpose(1, 2))).sum(dims: [0])).reshape(w.shape) : nil,
            ]
            if hasBias { grads.append(ctx.needsGrad[2] ? try grad.sum(dims: [0, 2]) : nil) }
            return grads
        }
        let xd = try x.data.contiguous(), wd = try w.data.contiguous(), gd = try grad.data.to(xd.dtype).contiguous()
        let dx = ctx.needsGrad[0] ? try NDArray.empty(xd.shape, dtype: xd.dtype) : nil
        let dw = ctx.needsGrad[1] ? try NDArray.empty(wd.shape, dtype: xd.dtype) : nil
        let db = hasBias && ctx.needsGrad[2] ? try NDArray.empty([outChannels], dtype: xd.dtype) : nil
        switch xd.dtype {
        case .float32: convBackward(Float.self, xd, wd, gd, dx, dw, db, g, n: n)
        case .float64: convBackward(Double.self, xd, wd, gd, dx, dw, db, g, n: n)
        default: throw NNError("conv: expected floating-point tensors")
        }
        var grads: [Tensor?] = [dx.map(Tensor.constant), dw.map(Tensor.constant)]
        if hasBias { grads.append(db.map(Tensor.constant)) }
        return grads
    }
    return try Tensor.apply(primitive, inputs)
}

private func convForward<T: RecurrentScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ b: NDArray?, _ out: NDArray, _ g: UnfoldGeometry) {
    let n = x.shape[0], channels = x.shape[1], outChannels = w.shape[0]
    let rows = channels * g.kernelCount, l = g.outputCount, planeSize = channels * g.inputCount
    guard n > 0, outChannels > 0, l > 0 else { return }
    let xp = x.pointer(T.self), wp = UnsafePointer(w.pointer(T.self)), op = out.pointer(T.self)
    let bp = b.map { UnsafePointer($0.pointer(T.self)) }
    forEachPart(n, parts: parallelPartCount(n)) { _, images in
        let columns = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, rows * l))
        defer { columns.deallocate() }
        for image in images {
            let o = op + image * outChannels * l
            if let bp {
                for c in 0..<outChannels { (o + c * l).update(repeating: bp[c], count: l) }
            }
            im2col(UnsafePointer(xp + image * planeSize), planes: channels, g, padValue: 0, into: columns)
            T.product(transA: false, transB: false, m: outChannels, n: l, k: rows, a: wp, lda: rows, b: UnsafePointer(columns), ldb: l,
                      c: o, ldc: l, accumulate: bp != nil)
        }
    }
}

private func convBackward<T: RecurrentScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ grad: NDArray, _ dx: NDArray?, _ dw: NDArray?,
                                              _ db: NDArray?, _ g: UnfoldGeometry, n: Int) {
    let channels = x.shape[1], outChannels = w.shape[0]
    let rows = channels * g.kernelCount, l = g.outputCount, planeSize = channels * g.inputCount
    let xp = x.pointer(T.self), wp = UnsafePointer(w.pointer(T.self)), gp = grad.pointer(T.self)
    if let db {
        // per-channel sums in a fixed order, so results do not depend on threads
        let d = db.pointer(T.self)
        for c in 0..<outChannels {
            var total: T = 0
            for image in 0..<n { let row = gp + (image * outChannels + c) * l; for j in 0..<l { total += row[j] } }
            d[c] = total
        }
    }
    let weightCount = outChannels * rows
    guard l > 0, outChannels > 0, n > 0 else {
        if let dx { dx.pointer(T.self).initialize(repeating: 0, count: n * planeSize) }
        if let dw { dw.pointer(T.self).initialize(repeating: 0, count: weightCount) }
        return
    }
    // images are split in contiguous parts; each part sums its own ∂W, then the parts are added in order
    let parts = parallelPartCount(n)
    let partials = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, parts * weightCount))
    defer { partials.deallocate() }
    partials.initialize(repeating: 0, count: parts * weightCount)
    let dxp = dx.map { $0.pointer(T.self) }
    let wantsWeight = dw != nil
    forEachPart(n, parts: parts) { part, images in
        let columns = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, rows * l))
        defer { columns.deallocate() }
        for image in images {
            let gi = UnsafePointer(gp + image * outChannels * l)
            if wantsWeight {
                im2col(UnsafePointer(xp + image * planeSize), planes: channels, g, padValue: 0, into: columns)
                T.product(transA: false, transB: true, m: outChannels, n: rows, k: l, a: gi, lda: l, b: UnsafePointer(columns), ldb: l,
                          c: partials + part * weightCount, ldc: rows, accumulate: true)
            }
            if let dxp {
                T.product(transA: true, transB: false, m: rows, n: l, k: outChannels, a: wp, lda: rows, b: gi, ldb: l,
                          c: columns, ldc: l, accumulate: false)
                col2im(UnsafePointer(columns), planes: channels, g, into: dxp + image * planeSize)
            }
        }
    }
    if let dw {
        let d = dw.pointer(T.self)
        d.update(from: partials, count: weightCount)
        for part in 1..<parts { let p = partials + part * weightCount; for i in 0..<weightCount { d[i] += p[i] } }
    }
}
