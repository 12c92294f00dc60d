import Autograd
import Foundation
import Tensor

// One LSTM layer over a whole sequence as a single primitive (as cuDNN does): the forward runs
// the recurrence with one small product per step, the pullback runs backpropagation through
// time with one product per step for dh and one GEMM over all steps for ∂W_hh. Composing the step from small ops
// instead costs ~15 graph nodes per step and, worse, a full-size zero-padded gradient for each
// per-step slice of the input projection (O(T²) memory traffic).
//
// inputs:  xw [T, N, 4H] = x W_ihᵀ + b_ih + b_hh (gate order i, f, g, o), h0 [N, H], c0 [N, H], W_hh [4H, H]
// output:  [T, N, 7H] holding, for every step, h_t, c_t, the gate activations i, f, g, o and
//          tanh(c_t) — the pullback reads them instead of recomputing (no transcendental and no
//          GEMM is repeated); callers narrow the first H (h) and the next H (c) columns.

/// Columns per (step, batch) row of the fused LSTM output.
let fusedLSTMRowWidth = 7

/// Float and Double with the products and reductions of the fused primitives (LSTM, conv, attention, linear).
protocol RecurrentScalar: FloatElement, UnfoldScalar {
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                        b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool, threads: Int)
    /// C[m × n] (+)= op(A)·B on the calling thread, op(A)[i, p] = a[i·aRow + p·aDepth], B row-major
    /// (Kernels/FusedProductKernels.swift for float32, the engine's GEMM for float64).
    static func fusedRowProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, aRow: Int, aDepth: Int, b: UnsafePointer<Self>, ldb: Int,
                                c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
    /// C[m × n] (+)= A·Bᵀ on the calling thread, A [m × k] and B [n × k] row-major.
    static func fusedDotProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                                c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
    /// `fusedRowProduct` on the kernel threads (float32: C's rows split, same bits; float64: the engine's GEMM).
    static func fusedRowProductSplit(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, aRow: Int, aDepth: Int, b: UnsafePointer<Self>, ldb: Int,
                                     c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
    /// Σ p[0..<count] in a fixed order.
    static func fusedSum(_ p: UnsafePointer<Self>, count: Int) -> Self
    /// Σ a[j]·b[j] over 0..<count in a fixed order.
    static func fusedDot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self
}

extension RecurrentScalar {
    /// `fusedRowProduct` through the engine's packed GEMM on the calling thread; op(A) must be
    /// row-major (`aDepth == 1`) or its transpose (`aRow == 1`).
    static func engineRowProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, aRow: Int, aDepth: Int, b: UnsafePointer<Self>,
                                 ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool) {
        let transposed = aDepth != 1
        product(transA: transposed, transB: false, m: m, n: n, k: k, a: a, lda: transposed ? aDepth : aRow, b: b, ldb: ldb,
                c: c, ldc: ldc, accumulate: accumulate, threads: 1)
    }
    /// The product with the GEMM's own thread choice (one thread below 2 × 2¹⁹ multiply-adds).
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                        b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool) {
        product(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                accumulate: accumulate, threads: KernelThreads.available)
    }
}

