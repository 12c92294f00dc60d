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
            // Restore the dimensions the forward squeezed: b's column first, then a's row.
            if b.ndim == 1 { b = try b.unsqueeze(-1); gm = try gm.unsqueeze(-1) }
            if a.ndim == 1 { a = try a.unsqueeze(0); gm = try gm.unsqueeze(-2) }
            var ga: Tensor?, gb: Tensor?
            if ctx.needsGrad[0] {
                ga = try gm.matmul(b.transpose(-1, -2))
                if ctx.inputs[0].ndim == 1 { ga = try ga!.squeeze(dim: -2) }
            }
            if ctx.needsGrad[1] {
                gb = try a.transpose(-1, -2).matmul(gm)
                if ctx.inputs[1].ndim == 1 { gb = try gb!.squeeze(dim: -1) }
            }
            return [ga, gb]
        }
    }
}
