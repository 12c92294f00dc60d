import Autograd
import Tensor

// Batch normalisation as one primitive over a contiguous [N, C, inner] view, channel by channel
// (a channel's N·inner values stay in cache across its passes; channels run on the kernel threads,
// each channel's sums on one thread in one fixed order, so the bits never depend on the thread count):
//   statistics:  mean = Σx / M,  var = Σ(x − mean)² / M          (two passes, float64 accumulators)
//   forward:     y = x·scale + shift,  scale = γ·invstd,  shift = β − mean·scale
//   pullback:    x̂ = (x − mean)·invstd,  dβ = Σdy,  dγ = Σ dy·x̂,
//                dx = γ·invstd·(dy − Σdy / M − x̂·Σ(dy·x̂) / M)   (training; eval: dx = γ·invstd·dy)
// The pullback's sums need Σdy and Σdy·x only (Σdy·x̂ = invstd·(Σdy·x − mean·Σdy)), one pass.

/// Float scalars the batch-norm kernel reads eight at a time into float64 lanes.
protocol BatchNormScalar: FloatElement, SIMDScalar, Codable {
    static func widened(_ p: UnsafePointer<Self>) -> SIMD8<Double>
}

extension Float: BatchNormScalar {
    @inline(__always) static func widened(_ p: UnsafePointer<Float>) -> SIMD8<Double> {
        SIMD8<Double>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }
}

extension Double: BatchNormScalar {
    @inline(__always) static func widened(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }
}

/// Per-channel statistics of the batch (or the running ones in eval), in float64.
struct BatchNormStatistics {
    var mean: [Double]
    var invstd: [Double]
    /// Biased batch variance (training only; the running-stat update makes it unbiased).
    var variance: [Double]
    /// True when the statistics came from this batch, so the pullback differentiates through them.
    var fromBatch: Bool
    var eps: Double
}

/// Eight lanes of the input's precision as float64 (lane by lane: the vector conversion
/// `SIMD8<Double>(SIMD8<Float>)` is not vectorised and costs more than the sums).
@inline(__always)
private func widenedLanes<T: BatchNormScalar>(_ v: SIMD8<T>) -> SIMD8<Double> {
    var out = SIMD8<Double>(repeating: 0)
    for lane in 0..<8 { out[lane] = Double(v[lane]) }
    return out
}

@inline(__always) private func load8<T: BatchNormScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

/// Σ f(x) over one channel's `n` runs of `inner` contiguous values (run r starts at `p + r·stride`):
/// each run in eight lanes of the input's precision, added to float64 lanes run by run, fixed order.
@inline(__always)
private func channelSum<T: BatchNormScalar>(_ p: UnsafePointer<T>, runs n: Int, inner: Int, stride: Int,
                                            _ f: (SIMD8<T>) -> SIMD8<T>, _ scalar: (Double) -> Double) -> Double {
    var lanes = SIMD8<Double>(repeating: 0)
    var tail = 0.0
    let vectorEnd = inner & ~7
    for run in 0..<n {
        let q = p + run * stride
        var acc = SIMD8<T>(repeating: 0)
        var j = 0
        while j < vectorEnd { acc += f(load8(q + j)); j += 8 }
        lanes += widenedLanes(acc)
        while j < inner { tail += scalar(Double(q[j])); j += 1 }
    }
    return lanes.sum() + tail
}

/// Σdy and Σdy·x over one channel (dy and x laid out alike), run by run as `channelSum`.
@inline(__always)
private func channelGradientSums<T: BatchNormScalar>(_ dy: UnsafePointer<T>, _ x: UnsafePointer<T>, runs n: Int, inner: Int,
                                                     stride: Int) -> (Double, Double) {
    var sumLanes = SIMD8<Double>(repeating: 0), dotLanes = SIMD8<Double>(repeating: 0)
    var sumTail = 0.0, dotTail = 0.0
    let vectorEnd = inner & ~7
    for run in 0..<n {
        let g = dy + run * stride, v = x + run * stride
        var sumAcc = SIMD8<T>(repeating: 0), dotAcc = SIMD8<T>(repeating: 0)
        var j = 0
        while j < vectorEnd {
            let gl = load8(g + j)
            sumAcc += gl
            dotAcc += gl * load8(v + j)
            j += 8
        }
        sumLanes += widenedLanes(sumAcc)
        dotLanes += widenedLanes(dotAcc)
        while j < inner { sumTail += Double(g[j]); dotTail += Double(g[j]) * Double(v[j]); j += 1 }
    }
    return (sumLanes.sum() + sumTail, dotLanes.sum() + dotTail)
}

