import Autograd
import Tensor

// Convolution (groups = 1) as one primitive, image by image through one reused column buffer
// (C·K × L, cache-sized for small images) instead of one [N, C·K, L] unfold tensor:
//   forward:  out_n = bias ⊗ 1 + W · im2col(x_n)            (bias written first, GEMM accumulates)
//   pullback: dW += g_n · im2col(x_n)ᵀ,  db = Σ g,  dx_n = col2im(Wᵀ · g_n)
// The columns are recomputed in the pullback (a copy, cheaper than keeping N of them). The
// products read their operands in place (Kernels/FusedProductKernels.swift); a strided output
// gradient (the expanded gradient of `sum()`) is read one image at a time instead of copied whole.

/// `[N, O, L]` convolution of `x [N, C, *S]` by `weight [O, C, *K]` (+ `bias [O]`); callers check shapes and dtypes.
func fusedConvolution(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: UnfoldGeometry) throws -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    let primitive = Primitive("ConvolutionBackward0", saves: .inputs) { arrays in
        try convolutionOutput(arrays, g, float32: { convForward(Float.self, $0, $1, $2, $3, g) },
                              float64: { convForward(Double.self, $0, $1, $2, $3, g) })
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
        let xd = try x.data.contiguous(), wd = try w.data.contiguous(), gd = try grad.data.to(xd.dtype)
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

/// Images per block of the pullback's ∂W and ∂b partial sums: blocks are summed in order after
/// the threads finish, so the bits depend on this constant, never on the thread count.
private let convImagesPerBlock = 4

/// The forward of a fused convolution primitive: contiguous `x`, weight and optional bias
/// (`arrays`), and an `[N, O, L]` output that the dtype's kernel fills (x, w, b, out).
func convolutionOutput(
    _ arrays: ForwardInputs, _ g: UnfoldGeometry,
    float32: (NDArray, NDArray, NDArray?, NDArray) -> Void, float64: (NDArray, NDArray, NDArray?, NDArray) -> Void
) throws -> NDArray {
    let x = try arrays[0].contiguous(), w = try arrays[1].contiguous()
    let b = arrays.count > 2 ? try arrays[2].contiguous() : nil
    let out = try NDArray.empty([x.shape[0], w.shape[0], g.outputCount], dtype: x.dtype)
    switch x.dtype {
    case .float32: float32(x, w, b, out)
    case .float64: float64(x, w, b, out)
    default: throw NNError("conv: expected floating-point tensors")
    }
    return out
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
            T.fusedRowProduct(m: outChannels, n: l, k: rows, a: wp, aRow: rows, aDepth: 1, b: UnsafePointer(columns), ldb: l,
                              c: o, ldc: l, accumulate: bp != nil)
        }
    }
}

private func convBackward<T: RecurrentScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ grad: NDArray, _ dx: NDArray?, _ dw: NDArray?,
                                              _ db: NDArray?, _ g: UnfoldGeometry, n: Int) {
    let channels = x.shape[1], outChannels = w.shape[0]
    let rows = channels * g.kernelCount, l = g.outputCount, planeSize = channels * g.inputCount
    let xp = x.pointer(T.self), wp = UnsafePointer(w.pointer(T.self))
    let weightCount = outChannels * rows
    guard l > 0, outChannels > 0, n > 0 else {
        if let dx { dx.pointer(T.self).initialize(repeating: 0, count: n * planeSize) }
        if let dw { dw.pointer(T.self).initialize(repeating: 0, count: weightCount) }
        if let db { db.pointer(T.self).initialize(repeating: 0, count: outChannels) }
        return
    }
    // per block of images: ∂W and ∂b partial sums (images in order), added block by block at the end
    let blocks = (n + convImagesPerBlock - 1) / convImagesPerBlock
    let blockSize = weightCount + outChannels
    let partials = UnsafeMutablePointer<T>.allocate(capacity: blocks * blockSize)
    defer { partials.deallocate() }
    partials.initialize(repeating: 0, count: blocks * blockSize)
    let dxp = dx.map { $0.pointer(T.self) }
    let wantsWeight = dw != nil, wantsBias = db != nil
    forEachPart(blocks, parts: parallelPartCount(blocks)) { _, blockRange in
        let columns = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, rows * l))
        let gathered = UnsafeMutablePointer<T>.allocate(capacity: outChannels * l)
        defer { columns.deallocate(); gathered.deallocate() }
        for block in blockRange {
            let dwBlock = partials + block * blockSize, dbBlock = dwBlock + weightCount
            for image in (block * convImagesPerBlock)..<Swift.min(n, (block + 1) * convImagesPerBlock) {
                let gi: UnsafePointer<T> = matrixSlice(grad, image, buffer: gathered)
                if wantsBias {
                    for c in 0..<outChannels { dbBlock[c] += T.fusedSum(gi + c * l, count: l) }
                }
                if wantsWeight {
                    im2col(UnsafePointer(xp + image * planeSize), planes: channels, g, padValue: 0, into: columns)
                    T.fusedDotProduct(m: outChannels, n: rows, k: l, a: gi, lda: l, b: UnsafePointer(columns), ldb: l,
                                      c: dwBlock, ldc: rows, accumulate: true)
                }
                if let dxp {
                    T.fusedRowProduct(m: rows, n: l, k: outChannels, a: wp, aRow: 1, aDepth: rows, b: gi, ldb: l,
                                      c: columns, ldc: l, accumulate: false)
                    col2im(UnsafePointer(columns), planes: channels, g, into: dxp + image * planeSize)
                }
            }
        }
    }
    if let dw {
        let d = dw.pointer(T.self)
        d.update(from: partials, count: weightCount)
        for block in 1..<blocks { let p = partials + block * blockSize; for i in 0..<weightCount { d[i] += p[i] } }
    }
    if let db {
        let d = db.pointer(T.self)
        d.update(from: partials + weightCount, count: outChannels)
        for block in 1..<blocks { let p = partials + block * blockSize + weightCount; for i in 0..<outChannels { d[i] += p[i] } }
    }
}
