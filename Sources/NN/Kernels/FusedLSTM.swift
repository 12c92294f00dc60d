import Autograd
import Foundation
import Tensor

// One LSTM layer over a whole sequence as a single primitive (as cuDNN does): the forward runs
// the recurrence with one GEMM per step, the pullback runs backpropagation through time with
// raw loops, one GEMM per step for dh and one GEMM for ∂W_hh. Composing the step from small ops
// instead costs ~15 graph nodes per step and, worse, a full-size zero-padded gradient for each
// per-step slice of the input projection (O(T²) memory traffic).
//
// inputs:  xw [T, N, 4H] = x W_ihᵀ + b_ih + b_hh (gate order i, f, g, o), h0 [N, H], c0 [N, H], W_hh [4H, H]
// output:  [T, N, 7H] holding, for every step, h_t, c_t, the gate activations i, f, g, o and
//          tanh(c_t) — the pullback reads them instead of recomputing (no transcendental and no
//          GEMM is repeated); callers narrow the first H (h) and the next H (c) columns.

/// Columns per (step, batch) row of the fused LSTM output.
let fusedLSTMRowWidth = 7

/// Float and Double with the GEMM used by the fused recurrence.
protocol RecurrentScalar: FloatElement {
    /// tanh for the recurrences; glibc's `tanhf` goes through `expm1f` and was a quarter of the LSTM's time.
    static func gateTanh(_ x: Self) -> Self
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                        b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
}

extension Float: RecurrentScalar {
    /// (1 − e^(−2|x|)) / (1 + e^(−2|x|)) with the sign of x; a Taylor polynomial near 0, where the
    /// subtraction would cancel. Relative error ≤ 6e-7 (5 ulps) against a float64 tanh on [−9, 9].
    @inline(__always) static func gateTanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        if a < 0.125 {
            let x2 = x * x
            return x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315))))
        }
        let t = Foundation.exp(-2 * a)
        let r = (1 - t) / (1 + t)
        return x < 0 ? -r : r
    }
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
}

extension Double: RecurrentScalar {
    @inline(__always) static func gateTanh(_ x: Double) -> Double { Foundation.tanh(x) }
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
                        b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
}

@inline(__always) private func sigmoid<T: FloatElement>(_ x: T) -> T { 1 / (1 + T.exp(-x)) }

/// Runs one LSTM layer; returns `[T, N, 7H]` with h_t in the first H columns and c_t in the next H.
func fusedLSTMLayer(xw: Tensor, h0: Tensor, c0: Tensor, weightHH: Tensor) throws -> Tensor {
    let primitive = Primitive("LSTMLayerBackward0", saves: [.inputs, .output]) { inputs in
        let xw = try inputs[0].contiguous(), h0 = try inputs[1].contiguous(), c0 = try inputs[2].contiguous()
        let w = try inputs[3].contiguous()
        let steps = xw.shape[0], n = xw.shape[1], hidden = h0.shape[1]
        let out = try NDArray.empty([steps, n, fusedLSTMRowWidth * hidden], dtype: xw.dtype)
        switch xw.dtype {
        case .float32: lstmForward(Float.self, xw, h0, c0, w, out, steps: steps, n: n, hidden: hidden)
        case .float64: lstmForward(Double.self, xw, h0, c0, w, out, steps: steps, n: n, hidden: hidden)
        default: throw NNError("LSTM: expected a floating-point input")
        }
        return out
    } pullback: { g, ctx in
        if GradMode.isEnabled {
            throw NNError("LSTM: create_graph (second derivatives) through an LSTM layer is not supported")
        }
        let xw = try ctx.inputs[0].data.contiguous(), h0 = try ctx.inputs[1].data.contiguous()
        let c0 = try ctx.inputs[2].data.contiguous(), w = try ctx.inputs[3].data.contiguous()
        let out = try ctx.output.data.contiguous(), grad = try g.data.to(xw.dtype).contiguous()
        let steps = xw.shape[0], n = xw.shape[1], hidden = h0.shape[1]
        let dxw = try NDArray.empty(xw.shape, dtype: xw.dtype)
        let dh0 = try NDArray.empty(h0.shape, dtype: xw.dtype), dc0 = try NDArray.empty(c0.shape, dtype: xw.dtype)
        let dw = try NDArray.zeros(w.shape, dtype: xw.dtype)
        switch xw.dtype {
        case .float32: lstmBackward(Float.self, xw, h0, c0, w, out, grad, dxw, dh0, dc0, dw, steps: steps, n: n, hidden: hidden)
        case .float64: lstmBackward(Double.self, xw, h0, c0, w, out, grad, dxw, dh0, dc0, dw, steps: steps, n: n, hidden: hidden)
        default: throw NNError("LSTM: expected a floating-point input")
        }
        return [Tensor.constant(dxw), Tensor.constant(dh0), Tensor.constant(dc0), Tensor.constant(dw)]
    }
    return try Tensor.apply(primitive, [xw, h0, c0, weightHH])
}