extension Float: RecurrentScalar {
    static func fusedRowProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        // Long products (attention's P·V and its gradients with sequences over 512) would stream
        // a B strip larger than the caches once per row tile; the engine's packed GEMM blocks
        // them. The choice depends on the shape alone, so the bits stay fixed.
        if k > Float.depthBlock, aRow == 1 || aDepth == 1 {
            engineRowProduct(m: m, n: n, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
            return
        }
        rowProduct(m: m, n: n, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
    static func fusedRowProductSplit(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int, b: UnsafePointer<Float>,
                                     ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        rowProductSplit(m: m, n: n, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
    static func fusedDotProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        dotProduct(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
    /// 16 lanes in order, folded pairwise.
    static func fusedSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var j = 0
        while j + 16 <= count { lanes += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self); j += 16 }
        var tail = SIMD16<Float>()
        for l in 0..<(count - j) { tail[l] = p[j + l] }
        lanes += tail
        let h8 = lanes.lowHalf + lanes.highHalf, h4 = h8.lowHalf + h8.highHalf, h2 = h4.lowHalf + h4.highHalf
        return h2[0] + h2[1]
    }
    /// Products accumulated by fused multiply-adds in 16 lanes in order, folded pairwise.
    static func fusedDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var j = 0
        while j + 16 <= count {
            lanes.addProduct(UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self),
                             UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self))
            j += 16
        }
        var ta = SIMD16<Float>(), tb = SIMD16<Float>()
        for l in 0..<(count - j) { ta[l] = a[j + l]; tb[l] = b[j + l] }
        lanes.addProduct(ta, tb)
        let h8 = lanes.lowHalf + lanes.highHalf, h4 = h8.lowHalf + h8.highHalf, h2 = h4.lowHalf + h4.highHalf
        return h2[0] + h2[1]
    }
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, threads: Int) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate,
             threads: threads)
    }
}

extension Double: RecurrentScalar {
    static func fusedRowProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, aRow: Int, aDepth: Int, b: UnsafePointer<Double>, ldb: Int,
                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        engineRowProduct(m: m, n: n, k: k, a: a, aRow: aRow, aDepth: aDepth, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
    static func fusedRowProductSplit(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, aRow: Int, aDepth: Int, b: UnsafePointer<Double>,
                                     ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        let transposed = aDepth != 1
        gemm(transA: transposed, transB: false, m: m, n: n, k: k, a: a, lda: transposed ? aDepth : aRow, b: b, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate)
    }
    static func fusedDotProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        gemm(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate, threads: 1)
    }
    static func fusedSum(_ p: UnsafePointer<Double>, count: Int) -> Double {
        var total = 0.0
        for j in 0..<count { total += p[j] }
        return total
    }
    static func fusedDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var total = 0.0
        for j in 0..<count { total += a[j] * b[j] }
        return total
    }
    static func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
                        b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool, threads: Int) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate,
             threads: threads)
    }
}

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

/// Where step t's h_{t−1} and c_{t−1} rows start (h0/c0 at t = 0, else the previous step's output rows) and their row stride.
@inline(__always)
private func previousState<T>(_ t: Int, _ h0: UnsafePointer<T>, _ c0: UnsafePointer<T>, _ o: UnsafePointer<T>, n: Int, hidden: Int)
    -> (h: UnsafePointer<T>, c: UnsafePointer<T>, ld: Int) {
    if t == 0 { return (h0, c0, hidden) }
    let width = fusedLSTMRowWidth * hidden
    return (o + (t - 1) * n * width, o + (t - 1) * n * width + hidden, width)
}

// The batch rows of an LSTM are independent sequences until ∂W_hh, so both passes split the
// batch into one contiguous part per kernel thread and run all T steps of a part without
// synchronising (one small single-threaded GEMM per step). Every row is computed the same way
// whatever the split, so the bits do not depend on the thread count.

private func lstmForward<T: LSTMGateScalar>(_: T.Type, _ xw: NDArray, _ h0: NDArray, _ c0: NDArray, _ w: NDArray, _ out: NDArray,
                                            steps: Int, n: Int, hidden: Int) {
    let h4 = 4 * hidden, width = fusedLSTMRowWidth * hidden
    // W_hhᵀ [H, 4H] laid out once for all steps
    let wp = w.pointer(T.self)
    let wT = RecurrentOperand<T>(k: hidden, n: h4) { p, j in wp[j * hidden + p] }
    let x = UnsafePointer(xw.pointer(T.self)), o = out.pointer(T.self)
    let hInit = UnsafePointer(h0.pointer(T.self)), cInit = UnsafePointer(c0.pointer(T.self))
    forEachPart(n, parts: parallelPartCount(n / 4)) { _, rows in
        let nb = rows.count
        guard nb > 0 else { return }
        let gates = UnsafeMutablePointer<T>.allocate(capacity: 2 * nb * h4)
        defer { gates.deallocate() }
        for t in 0..<steps {
            // gates = xw_t + h_{t-1} W_hhᵀ for this part's rows
            gates.update(from: x + (t * n + rows.lowerBound) * h4, count: nb * h4)
            let prev = previousState(t, hInit, cInit, UnsafePointer(o), n: n, hidden: hidden)
            wT.multiply(m: nb, a: prev.h + rows.lowerBound * prev.ld, lda: prev.ld, c: gates, ldc: h4, accumulate: true)
            T.lstmForwardRows(rows: nb, gates: gates, cPrev: prev.c + rows.lowerBound * prev.ld, ldc: prev.ld,
                              out: o + (t * n + rows.lowerBound) * width, scratch: gates + nb * h4, hidden: hidden)
        }
    }
}

