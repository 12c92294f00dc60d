import Autograd
import Tensor

// Depthwise 2-d convolution (groups == in_channels, out = multiplier · in) as one primitive, computed
// directly instead of one im2col + tiny GEMM per channel: output channel o reads input plane o / multiplier.
//   forward:   y[n,o,oy,ox] = b[o] + Σ_{ky,kx} w[o,ky,kx] · x[n,o/m, oy·s−p+ky·d, ox·s−p+kx·d]
//   pullback:  dx scatters w·dy back along the same taps, dw[o,ky,kx] = Σ_n Σ_{oy,ox} dy·x (same taps), db = Σdy.
// Work is split by input plane (forward, dx) or by output channel (dw, db); each result element is
// summed by one thread in one fixed order, so the bits never depend on the thread count.

/// The geometry of one spatial axis: for output index `o` and tap `k` the input index is
/// `o·stride − pad + k·dilation`; `validOutputs(k)` are the outputs whose input index lies inside.
private struct DepthwiseAxis {
    let input: Int, output: Int, stride: Int, pad: Int, dilation: Int
    @inline(__always) func validOutputs(_ k: Int) -> Range<Int> {
        let shift = k * dilation - pad                                     // input = o·stride + shift
        let first = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let lastInput = input - 1 - shift                                  // o·stride ≤ lastInput
        let end = lastInput < 0 ? 0 : Swift.min(output, lastInput / stride + 1)
        return first..<Swift.max(first, end)
    }
}

/// `[N, O, OH·OW]` depthwise convolution of `x [N, C, H, W]` by `weight [O, 1, KH, KW]` (O a multiple of C),
/// plus `bias [O]`. Callers check shapes and dtypes.
func fusedDepthwiseConvolution(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: UnfoldGeometry,
                               composed: @escaping (Tensor, Tensor, Tensor?) throws -> Tensor) throws -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    let primitive = Primitive("ConvolutionBackward0", saves: .inputs) { arrays in
        try convolutionOutput(arrays, g, float32: { depthwiseForward(Float.self, $0, $1, $2, $3, g) },
                              float64: { depthwiseForward(Double.self, $0, $1, $2, $3, g) })
    } pullback: { grad, ctx in
        let x = ctx.inputs[0], w = ctx.inputs[1]
        let hasBias = ctx.inputs.count > 2
        if GradMode.isEnabled {
            // create_graph: differentiate the grouped composite form, so second derivatives flow
            let out = try composed(x, w, hasBias ? ctx.inputs[2] : nil)
            let wanted = ctx.inputs.indices.filter { ctx.needsGrad[$0] }
            let grads = try Tensor.grad(outputs: [out], inputs: wanted.map { ctx.inputs[$0] }, gradOutputs: [try grad.reshape(out.shape)],
                                        createGraph: true, allowUnused: true)
            var result = [Tensor?](repeating: nil, count: ctx.inputs.count)
            for (slot, index) in wanted.enumerated() { result[index] = grads[slot] }
            return result
        }
        let xd = try x.data.contiguous(), wd = try w.data.contiguous(), gd = try (try grad.data.to(xd.dtype)).contiguous()
        let outChannels = wd.shape[0]
        let dx = ctx.needsGrad[0] ? try NDArray.empty(xd.shape, dtype: xd.dtype) : nil
        let dw = ctx.needsGrad[1] ? try NDArray.empty(wd.shape, dtype: xd.dtype) : nil
        let db = hasBias && ctx.needsGrad[2] ? try NDArray.empty([outChannels], dtype: xd.dtype) : nil
        switch xd.dtype {
        case .float32: depthwiseBackward(Float.self, xd, wd, gd, dx, dw, db, g)
        case .float64: depthwiseBackward(Double.self, xd, wd, gd, dx, dw, db, g)
        default: throw NNError("conv: expected floating-point tensors")
        }
        var grads: [Tensor?] = [dx.map(Tensor.constant), dw.map(Tensor.constant)]
        if hasBias { grads.append(db.map(Tensor.constant)) }
        return grads
    }
    return try Tensor.apply(primitive, inputs)
}