/// Batch mean, biased variance and 1/√(var + eps) per channel of a contiguous `[N, C, inner]` array.
func batchNormBatchStatistics(_ x: NDArray, eps: Double) throws -> BatchNormStatistics {
    let c = x.shape[1]
    var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
    switch x.dtype {
    case .float32: batchStatistics(Float.self, x, &mean, &variance)
    case .float64: batchStatistics(Double.self, x, &mean, &variance)
    default: throw NNError("batch_norm: expected a floating-point input")
    }
    return BatchNormStatistics(mean: mean, invstd: variance.map { 1 / ($0 + eps).squareRoot() }, variance: variance, fromBatch: true,
                               eps: eps)
}

private func batchStatistics<T: BatchNormScalar>(_: T.Type, _ x: NDArray, _ mean: inout [Double], _ variance: inout [Double]) {
    let n = x.shape[0], c = x.shape[1], inner = x.numel() / Swift.max(1, n * c)
    let count = Double(n * inner), xp = UnsafePointer(x.pointer(T.self))
    mean.withUnsafeMutableBufferPointer { meanOut in
        variance.withUnsafeMutableBufferPointer { varOut in
            let meanP = meanOut.baseAddress!, varP = varOut.baseAddress!
            forEachPart(c, parts: parallelPartCount(n * inner >= 4096 ? c : 1)) { _, channels in
                for ch in channels {
                    let p = xp + ch * inner
                    let m = channelSum(p, runs: n, inner: inner, stride: c * inner, { $0 }, { $0 }) / count
                    let splat = SIMD8<T>(repeating: T(m))
                    let ss = channelSum(p, runs: n, inner: inner, stride: c * inner, { ($0 - splat) * ($0 - splat) },
                                        { ($0 - m) * ($0 - m) })
                    meanP[ch] = m
                    varP[ch] = ss / count
                }
            }
        }
    }
}

/// `y = (x − mean)·invstd·γ + β` of `x [N, C, *]` as one primitive; inputs `[x, weight?, bias?]`
/// (flags say which are present). Callers check shapes (weight and bias `[C]`) and dtypes.
func fusedBatchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, _ stats: BatchNormStatistics) throws -> Tensor {
    let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
    let hasWeight = weight != nil, hasBias = bias != nil
    let primitive = Primitive("NativeBatchNormBackward0", saves: .inputs) { arrays in
        let x = try arrays[0].contiguous()
        let w = hasWeight ? try arrays[1].contiguous() : nil
        let b = hasBias ? try arrays[hasWeight ? 2 : 1].contiguous() : nil
        let out = try NDArray.empty(x.shape, dtype: x.dtype)
        switch x.dtype {
        case .float32: batchNormForward(Float.self, x, w, b, stats, out)
        case .float64: batchNormForward(Double.self, x, w, b, stats, out)
        default: throw NNError("batch_norm: expected a floating-point input")
        }
        return out
    } pullback: { grad, ctx in
        let x = ctx.inputs[0]
        let w = hasWeight ? ctx.inputs[1] : nil
        let weightNeeds = hasWeight && ctx.needsGrad[1], biasNeeds = hasBias && ctx.needsGrad[hasWeight ? 2 : 1]
        if GradMode.isEnabled {
            return try batchNormComposedPullback(grad, x, w, stats, needsInput: ctx.needsGrad[0], weightNeeds: weightNeeds,
                                                 biasNeeds: biasNeeds, hasWeight: hasWeight, hasBias: hasBias)
        }
        let xd = try x.data.contiguous(), gd = try (try grad.data.to(xd.dtype)).contiguous()
        let wd = try w.map { try $0.data.contiguous() }
        let c = xd.shape[1]
        let dx = ctx.needsGrad[0] ? try NDArray.empty(xd.shape, dtype: xd.dtype) : nil
        let dw = weightNeeds ? try NDArray.empty([c], dtype: xd.dtype) : nil
        let db = biasNeeds ? try NDArray.empty([c], dtype: xd.dtype) : nil
        switch xd.dtype {
        case .float32: batchNormBackward(Float.self, xd, gd, wd, stats, dx, dw, db)
        case .float64: batchNormBackward(Double.self, xd, gd, wd, stats, dx, dw, db)
        default: throw NNError("batch_norm: expected a floating-point input")
        }
        var grads: [Tensor?] = [dx.map(Tensor.constant)]
        if hasWeight { grads.append(dw.map(Tensor.constant)) }
        if hasBias { grads.append(db.map(Tensor.constant)) }
        return grads
    }
    return try Tensor.apply(primitive, inputs)
}

