import Foundation
import Tensor

// The LSTM's per-step gate code (nonlinearities, cell update, and their derivatives) in one
// pass over a batch row. float32 runs on SIMD16 vectors with a Cephes expf/tanhf (the same
// polynomials as Tensor's VectorMath, multiply and add kept separate so every x86-64 CPU gives
// the same bits; a ragged tail goes through the same vector code, zero-padded); float64 keeps
// libm's exp and tanh. An element's value depends only on its inputs, never on the batch split.

/// Float and Double gate passes for the fused LSTM.
protocol LSTMGateScalar: RecurrentScalar {
    /// Forward gate pass over `rows` batch rows: pre-activations (i, f, g, o) in `gates` [rows, 4H]
    /// (clobbered), c_{t−1} rows at `cPrev` (stride `ldc`), output rows at `out` (stride 7H: h, c,
    /// i, f, g, o, tanh(c)), `scratch` ≥ rows·4H elements.
    static func lstmForwardRows(rows: Int, gates: UnsafeMutablePointer<Self>, cPrev: UnsafePointer<Self>, ldc: Int,
                                out: UnsafeMutablePointer<Self>, scratch: UnsafeMutablePointer<Self>, hidden: Int)
    /// One backward row: from the saved `row`, the output gradient `gOut` (h and c columns), the
    /// running `dh`/`dc` (dc updated in place to dc_{t-1}'s cell part) → `dGates` [4H].
    static func lstmBackwardRow(row: UnsafePointer<Self>, gOut: UnsafePointer<Self>, cPrev: UnsafePointer<Self>,
                                dh: UnsafePointer<Self>, dc: UnsafeMutablePointer<Self>, dGates: UnsafeMutablePointer<Self>, hidden: Int)
    /// Lays out a k × n matrix for `multiplyRecurrent` (Kernels/FusedLSTMProduct.swift).
    static func layOutRecurrent(k: Int, n: Int, element: (Int, Int) -> Self) -> UnsafeMutablePointer<Self>
    /// C[m × n] (+)= A[m × k] · B on the calling thread.
    static func multiplyRecurrent(_ b: RecurrentOperand<Self>, m: Int, a: UnsafePointer<Self>, lda: Int,
                                  c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
}

@inline(__always) private func sigmoidScalar<T: FloatElement>(_ x: T) -> T { 1 / (1 + T.exp(-x)) }

extension Double: LSTMGateScalar {
    static func lstmForwardRows(rows: Int, gates: UnsafeMutablePointer<Double>, cPrev: UnsafePointer<Double>, ldc: Int,
                                out: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>, hidden: Int) {
        for r in 0..<rows {
            forwardRow(gates: gates + r * 4 * hidden, cPrev: cPrev + r * ldc, row: out + r * fusedLSTMRowWidth * hidden, hidden: hidden)
        }
    }

    private static func forwardRow(gates: UnsafePointer<Double>, cPrev: UnsafePointer<Double>, row: UnsafeMutablePointer<Double>, hidden: Int) {
        let act = row + 2 * hidden
        for j in 0..<hidden {
            let i = sigmoidScalar(gates[j]), f = sigmoidScalar(gates[hidden + j])
            let gg = Foundation.tanh(gates[2 * hidden + j]), og = sigmoidScalar(gates[3 * hidden + j])
            let c = f * cPrev[j] + i * gg
            let tc = Foundation.tanh(c)
            act[j] = i; act[hidden + j] = f; act[2 * hidden + j] = gg; act[3 * hidden + j] = og
            row[6 * hidden + j] = tc
            row[hidden + j] = c
            row[j] = og * tc
        }
    }

    static func lstmBackwardRow(row: UnsafePointer<Double>, gOut: UnsafePointer<Double>, cPrev: UnsafePointer<Double>,
                                dh: UnsafePointer<Double>, dc: UnsafeMutablePointer<Double>, dGates: UnsafeMutablePointer<Double>, hidden: Int) {
        let act = row + 2 * hidden
        for j in 0..<hidden {
            let i = act[j], f = act[hidden + j], gg = act[2 * hidden + j], og = act[3 * hidden + j]
            let tc = row[6 * hidden + j]
            let dhT = dh[j] + gOut[j]
            var dcT = dc[j] + gOut[hidden + j]
            dcT += dhT * og * (1 - tc * tc)
            dGates[j] = dcT * gg * i * (1 - i)
            dGates[hidden + j] = dcT * cPrev[j] * f * (1 - f)
            dGates[2 * hidden + j] = dcT * i * (1 - gg * gg)
            dGates[3 * hidden + j] = dhT * tc * og * (1 - og)
            dc[j] = dcT * f
        }
    }
}

private typealias V16 = SIMD16<Float>

@inline(__always) private func load16(_ p: UnsafePointer<Float>, _ count: Int) -> V16 {
    if count >= 16 { return UnsafeRawPointer(p).loadUnaligned(as: V16.self) }
    var v = V16(repeating: 0)
    for l in 0..<count { v[l] = p[l] }
    return v
}

@inline(__always) private func store16(_ v: V16, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= 16 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V16.self); return }
    for l in 0..<count { p[l] = v[l] }
}

