import Tensor

// PyTorch-named methods. Each is one primitive application (or a composition of them).
extension Tensor {
    public func exp() throws -> Tensor { try Tensor.apply(.exp, [floatInput()]) }
    public func log() throws -> Tensor { try Tensor.apply(.log, [floatInput()]) }
    public func sqrt() throws -> Tensor { try Tensor.apply(.sqrt, [floatInput()]) }
    public func sin() throws -> Tensor { try Tensor.apply(.sin, [floatInput()]) }
    public func cos() throws -> Tensor { try Tensor.apply(.cos, [floatInput()]) }
    public func tanh() throws -> Tensor { try Tensor.apply(.tanh, [floatInput()]) }
    public func sigmoid() throws -> Tensor { try Tensor.apply(.sigmoid, [floatInput()]) }
    public func relu() throws -> Tensor { try Tensor.apply(.relu, [self]) }
    public func abs() throws -> Tensor { try Tensor.apply(.abs, [self]) }
    public func neg() throws -> Tensor { try Tensor.apply(.neg, [self]) }
    public func gelu() throws -> Tensor { try Tensor.apply(.gelu, [floatInput()]) }
    public func leakyRelu(negativeSlope: Double = 0.01) throws -> Tensor {
        try Tensor.apply(.leakyRelu(negativeSlope), [floatInput()])
    }
    public func softplus(beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        try Tensor.apply(.softplus(beta: beta, threshold: threshold), [floatInput()])
    }
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        if min == nil && max == nil { throw TensorError("torch.clamp: At least one of 'min' or 'max' must not be None") }
        return try Tensor.apply(.clamp(min: min, max: max), [self])
    }

    /// Integer and bool inputs of math functions compute in float32, as in PyTorch.
    @inline(__always) private func floatInput() throws -> Tensor {
        dtype.isFloatingPoint ? self : Tensor.constant(try data.to(.float32))
    }

    // Reductions
    public func sum() throws -> Tensor { try Tensor.apply(.sum(dims: nil, keepdim: false), [self]) }
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.sum(dims: dims, keepdim: keepdim), [self])
    }
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepdim: keepdim) }

    public func mean() throws -> Tensor { try Tensor.apply(.mean(dims: nil, keepdim: false), [self]) }
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.mean(dims: dims, keepdim: keepdim), [self])
    }
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// `max()` over all elements (MaxBackward1).
    public func max() throws -> Tensor {
        try Tensor.apply(.extremum(dims: nil, keepdim: false, isMax: true, name: "MaxBackward1"), [self])
    }
    public func min() throws -> Tensor {
        try Tensor.apply(.extremum(dims: nil, keepdim: false, isMax: false, name: "MinBackward1"), [self])
    }
    public func amax(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.extremum(dims: dims, keepdim: keepdim, isMax: true, name: "AmaxBackward0"), [self])
    }
    public func amin(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.extremum(dims: dims, keepdim: keepdim, isMax: false, name: "AminBackward0"), [self])
    }
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        Tensor.constant(try data.argmax(dim: dim, keepdim: keepdim))
    }
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        Tensor.constant(try data.argmin(dim: dim, keepdim: keepdim))
    }
    public func variance(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.variance(dims: dims, correction: correction, keepdim: keepdim, std: false), [self])
    }
    public func std(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.variance(dims: dims, correction: correction, keepdim: keepdim, std: true), [self])
    }
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try Tensor.apply(.logsumexp(dims: dims, keepdim: keepdim), [floatInput()])
    }
    public func softmax(dim: Int) throws -> Tensor { try Tensor.apply(.softmax(dim: dim), [floatInput()]) }
    public func logSoftmax(dim: Int) throws -> Tensor { try Tensor.apply(.logSoftmax(dim: dim), [floatInput()]) }

    // Shape
    public func reshape(_ shape: [Int]) throws -> Tensor {
        let target = try data.inferShape(shape, op: "reshape")
        return try Tensor.apply(.reshape(target, copies: !data.canView(as: target)), [self])
    }
    public func view(_ shape: [Int]) throws -> Tensor {
        let target = try data.inferShape(shape, op: "view")
        _ = try data.view(target)
        return try Tensor.apply(.reshape(target, copies: false), [self])
    }
    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor { try Tensor.apply(.transpose(d0, d1), [self]) }
    public func permute(_ dims: [Int]) throws -> Tensor { try Tensor.apply(.permute(dims), [self]) }
    /// `x.T`: all dimensions reversed.
    public var T: Tensor {
        get throws { try permute(Array((0..<ndim).reversed())) }
    }
    public func expand(_ shape: [Int]) throws -> Tensor { try Tensor.apply(.expand(shape), [self]) }
    public func squeeze(_ dims: [Int]? = nil) throws -> Tensor { try Tensor.apply(.squeeze(dims), [self]) }
    public func squeeze(dim: Int) throws -> Tensor { try squeeze([dim]) }
    public func unsqueeze(_ dim: Int) throws -> Tensor { try Tensor.apply(.unsqueeze(dim), [self]) }
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        let target = try data.flatten(startDim: startDim, endDim: endDim).shape
        return try reshape(target)
    }
    public func contiguous() throws -> Tensor { data.isContiguous ? self : try Tensor.apply(.convertContiguous, [self]) }

    // Types
    public func to(_ dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        return try Tensor.apply(.convert(to: dtype), [self])
    }
    public func float() throws -> Tensor { try to(.float32) }
    public func double() throws -> Tensor { try to(.float64) }
    public func long() throws -> Tensor { try to(.int64) }
}


extension Primitive {
    static let convertContiguous = Primitive("CloneBackward0") { x in try x[0].clone() } pullback: { g, _ in [g] }
}
