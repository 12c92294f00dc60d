import Tensor

// Shape primitives: views forward, and the gradient takes the inverse view.
extension Primitive {
    static func reshape(_ shape: [Int], copies: Bool) -> Primitive {
        Primitive(copies ? "UnsafeViewBackward0" : "ViewBackward0") { x in try x[0].reshape(shape) } pullback: { g, ctx in
            [try g.reshape(ctx.inputs[0].shape)]
        }
    }

    static func transpose(_ d0: Int, _ d1: Int) -> Primitive {
        Primitive("TransposeBackward0") { x in try x[0].transposed(d0, d1) } pullback: { g, _ in
            [try g.transpose(d0, d1)]
        }
    }

    static func permute(_ dims: [Int]) -> Primitive {
        Primitive("PermuteBackward0") { x in try x[0].permuted(dims) } pullback: { g, ctx in
            var inverse = [Int](repeating: 0, count: dims.count)
            for (i, d) in dims.enumerated() { inverse[try normalizeDim(d, ndim: dims.count)] = i }
            return [try g.permute(inverse)]
        }
    }

    /// Broadcast view; the engine sums the expanded axes of the gradient away.
    static func expand(_ shape: [Int]) -> Primitive {
        Primitive("ExpandBackward0") { x in try x[0].expand(shape) } pullback: { g, _ in [g] }
    }

    static func squeeze(_ dims: [Int]?) -> Primitive {
        Primitive(dims == nil ? "SqueezeBackward0" : "SqueezeBackward1") { x in try x[0].squeezed(dims) } pullback: { g, ctx in
            [try g.reshape(ctx.inputs[0].shape)]
        }
    }

    static func unsqueeze(_ dim: Int) -> Primitive {
        Primitive("UnsqueezeBackward0") { x in try x[0].unsqueezed(dim) } pullback: { g, ctx in
            [try g.reshape(ctx.inputs[0].shape)]
        }
    }
}