// exp16 is Tensor's (VectorMath.swift): the same Cephes polynomial as the elementwise exp.

/// `p[0..<count] = exp(p[0..<count])` in place, 16 lanes at a time (one call site of exp16, so
/// it is inlined into this loop; per-gate calls were left out of line and split into 4-lane pieces).
private func expInPlace(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
    var j = 0
    while j + 16 <= count {
        let v = UnsafeRawPointer(p + j).loadUnaligned(as: V16.self)
        UnsafeMutableRawPointer(p + j).storeBytes(of: exp16(v), as: V16.self)
        j += 16
    }
    if j < count {
        var v = V16(repeating: 0)
        for l in 0..<(count - j) { v[l] = p[j + l] }
        let r = exp16(v)
        for l in 0..<(count - j) { p[j + l] = r[l] }
    }
}

/// tanh(x) from x and e = exp(2|x|): Cephes tanhf's odd polynomial for |x| < 0.625, else 1 − 2/(e + 1) with x's sign.
@inline(__always) private func tanh16(_ x: V16, _ e: V16) -> V16 {
    let z = x * x
    var p = V16(repeating: -5.70498872745e-3)
    p = p * z + 2.06390887954e-2
    p = p * z - 5.37397155531e-2
    p = p * z + 1.33314422036e-1
    p = p * z - 3.33332819422e-1
    let small = p * z * x + x
    var large = 1 - 2 / (e + 1)
    large = large.replacing(with: -large, where: x .< 0)
    return small.replacing(with: large, where: x .>= 0.625 .| x .<= -0.625)
}

@inline(__always) private func abs16(_ x: V16) -> V16 { x.replacing(with: -x, where: x .< 0) }

/// Applies `body(offset, width)` to `count` elements in vectors of 16 (the last one `width` < 16 lanes).
@inline(__always) private func forEachVector(_ count: Int, _ body: (Int, Int) -> Void) {
    var j = 0
    while j < count { body(j, Swift.min(16, count - j)); j += 16 }
}

extension Float: LSTMGateScalar {
    static func lstmForwardRows(rows: Int, gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, ldc: Int,
                                out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, hidden: Int) {
        let h4 = 4 * hidden, width = fusedLSTMRowWidth * hidden
        // exp arguments: −x for the sigmoid gates (i, f, o), 2|x| for the tanh gate (g)
        for r in 0..<rows {
            let g = gates + r * h4, e = scratch + r * h4
            forEachVector(hidden) { j, w in
                store16(-load16(g + j, w), e + j, w)
                store16(-load16(g + hidden + j, w), e + hidden + j, w)
                let x = abs16(load16(g + 2 * hidden + j, w))
                store16(x + x, e + 2 * hidden + j, w)
                store16(-load16(g + 3 * hidden + j, w), e + 3 * hidden + j, w)
            }
        }
        expInPlace(scratch, rows * h4)
        // activations, c_t, and 2|c_t| (into the first H of each gates row, no longer needed) for tanh(c_t)
        for r in 0..<rows {
            let g = gates + r * h4, e = scratch + r * h4, row = out + r * width, cp = cPrev + r * ldc
            forEachVector(hidden) { j, w in
                let i = 1 / (1 + load16(e + j, w)), f = 1 / (1 + load16(e + hidden + j, w))
                let gg = tanh16(load16(g + 2 * hidden + j, w), load16(e + 2 * hidden + j, w))
                let og = 1 / (1 + load16(e + 3 * hidden + j, w))
                let c = f * load16(cp + j, w) + i * gg
                store16(c, row + hidden + j, w)
                store16(i, row + 2 * hidden + j, w)
                store16(f, row + 3 * hidden + j, w)
                store16(gg, row + 4 * hidden + j, w)
                store16(og, row + 5 * hidden + j, w)
                let a = abs16(c)
                store16(a + a, g + j, w)
            }
            expInPlace(g, hidden)
            forEachVector(hidden) { j, w in
                let tc = tanh16(load16(row + hidden + j, w), load16(g + j, w))
                store16(tc, row + 6 * hidden + j, w)
                store16(load16(row + 5 * hidden + j, w) * tc, row + j, w)
            }
        }
    }

    static func lstmBackwardRow(row: UnsafePointer<Float>, gOut: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>, hidden: Int) {
        forEachVector(hidden) { j, w in
            let i = load16(row + 2 * hidden + j, w), f = load16(row + 3 * hidden + j, w)
            let gg = load16(row + 4 * hidden + j, w), og = load16(row + 5 * hidden + j, w)
            let tc = load16(row + 6 * hidden + j, w)
            let dhT = load16(dh + j, w) + load16(gOut + j, w)
            var dcT = load16(UnsafePointer(dc) + j, w) + load16(gOut + hidden + j, w)
            dcT += dhT * og * (1 - tc * tc)
            store16(dcT * gg * i * (1 - i), dGates + j, w)
            store16(dcT * load16(cPrev + j, w) * f * (1 - f), dGates + hidden + j, w)
            store16(dcT * i * (1 - gg * gg), dGates + 2 * hidden + j, w)
            store16(dhT * tc * og * (1 - og), dGates + 3 * hidden + j, w)
            store16(dcT * f, dc + j, w)
        }
    }
}
