import Tensor

extension Tensor: CustomStringConvertible {
    /// PyTorch's repr with default print options, e.g. `tensor([2., 4.], grad_fn=<MulBackward0>)`.
    public var description: String { formatted() }

    /// PyTorch's repr: the data, then `grad_fn=<…>` for results or `requires_grad=True` for leaves.
    public func formatted(options: PrintOptions = PrintOptions()) -> String {
        var suffixes: [String] = []
        if let fn = gradFn { suffixes.append("grad_fn=<\(fn.name)>") }
        else if requiresGrad { suffixes.append("requires_grad=True") }
        return data.formatted(options: options, suffixes: suffixes)
    }
}