private func batchNormForward<T: BatchNormScalar>(_: T.Type, _ x: NDArray, _ w: NDArray?, _ b: NDArray?, _ stats: BatchNormStatistics,
                                                  _ out: NDArray) {
    let n = x.shape[0], c = x.shape[1], inner = x.numel() / Swift.max(1, n * c)
    let xp = UnsafePointer(x.pointer(T.self)), op = out.pointer(T.self)
    let wp = w.map { UnsafePointer($0.pointer(T.self)) }, bp = b.map { UnsafePointer($0.pointer(T.self)) }
    forEachPart(c, parts: parallelPartCount(n * inner >= 4096 ? c : 1)) { _, channels in
        for ch in channels {
            let gamma = wp.map { Double($0[ch]) } ?? 1, beta = bp.map { Double($0[ch]) } ?? 0
            let scaleD = gamma * stats.invstd[ch]
            let scale = T(scaleD), shift = T(beta - stats.mean[ch] * scaleD)
            for run in 0..<n {
                let s = xp + (run * c + ch) * inner, d = op + (run * c + ch) * inner
                for j in 0..<inner { d[j] = s[j] * scale + shift }
            }
        }
    }
}

private func batchNormBackward<T: BatchNormScalar>(_: T.Type, _ x: NDArray, _ grad: NDArray, _ w: NDArray?, _ stats: BatchNormStatistics,
                                                   _ dx: NDArray?, _ dw: NDArray?, _ db: NDArray?) {
    let n = x.shape[0], c = x.shape[1], inner = x.numel() / Swift.max(1, n * c)
    let count = Double(n * inner)
    let xp = UnsafePointer(x.pointer(T.self)), gp = UnsafePointer(grad.pointer(T.self))
    let wp = w.map { UnsafePointer($0.pointer(T.self)) }
    let dxp = dx.map { $0.pointer(T.self) }, dwp = dw.map { $0.pointer(T.self) }, dbp = db.map { $0.pointer(T.self) }
    forEachPart(c, parts: parallelPartCount(n * inner >= 4096 ? c : 1)) { _, channels in
        for ch in channels {
            let (sumDy, sumDyX) = channelGradientSums(gp + ch * inner, xp + ch * inner, runs: n, inner: inner, stride: c * inner)
            let mean = stats.mean[ch], invstd = stats.invstd[ch]
            let sumDyXhat = invstd * (sumDyX - mean * sumDy)
            dbp?[ch] = T(sumDy)
            dwp?[ch] = T(sumDyXhat)
            guard let dxp else { continue }
            // dx = a·dy + b·x + k (closed form above, expanded per channel)
            let gamma = wp.map { Double($0[ch]) } ?? 1
            let aD = gamma * invstd
            var bD = 0.0, kD = 0.0
            if stats.fromBatch {
                bD = -aD * invstd * sumDyXhat / count
                kD = -aD * sumDy / count - bD * mean
            }
            let a = T(aD), b = T(bD), k = T(kD)
            for run in 0..<n {
                let offset = (run * c + ch) * inner
                let g = gp + offset, v = xp + offset, d = dxp + offset
                for j in 0..<inner { d[j] = a * g[j] + b * v[j] + k }
            }
        }
    }
}

/// The pullback as differentiable ops (create_graph): the same closed form, so second derivatives flow.
private func batchNormComposedPullback(_ grad: Tensor, _ x: Tensor, _ weight: Tensor?, _ stats: BatchNormStatistics, needsInput: Bool,
                                       weightNeeds: Bool, biasNeeds: Bool, hasWeight: Bool, hasBias: Bool) throws -> [Tensor?] {
    let c = x.shape[1]
    var statShape = [Int](repeating: 1, count: x.ndim)
    statShape[1] = c
    let dims = [0] + Array(2..<x.ndim)
    let xhat: Tensor, invstd: Tensor
    if stats.fromBatch {
        let mean = try x.mean(dims: dims, keepdim: true)
        let centered = try x - mean
        let variance = try (try centered * centered).mean(dims: dims, keepdim: true)
        invstd = try (try variance + stats.eps).rsqrt()
        xhat = try centered * invstd
    } else {
        let mean = try Tensor.constant(stats.mean, shape: statShape, dtype: x.dtype)
        invstd = try Tensor.constant(stats.invstd, shape: statShape, dtype: x.dtype)
        xhat = try (try x - mean) * invstd
    }
    let gamma = try weight.map { try $0.reshape(statShape) }
    var grads: [Tensor?] = []
    if needsInput {
        var core: Tensor = grad
        if stats.fromBatch {
            let meanDy = try grad.mean(dims: dims, keepdim: true)
            let meanDyXhat = try (try grad * xhat).mean(dims: dims, keepdim: true)
            core = try (try grad - meanDy) - (try xhat * meanDyXhat)
        }
        var dx = try core * invstd
        if let gamma { dx = try dx * gamma }
        grads.append(dx)
    } else {
        grads.append(nil)
    }
    if hasWeight { grads.append(weightNeeds ? try (try (try grad * xhat).sum(dims: dims)).reshape([c]) : nil) }
    if hasBias { grads.append(biasNeeds ? try (try grad.sum(dims: dims)).reshape([c]) : nil) }
    return grads
}