private func depthwiseAxes(_ g: UnfoldGeometry) -> (DepthwiseAxis, DepthwiseAxis) {
    let out = g.output
    return (DepthwiseAxis(input: g.input[0], output: out[0], stride: g.stride[0], pad: g.padBefore[0], dilation: g.dilation[0]),
            DepthwiseAxis(input: g.input[1], output: out[1], stride: g.stride[1], pad: g.padBefore[1], dilation: g.dilation[1]))
}

private func depthwiseForward<T: BatchNormScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ b: NDArray?, _ out: NDArray, _ g: UnfoldGeometry) {
    let n = x.shape[0], channels = x.shape[1], outChannels = w.shape[0], multiplier = outChannels / Swift.max(1, channels)
    let (ay, ax) = depthwiseAxes(g)
    let kh = g.kernel[0], kw = g.kernel[1], inPlane = ay.input * ax.input, outPlane = ay.output * ax.output
    let xp = UnsafePointer(x.pointer(T.self)), wp = UnsafePointer(w.pointer(T.self)), op = out.pointer(T.self)
    let bp = b.map { UnsafePointer($0.pointer(T.self)) }
    let planes = n * outChannels
    if ay.stride == 1 && ax.stride == 1 {
        depthwiseForwardUnitStride(xp, wp, bp, op, n: n, channels: channels, outChannels: outChannels, ay: ay, ax: ax, kh: kh, kw: kw)
        return
    }
    forEachPart(planes, parts: parallelPartCount(planes)) { _, range in
        for plane in range {
            let image = plane / outChannels, o = plane % outChannels
            let src = xp + (image * channels + o / multiplier) * inPlane, dst = op + plane * outPlane
            dst.update(repeating: bp.map { $0[o] } ?? 0, count: outPlane)
            for ky in 0..<kh {
                let rows = ay.validOutputs(ky)
                for kx in 0..<kw {
                    let cols = ax.validOutputs(kx)
                    guard !cols.isEmpty else { continue }
                    let tap = wp[(o * kh + ky) * kw + kx]
                    let colShift = kx * ax.dilation - ax.pad
                    for oy in rows {
                        let srcRow = src + (oy * ay.stride + ky * ay.dilation - ay.pad) * ax.input + colShift
                        let dstRow = dst + oy * ax.output
                        if ax.stride == 1 {
                            for ox in cols { dstRow[ox] += tap * srcRow[ox] }
                        } else {
                            for ox in cols { dstRow[ox] += tap * srcRow[ox * ax.stride] }
                        }
                    }
                }
            }
        }
    }
}

/// Σ a[j]·b[j·bStride] over 0..<count in float64 (eight lanes when b is contiguous), fixed order.
@inline(__always)
private func depthwiseDot<T: BatchNormScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, bStride: Int, count: Int) -> Double {
    var total = 0.0
    var j = 0
    if bStride == 1 {
        var lanes = SIMD8<Double>(repeating: 0)
        while j + 8 <= count { lanes += T.widened(a + j) * T.widened(b + j); j += 8 }
        total = lanes.sum()
    }
    while j < count { total += Double(a[j]) * Double(b[j * bStride]); j += 1 }
    return total
}