private func lstmForward<T: RecurrentScalar>(_: T.Type, _ xw: NDArray, _ h0: NDArray, _ c0: NDArray, _ w: NDArray, _ out: NDArray,
                                             steps: Int, n: Int, hidden: Int) {
    let h4 = 4 * hidden, width = fusedLSTMRowWidth * hidden
    let gates = UnsafeMutablePointer<T>.allocate(capacity: n * h4)
    // W_hhᵀ [H, 4H] row-major once, so every step's GEMM reads B in place (a transposed B is copied per call)
    let wT = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, hidden * h4))
    defer { gates.deallocate(); wT.deallocate() }
    let x = xw.pointer(T.self), o = out.pointer(T.self), wp = w.pointer(T.self)
    for r in 0..<h4 { for c in 0..<hidden { wT[c * h4 + r] = wp[r * hidden + c] } }
    for t in 0..<steps {
        // gates = xw_t + h_{t-1} W_hhᵀ
        gates.update(from: x + t * n * h4, count: n * h4)
        let hPrev: UnsafePointer<T>, ldh: Int, cPrev: UnsafePointer<T>, ldc: Int
        if t == 0 {
            hPrev = UnsafePointer(h0.pointer(T.self)); ldh = hidden; cPrev = UnsafePointer(c0.pointer(T.self)); ldc = hidden
        } else {
            hPrev = UnsafePointer(o + (t - 1) * n * width); ldh = width
            cPrev = UnsafePointer(o + (t - 1) * n * width + hidden); ldc = width
        }
        T.product(transA: false, transB: false, m: n, n: h4, k: hidden, a: hPrev, lda: ldh, b: UnsafePointer(wT), ldb: h4,
                  c: gates, ldc: h4, accumulate: true)
        for b in 0..<n {
            let gRow = gates + b * h4, row = o + (t * n + b) * width
            let act = row + 2 * hidden
            for j in 0..<hidden {
                let i = sigmoid(gRow[j]), f = sigmoid(gRow[hidden + j])
                let gg = T.gateTanh(gRow[2 * hidden + j]), og = sigmoid(gRow[3 * hidden + j])
                let c = f * cPrev[b * ldc + j] + i * gg
                let tc = T.gateTanh(c)
                act[j] = i; act[hidden + j] = f; act[2 * hidden + j] = gg; act[3 * hidden + j] = og
                row[6 * hidden + j] = tc
                row[hidden + j] = c
                row[j] = og * tc
            }
        }
    }
}

private func lstmBackward<T: RecurrentScalar>(_: T.Type, _ xw: NDArray, _ h0: NDArray, _ c0: NDArray, _ w: NDArray, _ out: NDArray,
                                              _ grad: NDArray, _ dxw: NDArray, _ dh0: NDArray, _ dc0: NDArray, _ dw: NDArray,
                                              steps: Int, n: Int, hidden: Int) {
    let h4 = 4 * hidden, width = fusedLSTMRowWidth * hidden
    let dh = UnsafeMutablePointer<T>.allocate(capacity: n * hidden), dc = UnsafeMutablePointer<T>.allocate(capacity: n * hidden)
    defer { dh.deallocate(); dc.deallocate() }
    dh.initialize(repeating: 0, count: n * hidden)
    dc.initialize(repeating: 0, count: n * hidden)
    let o = out.pointer(T.self), wp = w.pointer(T.self), gp = grad.pointer(T.self)
    let dx = dxw.pointer(T.self)
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let hPrev: UnsafePointer<T>, ldh: Int, cPrev: UnsafePointer<T>, ldc: Int
        if t == 0 {
            hPrev = UnsafePointer(h0.pointer(T.self)); ldh = hidden; cPrev = UnsafePointer(c0.pointer(T.self)); ldc = hidden
        } else {
            hPrev = UnsafePointer(o + (t - 1) * n * width); ldh = width
            cPrev = UnsafePointer(o + (t - 1) * n * width + hidden); ldc = width
        }
        let dGates = dx + t * n * h4
        for b in 0..<n {
            let row = o + (t * n + b) * width, gOut = gp + (t * n + b) * width, dRow = dGates + b * h4
            let act = row + 2 * hidden
            for j in 0..<hidden {
                let i = act[j], f = act[hidden + j], gg = act[2 * hidden + j], og = act[3 * hidden + j]
                let tc = row[6 * hidden + j]
                let dhT = dh[b * hidden + j] + gOut[j]
                var dcT = dc[b * hidden + j] + gOut[hidden + j]
                dcT += dhT * og * (1 - tc * tc)
                dRow[j] = dcT * gg * i * (1 - i)
                dRow[hidden + j] = dcT * cPrev[b * ldc + j] * f * (1 - f)
                dRow[2 * hidden + j] = dcT * i * (1 - gg * gg)
                dRow[3 * hidden + j] = dhT * tc * og * (1 - og)
                dc[b * hidden + j] = dcT * f
            }
        }
        // dh_{t-1} = dGates W_hh ; dW_hh += dGatesᵀ h_{t-1}
        T.product(transA: false, transB: false, m: n, n: hidden, k: h4, a: UnsafePointer(dGates), lda: h4, b: UnsafePointer(wp), ldb: hidden,
                  c: dh, ldc: hidden, accumulate: false)
        T.product(transA: true, transB: false, m: h4, n: hidden, k: n, a: UnsafePointer(dGates), lda: h4, b: hPrev, ldb: ldh,
                  c: dw.pointer(T.self), ldc: hidden, accumulate: true)
    }
    dh0.pointer(T.self).update(from: dh, count: n * hidden)
    dc0.pointer(T.self).update(from: dc, count: n * hidden)
}
