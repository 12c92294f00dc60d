import Tensor

// Reductions. The upstream gradient is reshaped to the keepdim shape and broadcast back
// (through differentiable ops, so second derivatives work).
extension Primitive {
    /// Reshapes a reduced gradient so it broadcasts against the input.
    static func unreduce(_ g: Tensor, input: [Int], dims: [Int], keepdim: Bool) throws -> Tensor {
        if keepdim || dims.isEmpty && input.isEmpty { return g }
        let all = dims.isEmpty ? Array(0..<input.count) : dims
        var shape = input
        for d in all { shape[d] = 1 }
        return try g.reshape(shape)
    }

    static func sum(dims: [Int]?, keepdim: Bool) -> Primitive {
        Primitive(dims == nil ? "SumBackward0" : "SumBackward1") { x in
            try x[0].sum(dims: dims, keepdim: keepdim)
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let d = try x.data.reductionDims(dims, op: "sum")
            return [try unreduce(g, input: x.shape, dims: d, keepdim: keepdim).expand(x.shape)]
        }
    }

    static func mean(dims: [Int]?, keepdim: Bool) -> Primitive {
        Primitive(dims == nil ? "MeanBackward0" : "MeanBackward1") { x in
            try x[0].mean(dims: dims, keepdim: keepdim)
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let d = try x.data.reductionDims(dims, op: "mean")
            let n = d.reduce(1) { $0 * x.shape[$1] }
            return [try unreduce(g, input: x.shape, dims: d, keepdim: keepdim).expand(x.shape) / Double(max(n, 1))]
        }
    }

    /// amax / amin (and max()/min() without dim): the gradient is shared equally by ties.
    static func extremum(dims: [Int]?, keepdim: Bool, isMax: Bool, name: String) -> Primitive {
        Primitive(name, saves: [.inputs, .output]) { x in
            isMax ? try x[0].amax(dims: dims, keepdim: keepdim) : try x[0].amin(dims: dims, keepdim: keepdim)
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let d = try x.data.reductionDims(dims, op: "amax")
            let out = try unreduce(ctx.output.detach(), input: x.shape, dims: d, keepdim: keepdim)
            let mask = try x.data.compare(.eq, out.data).to(g.dtype)
            let count = try mask.sum(dims: d, keepdim: true)
            let share = Tensor.constant(try mask.div(count))
            return [try unreduce(g, input: x.shape, dims: d, keepdim: keepdim) * share]
        }
    }

    /// var / std with `correction`.
    static func variance(dims: [Int]?, correction: Double, keepdim: Bool, std: Bool) -> Primitive {
        Primitive(std ? "StdBackward0" : "VarBackward0", saves: [.inputs, .output]) { x in
            let v = try x[0].variance(dims: dims, correction: correction, keepdim: keepdim)
            return std ? try v.unary(.sqrt) : v
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let d = try x.data.reductionDims(dims, op: std ? "std" : "var")
            let n = Double(d.reduce(1) { $0 * x.shape[$1] })
            let centered = try x - x.mean(dims: d, keepdim: true)
            let gu = try unreduce(g, input: x.shape, dims: d, keepdim: keepdim)
            let denom = max(0, n - correction)
            if std {
                let s = try unreduce(ctx.output, input: x.shape, dims: d, keepdim: keepdim)
                return [try gu * centered / (s * denom)]
            }
            return [try gu * centered * (2.0 / denom)]
        }
    }

    static func logsumexp(dims: [Int], keepdim: Bool) -> Primitive {
        Primitive("LogsumexpBackward0", saves: [.inputs, .output]) { x in
            try x[0].logsumexp(dims: dims, keepdim: keepdim)
        } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let d = try x.data.reductionDims(dims, op: "logsumexp")
            let out = try unreduce(ctx.output, input: x.shape, dims: d, keepdim: keepdim)
            return [try unreduce(g, input: x.shape, dims: d, keepdim: keepdim) * (x - out).exp()]
        }
    }

    static func softmax(dim: Int) -> Primitive {
        Primitive("SoftmaxBackward0", saves: .output) { x in try x[0].softmax(dim: dim) } pullback: { g, ctx in
            let y = ctx.output
            return [try y * (g - (g * y).sum(dims: [dim], keepdim: true))]
        }
    }

    static func logSoftmax(dim: Int) -> Primitive {
        Primitive("LogSoftmaxBackward0", saves: .output) { x in try x[0].softmax(dim: dim, log: true) } pullback: { g, ctx in
            [try g - ctx.output.exp() * g.sum(dims: [dim], keepdim: true)]
        }
    }
}
