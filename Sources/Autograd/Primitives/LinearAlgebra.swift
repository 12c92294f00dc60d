import Tensor

extension Primitive {
    /// `a @ b` for every operand rank; grad_fn names follow PyTorch's dispatch.
    static func matmul(_ ndimA: Int, _ ndimB: Int) -> Primitive {
        let name: String
        switch (ndimA, ndimB) {
        case (1, 1): name = "DotBackward0"
        case (2, 2): name = "MmBackward0"
        case (2, 1): name = "MvBackward0"
        case (1, 2): name = "SqueezeBackward4"
        default: name = "UnsafeViewBackward0"
        }
        return Primitive(name, saves: .inputs) { x in try x[0].matmul(x[1]) } pullback: { g, ctx in
            var a = ctx.inputs[0], b = ctx.inputs[1], gm = g
            if a.ndim == 1 { a = try a.unsqueeze(0); gm = try gm.unsqueeze(-2) }
            if b.ndim == 1 { b = try b.unsqueeze(-1); gm = try gm.unsqueeze(-1) }
            return [ctx.needsGrad[0] ? try gm.matmul(b.transpose(-1, -2)) : nil,
                    ctx.needsGrad[1] ? try a.transpose(-1, -2).matmul(gm) : nil]
        }
    }
}