private func depthwiseBackward<T: BatchNormScalar>(_: T.Type, _ x: NDArray, _ w: NDArray, _ grad: NDArray, _ dx: NDArray?, _ dw: NDArray?,
                                                   _ db: NDArray?, _ g: UnfoldGeometry) {
    let n = x.shape[0], channels = x.shape[1], outChannels = w.shape[0], multiplier = outChannels / Swift.max(1, channels)
    let (ay, ax) = depthwiseAxes(g)
    let kh = g.kernel[0], kw = g.kernel[1], inPlane = ay.input * ax.input, outPlane = ay.output * ax.output
    let xp = UnsafePointer(x.pointer(T.self)), wp = UnsafePointer(w.pointer(T.self)), gp = UnsafePointer(grad.pointer(T.self))
    if let dx, ay.stride == 1 && ax.stride == 1 {
        depthwiseInputGradientUnitStride(gp, wp, dx.pointer(T.self), n: n, channels: channels, outChannels: outChannels, ay: ay, ax: ax,
                                          kh: kh, kw: kw)
    } else if let dx {
        let dxp = dx.pointer(T.self)
        let planes = n * channels
        forEachPart(planes, parts: parallelPartCount(planes)) { _, range in
            for plane in range {
                let image = plane / channels, c = plane % channels
                let dst = dxp + plane * inPlane
                dst.initialize(repeating: 0, count: inPlane)
                for o in (c * multiplier)..<((c + 1) * multiplier) {
                    let src = gp + (image * outChannels + o) * outPlane
                    for ky in 0..<kh {
                        let rows = ay.validOutputs(ky)
                        for kx in 0..<kw {
                            let cols = ax.validOutputs(kx)
                            guard !cols.isEmpty else { continue }
                            let tap = wp[(o * kh + ky) * kw + kx]
                            let colShift = kx * ax.dilation - ax.pad
                            for oy in rows {
                                let dstRow = dst + (oy * ay.stride + ky * ay.dilation - ay.pad) * ax.input + colShift
                                let srcRow = src + oy * ax.output
                                if ax.stride == 1 {
                                    for ox in cols { dstRow[ox] += tap * srcRow[ox] }
                                } else {
                                    for ox in cols { dstRow[ox * ax.stride] += tap * srcRow[ox] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    guard dw != nil || db != nil else { return }
    let dwp = dw.map { $0.pointer(T.self) }, dbp = db.map { $0.pointer(T.self) }
    forEachPart(outChannels, parts: parallelPartCount(outChannels)) { _, range in
        for o in range {
            if let dbp {
                var lanes = SIMD8<Double>(repeating: 0), tail = 0.0
                for image in 0..<n {
                    let src = gp + (image * outChannels + o) * outPlane
                    var j = 0
                    while j + 8 <= outPlane { lanes += T.widened(src + j); j += 8 }
                    while j < outPlane { tail += Double(src[j]); j += 1 }
                }
                dbp[o] = T(lanes.sum() + tail)
            }
            guard let dwp else { continue }
            let c = o / multiplier
            if ax.stride == 1 {
                depthwiseWeightGradientRows(gp, xp, dwp, o: o, c: c, n: n, channels: channels, outChannels: outChannels, ay: ay, ax: ax,
                                            kh: kh, kw: kw)
                continue
            }
            for ky in 0..<kh {
                let rows = ay.validOutputs(ky)
                for kx in 0..<kw {
                    let cols = ax.validOutputs(kx)
                    var total = 0.0
                    if !cols.isEmpty {
                        let colShift = kx * ax.dilation - ax.pad
                        for image in 0..<n {
                            let dy = gp + (image * outChannels + o) * outPlane
                            let src = xp + (image * channels + c) * inPlane
                            for oy in rows {
                                let srcRow = src + (oy * ay.stride + ky * ay.dilation - ay.pad) * ax.input + colShift
                                total += depthwiseDot(dy + oy * ax.output + cols.lowerBound, srcRow + cols.lowerBound * ax.stride,
                                                      bStride: ax.stride, count: cols.count)
                            }
                        }
                    }
                    dwp[(o * kh + ky) * kw + kx] = T(total)
                }
            }
        }
    }
}

/// ∂W of one output channel for column stride 1: each input plane is zero-padded once, then every
/// tap's products run over whole output rows in eight lanes held in registers (per image; images
/// added in order into one float64 lane vector per tap, folded once at the end).
private func depthwiseWeightGradientRows<T: BatchNormScalar>(_ gp: UnsafePointer<T>, _ xp: UnsafePointer<T>, _ dwp: UnsafeMutablePointer<T>,
                                                             o: Int, c: Int, n: Int, channels: Int, outChannels: Int,
                                                             ay: DepthwiseAxis, ax: DepthwiseAxis, kh: Int, kw: Int) {
    let width = ax.output, vectorEnd = width & ~7
    let paddedRows = Swift.max(ay.input + ay.pad, (ay.output - 1) * ay.stride + (kh - 1) * ay.dilation + 1)
    let paddedCols = Swift.max(ax.input + ax.pad, ax.output + (kw - 1) * ax.dilation)
    let padded = UnsafeMutablePointer<T>.allocate(capacity: paddedRows * paddedCols)
    // raw buffers, not arrays: the loops need neither bounds nor uniqueness checks
    let lanes = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: kh * kw)
    let tails = UnsafeMutablePointer<Double>.allocate(capacity: kh * kw)
    lanes.initialize(repeating: SIMD8<Double>(repeating: 0), count: kh * kw)
    tails.initialize(repeating: 0, count: kh * kw)
    defer { padded.deallocate(); lanes.deallocate(); tails.deallocate() }
    let inPlane = ay.input * ax.input, outPlane = ay.output * ax.output
    for image in 0..<n {
        let dy = gp + (image * outChannels + o) * outPlane
        padPlane(xp + (image * channels + c) * inPlane, rows: ay.input, cols: ax.input, into: padded, top: ay.pad, left: ax.pad,
                 paddedRows: paddedRows, paddedCols: paddedCols)
        for ky in 0..<kh {
            for kx in 0..<kw {
                let tap = ky * kw + kx
                // one image's products in the input's precision (a few hundred per lane), then float64
                var acc = SIMD8<T>(repeating: 0), tail = 0.0
                for oy in 0..<ay.output {
                    let dyRow = dy + oy * width
                    let source = UnsafePointer(padded + (oy * ay.stride + ky * ay.dilation) * paddedCols + kx * ax.dilation)
                    var j = 0
                    while j < vectorEnd {
                        acc += UnsafeRawPointer(dyRow + j).loadUnaligned(as: SIMD8<T>.self)
                            * UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<T>.self)
                        j += 8
                    }
                    while j < width { tail += Double(dyRow[j]) * Double(source[j]); j += 1 }
                }
                var widened = SIMD8<Double>(repeating: 0)
                for lane in 0..<8 { widened[lane] = Double(acc[lane]) }
                lanes[tap] += widened
                tails[tap] += tail
            }
        }
    }
    for tap in 0..<(kh * kw) { dwp[o * kh * kw + tap] = T(lanes[tap].sum() + tails[tap]) }
}

/// dst[0..<width] += tap · src[0..<width], eight lanes at a time (the same arithmetic per element).
@inline(__always)
private func addScaledRow<T: BatchNormScalar>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ tap: T, width: Int) {
    let splat = SIMD8<T>(repeating: tap)
    var j = 0
    while j + 8 <= width {
        let d = UnsafeMutableRawPointer(dst + j)
        d.storeBytes(of: d.loadUnaligned(as: SIMD8<T>.self) + splat * UnsafeRawPointer(src + j).loadUnaligned(as: SIMD8<T>.self),
                     as: SIMD8<T>.self)
        j += 8
    }
    while j < width { dst[j] += tap * src[j]; j += 1 }
}

/// Copies a `rows × cols` plane into a zeroed `paddedRows × paddedCols` buffer at (top, left).
@inline(__always)
private func padPlane<T: BatchNormScalar>(_ src: UnsafePointer<T>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<T>, top: Int, left: Int,
                                          paddedRows: Int, paddedCols: Int) {
    dst.update(repeating: 0, count: paddedRows * paddedCols)
    for r in 0..<Swift.min(rows, paddedRows - top) {
        (dst + (r + top) * paddedCols + left).update(from: src + r * cols, count: Swift.min(cols, paddedCols - left))
    }
}

/// Forward for stride 1: each input plane zero-padded once, then every output row is the bias plus
/// whole-row multiply-adds, taps in (ky, kx) order.
private func depthwiseForwardUnitStride<T: BatchNormScalar>(_ xp: UnsafePointer<T>, _ wp: UnsafePointer<T>, _ bp: UnsafePointer<T>?,
                                                            _ op: UnsafeMutablePointer<T>, n: Int, channels: Int, outChannels: Int,
                                                            ay: DepthwiseAxis, ax: DepthwiseAxis, kh: Int, kw: Int) {
    let multiplier = outChannels / Swift.max(1, channels)
    let paddedRows = Swift.max(ay.input + ay.pad, ay.output + (kh - 1) * ay.dilation)
    let paddedCols = Swift.max(ax.input + ax.pad, ax.output + (kw - 1) * ax.dilation)
    let inPlane = ay.input * ax.input, outPlane = ay.output * ax.output, width = ax.output
    let planes = n * outChannels
    forEachPart(planes, parts: parallelPartCount(planes)) { _, range in
        let padded = UnsafeMutablePointer<T>.allocate(capacity: paddedRows * paddedCols)
        defer { padded.deallocate() }
        var paddedPlane = -1
        for plane in range {
            let image = plane / outChannels, o = plane % outChannels
            let inputPlane = image * channels + o / multiplier
            if inputPlane != paddedPlane {
                padPlane(xp + inputPlane * inPlane, rows: ay.input, cols: ax.input, into: padded, top: ay.pad, left: ax.pad,
                         paddedRows: paddedRows, paddedCols: paddedCols)
                paddedPlane = inputPlane
            }
            let dst = op + plane * outPlane
            dst.update(repeating: bp.map { $0[o] } ?? 0, count: outPlane)
            for oy in 0..<ay.output {
                let row = dst + oy * width
                for ky in 0..<kh {
                    let source = UnsafePointer(padded + (oy + ky * ay.dilation) * paddedCols)
                    for kx in 0..<kw {
                        addScaledRow(row, source + kx * ax.dilation, wp[(o * kh + ky) * kw + kx], width: width)
                    }
                }
            }
        }
    }
}

/// ∂x for stride 1: a full correlation of the zero-padded output gradient with the flipped taps,
/// whole input rows at a time (output channels of the group in order, then taps in (ky, kx) order).
private func depthwiseInputGradientUnitStride<T: BatchNormScalar>(_ gp: UnsafePointer<T>, _ wp: UnsafePointer<T>,
                                                                  _ dxp: UnsafeMutablePointer<T>, n: Int, channels: Int, outChannels: Int,
                                                                  ay: DepthwiseAxis, ax: DepthwiseAxis, kh: Int, kw: Int) {
    let multiplier = outChannels / Swift.max(1, channels)
    let top = (kh - 1) * ay.dilation, left = (kw - 1) * ax.dilation
    let paddedRows = ay.input + 2 * ay.pad + top, paddedCols = ax.input + 2 * ax.pad + left
    let inPlane = ay.input * ax.input, outPlane = ay.output * ax.output, width = ax.input
    let planes = n * channels
    forEachPart(planes, parts: parallelPartCount(planes)) { _, range in
        let padded = UnsafeMutablePointer<T>.allocate(capacity: paddedRows * paddedCols)
        defer { padded.deallocate() }
        for plane in range {
            let image = plane / channels, c = plane % channels
            let dst = dxp + plane * inPlane
            dst.update(repeating: 0, count: inPlane)
            for o in (c * multiplier)..<((c + 1) * multiplier) {
                padPlane(gp + (image * outChannels + o) * outPlane, rows: ay.output, cols: ax.output, into: padded, top: top, left: left,
                         paddedRows: paddedRows, paddedCols: paddedCols)
                for iy in 0..<ay.input {
                    let row = dst + iy * width
                    for ky in 0..<kh {
                        let source = UnsafePointer(padded + (iy + ay.pad + (kh - 1 - ky) * ay.dilation) * paddedCols + ax.pad)
                        for kx in 0..<kw {
                            addScaledRow(row, source + (kw - 1 - kx) * ax.dilation, wp[(o * kh + ky) * kw + kx], width: width)
                        }
                    }
                }
            }
        }
    }
}
