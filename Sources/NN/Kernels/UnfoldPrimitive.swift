import Autograd
import Tensor

// Two differentiable primitives registered by NN (the engine lets libraries add primitives):
// `unfold` (im2col) and its adjoint `fold` (col2im); each one's pullback is the other.

/// im2col of `x [N, C, *S]` → `[N, C·K, L]`; padded cells read `padValue`
/// (0 for convolution and average pooling, −∞ for max pooling, whose gradient never reaches them).
func unfold(_ x: Tensor, _ g: UnfoldGeometry, padValue: Double) throws -> Tensor {
    try Tensor.apply(unfoldPrimitive(g, padValue: padValue), [x])
}

/// col2im of `columns [N, C·K, L]` → `[N, C, *g.input]`, summing overlapping contributions.
func fold(_ columns: Tensor, _ g: UnfoldGeometry, channels: Int) throws -> Tensor {
    try Tensor.apply(foldPrimitive(g, channels: channels), [columns])
}

private func unfoldPrimitive(_ g: UnfoldGeometry, padValue: Double) -> Primitive {
    Primitive("Im2ColBackward0") { inputs in
        let x = try inputs[0].contiguous()
        let n = x.shape[0], c = x.shape[1]
        let out = try NDArray.empty([n, c * g.kernelCount, g.outputCount], dtype: x.dtype)
        switch x.dtype {
        case .float32: im2col(UnsafePointer(x.pointer(Float.self)), planes: n * c, g, padValue: Float(padValue), into: out.pointer(Float.self))
        case .float64: im2col(UnsafePointer(x.pointer(Double.self)), planes: n * c, g, padValue: padValue, into: out.pointer(Double.self))
        default: throw NNError("unfold: expected a floating-point tensor, got \(x.dtype.rawValue)")
        }
        return out
    } pullback: { grad, ctx in
        [try fold(grad, g, channels: ctx.inputs[0].shape[1])]
    }
}

private func foldPrimitive(_ g: UnfoldGeometry, channels: Int) -> Primitive {
    Primitive("Col2ImBackward0") { inputs in
        let cols = try inputs[0].contiguous()
        let n = cols.shape[0]
        guard cols.ndim == 3, cols.shape[1] == channels * g.kernelCount, cols.shape[2] == g.outputCount else {
            throw NNError("fold: columns of shape \(shapeString(cols.shape)) do not match the geometry")
        }
        let out = try NDArray.empty([n, channels] + g.input, dtype: cols.dtype)
        switch cols.dtype {
        case .float32: col2im(UnsafePointer(cols.pointer(Float.self)), planes: n * channels, g, into: out.pointer(Float.self))
        case .float64: col2im(UnsafePointer(cols.pointer(Double.self)), planes: n * channels, g, into: out.pointer(Double.self))
        default: throw NNError("fold: expected a floating-point tensor, got \(cols.dtype.rawValue)")
        }
        return out
    } pullback: { grad, _ in
        [try unfold(grad, g, padValue: 0)]
    }
}
