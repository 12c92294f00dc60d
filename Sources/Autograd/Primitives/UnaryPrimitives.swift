import Foundation
import Tensor

// Unary elementwise primitives. Masks (relu, clamp, abs) are constants: their
// derivative is zero almost everywhere, so double backward stays correct.
extension Primitive {
    static let neg = Primitive("NegBackward0") { x in try x[0].unary(.neg) } pullback: { g, _ in [try -g] }

    static let exp = Primitive("ExpBackward0", saves: .output) { x in try x[0].unary(.exp) } pullback: { g, ctx in
        [try g * ctx.output]
    }

    static let log = Primitive("LogBackward0", saves: .inputs) { x in try x[0].unary(.log) } pullback: { g, ctx in
        [try g / ctx.inputs[0]]
    }

    static let sqrt = Primitive("SqrtBackward0", saves: .output) { x in try x[0].unary(.sqrt) } pullback: { g, ctx in
        [try g / (ctx.output * 2.0)]
    }

    static let sin = Primitive("SinBackward0", saves: .inputs) { x in try x[0].unary(.sin) } pullback: { g, ctx in
        [try g * ctx.inputs[0].cos()]
    }

    static let cos = Primitive("CosBackward0", saves: .inputs) { x in try x[0].unary(.cos) } pullback: { g, ctx in
        [try -(g * ctx.inputs[0].sin())]
    }

    static let tanh = Primitive("TanhBackward0", saves: .output) { x in try x[0].unary(.tanh) } pullback: { g, ctx in
        let y = ctx.output
        return [try g * (1.0 - y * y)]
    }

    static let sigmoid = Primitive("SigmoidBackward0", saves: .output) { x in try x[0].unary(.sigmoid) } pullback: { g, ctx in
        let y = ctx.output
        return [try g * y * (1.0 - y)]
    }

    /// relu′(0) = 0, as PyTorch.
    static let relu = Primitive("ReluBackward0", saves: .output) { x in try x[0].unary(.relu) } pullback: { g, ctx in
        // Not recording (the usual backward): one fused pass with the same bits as g · mask.
        if !(g.requiresGrad && GradMode.isEnabled), let fused = try g.data.reluGradient(output: ctx.output.data) {
            return [Tensor.constant(fused)]
        }
        return [try g * Tensor.constant(ctx.output.data.unary(.step))]
    }

    /// abs′(0) = 0 (sign(0) = 0), as PyTorch.
    static let abs = Primitive("AbsBackward0", saves: .inputs) { x in try x[0].unary(.abs) } pullback: { g, ctx in
        [try g * Tensor.constant(ctx.inputs[0].data.unary(.sign))]
    }

    static func leakyRelu(_ slope: Double) -> Primitive {
        Primitive("LeakyReluBackward0", saves: .inputs) { x in try x[0].unary(.leakyRelu(negativeSlope: slope)) } pullback: { g, ctx in
            let x = ctx.inputs[0].data
            let positive = try x.compare(.gt, scalar: .int(0))
            let factor = try NDArray.whereSelect(positive, NDArray.scalar(1, dtype: x.dtype), NDArray.scalar(slope, dtype: x.dtype))
            return [try g * Tensor.constant(factor)]
        }
    }

    /// Exact GELU; its derivative Φ(x) + x·φ(x) is treated as a constant in double backward.
    static let gelu = Primitive("GeluBackward0", saves: .inputs) { x in try x[0].unary(.gelu) } pullback: { g, ctx in
        let x = try ctx.inputs[0].data.to(.float64).toDoubles()
        let d = x.map { v in 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot())) + v * Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot() }
        return [try g * Tensor.constant(NDArray(doubles: d, shape: ctx.inputs[0].shape, dtype: g.dtype))]
    }

    static func softplus(beta: Double, threshold: Double) -> Primitive {
        Primitive("SoftplusBackward0", saves: .inputs) { x in
            try x[0].unary(.softplus(beta: beta, threshold: threshold))
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let linear = try Tensor.constant(x.data.binary(.mul, scalar: .float(beta)).compare(.gt, scalar: .float(threshold)))
            let s = try (x * beta).sigmoid()
            return [try g * Tensor.where(linear, Tensor.constant(NDArray.scalar(1, dtype: g.dtype)), s)]
        }
    }

    /// Gradient passes where min ≤ x ≤ max (inclusive), as PyTorch's clamp.
    static func clamp(min lo: Double?, max hi: Double?) -> Primitive {
        Primitive("ClampBackward1", saves: .inputs) { x in try x[0].unary(.clamp(min: lo, max: hi)) } pullback: { g, ctx in
            let x = ctx.inputs[0].data
            var mask = try NDArray.full(x.shape, 1, dtype: .bool)
            if let lo = lo { mask = try mask.binary(.mul, x.compare(.ge, scalar: .float(lo))) }
            if let hi = hi { mask = try mask.binary(.mul, x.compare(.le, scalar: .float(hi))) }
            return [try g * Tensor.constant(mask.to(g.dtype))]
        }
    }

    /// `x ** e` for a number e (PowBackward0): e·x^(e−1).
    static func powScalar(_ e: Double) -> Primitive {
        Primitive("PowBackward0", saves: .inputs) { x in try x[0].unary(.powScalar(e)) } pullback: { g, ctx in
            if e == 0 { return [try g * 0.0] }
            return [try g * e * ctx.inputs[0].pow(e - 1)]
        }
    }
}