private func lstmBackward<T: LSTMGateScalar>(_: T.Type, _ xw: NDArray, _ h0: NDArray, _ c0: NDArray, _ w: NDArray, _ out: NDArray,
                                             _ grad: NDArray, _ dxw: NDArray, _ dh0: NDArray, _ dc0: NDArray, _ dw: NDArray,
                                             steps: Int, n: Int, hidden: Int) {
    let h4 = 4 * hidden, width = fusedLSTMRowWidth * hidden
    let o = UnsafePointer(out.pointer(T.self)), wp = UnsafePointer(w.pointer(T.self)), gp = UnsafePointer(grad.pointer(T.self))
    let dx = dxw.pointer(T.self), dh0p = dh0.pointer(T.self), dc0p = dc0.pointer(T.self)
    let hInit = UnsafePointer(h0.pointer(T.self)), cInit = UnsafePointer(c0.pointer(T.self))
    let weight = RecurrentOperand<T>(k: h4, n: hidden) { p, j in wp[p * hidden + j] }
    forEachPart(n, parts: parallelPartCount(n / 4)) { _, rows in
        let nb = rows.count
        guard nb > 0 else { return }
        // dh and dc of this part's rows, carried from step t to t−1 (dh_{T} = dc_{T} = 0)
        let dh = dh0p + rows.lowerBound * hidden, dc = dc0p + rows.lowerBound * hidden
        dh.initialize(repeating: 0, count: nb * hidden)
        dc.initialize(repeating: 0, count: nb * hidden)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let prev = previousState(t, hInit, cInit, o, n: n, hidden: hidden)
            let dGates = dx + (t * n + rows.lowerBound) * h4
            for (local, b) in rows.enumerated() {
                T.lstmBackwardRow(row: o + (t * n + b) * width, gOut: gp + (t * n + b) * width, cPrev: prev.c + b * prev.ld,
                                  dh: UnsafePointer(dh + local * hidden), dc: dc + local * hidden,
                                  dGates: dGates + local * h4, hidden: hidden)
            }
            // dh_{t-1} = dGates_t W_hh
            weight.multiply(m: nb, a: UnsafePointer(dGates), lda: h4, c: dh, ldc: hidden, accumulate: false)
        }
    }
    // ∂W_hh = Σ_t dGates_tᵀ h_{t-1}: the t = 0 term (h0), then steps 1..<T as one GEMM over the
    // stacked rows (dGates rows are contiguous in dxw, h_{t-1} rows are the output rows of width 7H)
    let d = dw.pointer(T.self)
    T.fusedRowProductSplit(m: h4, n: hidden, k: n, a: UnsafePointer(dx), aRow: 1, aDepth: h4, b: hInit, ldb: hidden,
                           c: d, ldc: hidden, accumulate: false)
    if steps > 1 {
        T.fusedRowProductSplit(m: h4, n: hidden, k: (steps - 1) * n, a: UnsafePointer(dx + n * h4), aRow: 1, aDepth: h4, b: o, ldb: width,
                               c: d, ldc: hidden, accumulate: true)
    }
}
