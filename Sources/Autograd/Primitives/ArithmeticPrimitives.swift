import Tensor

// Binary arithmetic. Pullbacks return broadcast-shaped gradients; the engine reduces them.
extension Primitive {
    static let add = Primitive("AddBackward0") { x in
        try x[0].add(x[1])
    } pullback: { g, _ in
        [g, g]
    }

    static let sub = Primitive("SubBackward0") { x in
        try x[0].sub(x[1])
    } pullback: { g, ctx in
        [g, ctx.needsGrad[1] ? try -g : nil]
    }

    /// `scalar - x`, recorded as PyTorch's RsubBackward1.
    static let rsub = Primitive("RsubBackward1") { x in
        try x[0].sub(x[1])
    } pullback: { g, ctx in
        [nil, ctx.needsGrad[1] ? try -g : nil]
    }

    static let mul = Primitive("MulBackward0", saves: .inputs) { x in
        try x[0].mul(x[1])
    } pullback: { g, ctx in
        [ctx.needsGrad[0] ? try g * ctx.inputs[1] : nil,
         ctx.needsGrad[1] ? try g * ctx.inputs[0] : nil]
    }

    static let div = Primitive("DivBackward0", saves: .inputs) { x in
        try x[0].div(x[1])
    } pullback: { g, ctx in
        let a = ctx.inputs[0], b = ctx.inputs[1]
        return [ctx.needsGrad[0] ? try g / b : nil,
                ctx.needsGrad[1] ? try -g * a / (b * b) : nil]
    }

    /// `x ** y` with both tensors (PowBackward1). d/dy is taken as 0 where x = 0 and y ≥ 0,
    /// as PyTorch does, instead of 0·log(0) = NaN.
    static let pow = Primitive("PowBackward1", saves: [.inputs, .output]) { x in
        try x[0].binary(.pow, x[1])
    } pullback: { g, ctx in
        let a = ctx.inputs[0], b = ctx.inputs[1]
        var ga: Tensor?, gb: Tensor?
        if ctx.needsGrad[0] {
            // Zero where the exponent is 0 (PyTorch), avoiding 0·0⁻¹ = NaN at a = 0.
            let zeroExponent = try b.compare(.eq, 0.0)
            let zero = Tensor.constant(try NDArray.scalar(0, dtype: g.dtype))
            ga = try Tensor.where(zeroExponent, zero, g * b * a.pow(b - 1.0))
        }
        if ctx.needsGrad[1] {
            let safe = try Tensor.constant(a.data.compare(.eq, scalar: .int(0)).binary(.mul, b.data.compare(.ge, scalar: .int(0))))
            let logA = try Tensor.where(safe, Tensor.constant(NDArray.scalar(1, dtype: a.dtype)), a).log()
            gb = try g * ctx.output * logA
        }
        return [ga, gb]
    }

    /// Ties split the gradient in half, as PyTorch's maximum/minimum backward.
    static let maximum = Primitive("MaximumBackward0", saves: .inputs) { x in
        try x[0].binary(.maximum, x[1])
    } pullback: { g, ctx in
        try tieSplit(g, ctx, greater: .gt)
    }

    static let minimum = Primitive("MinimumBackward0", saves: .inputs) { x in
        try x[0].binary(.minimum, x[1])
    } pullback: { g, ctx in
        try tieSplit(g, ctx, greater: .lt)
    }

    private static func tieSplit(_ g: Tensor, _ ctx: PullbackContext, greater: CompareOp) throws -> [Tensor?] {
        let a = ctx.inputs[0].data, b = ctx.inputs[1].data
        let wins = try a.compare(greater, b).to(g.dtype)
        let ties = try a.compare(.eq, b).to(g.dtype).binary(.mul, scalar: .float(0.5))
        let wa = Tensor.constant(try wins.add(ties))
        let wb = Tensor.constant(try b.compare(greater, a).to(g.dtype).add(ties))
        return [ctx.needsGrad[0] ? try g * wa : nil, ctx.needsGrad[1] ? try g * wb : nil]
    }

    /// `where(condition, x, y)`; the condition is input 0 and gets no gradient.
    static let whereSelect = Primitive("WhereBackward0", saves: .inputs) { x in
        try NDArray.whereSelect(x[0], x[1], x[2])
    } pullback: { g, ctx in
        let zero = Tensor.constant(try NDArray.scalar(0, dtype: g.dtype))
        let c = ctx.inputs[0]
        return [nil,
                ctx.needsGrad[1] ? try Tensor.where(c, g, zero) : nil,
                ctx.needsGrad[2] ? try Tensor.where(c, zero, g) : nil]
    }

    /// Dtype conversion (ToCopyBackward0); the engine casts the gradient back.
    static func convert(to dtype: DType) -> Primitive {
        Primitive("ToCopyBackward0") { x in try x[0].to(dtype) } pullback: { g, _ in [g] }
    }
}
