import Tensor

// In-place operations (`add_`, `mul_`, `zero_`, `copy_`, …). The new values are computed
// out of place and written into this tensor's storage, so views see them and the storage
// version counts the write (a tensor saved for backward then reports the change). When the
// graph is recorded, the old values are kept as a snapshot input of the new node, as
// PyTorch rebases an in-place op's history.
extension Tensor {
    /// Applies `compute(old)` in place. `others` are the other operands (to know whether
    /// the result is recorded).
    func updateInPlace(_ others: [Tensor], _ compute: (Tensor) throws -> Tensor) throws {
        try checkInPlaceAllowed()
        let recording = GradMode.isEnabled && (requiresGrad || others.contains { $0.requiresGrad })
        let old = recording ? Tensor(data: try data.clone(), gradFn: gradFn) : Tensor(data: data, gradFn: nil)
        let result = try compute(old)
        if result.dtype.category > dtype.category {
            throw TensorError("result type \(result.dtype.torchTypeName) can't be cast to the desired output type \(dtype.torchTypeName)")
        }
        if try broadcastShapes(result.shape, shape) != shape {
            throw TensorError("output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(try broadcastShapes(result.shape, shape)))")
        }
        try data.assign(from: result.data)
        if recording { gradFn = result.requiresGrad ? result.gradFn : nil }
    }

    public func add_(_ other: Tensor, alpha: Double = 1) throws {
        try updateInPlace([other]) { old in alpha == 1 ? try old + other : try old + other * alpha }
    }
    public func add_(_ value: Double) throws { try updateInPlace([]) { try $0 + value } }
    public func sub_(_ other: Tensor, alpha: Double = 1) throws {
        try updateInPlace([other]) { old in alpha == 1 ? try old - other : try old - other * alpha }
    }
    public func sub_(_ value: Double) throws { try updateInPlace([]) { try $0 - value } }
    public func mul_(_ other: Tensor) throws { try updateInPlace([other]) { try $0 * other } }
    public func mul_(_ value: Double) throws { try updateInPlace([]) { try $0 * value } }
    public func div_(_ other: Tensor) throws { try updateInPlace([other]) { try $0 / other } }
    public func div_(_ value: Double) throws { try updateInPlace([]) { try $0 / value } }
    public func clamp_(min: Double? = nil, max: Double? = nil) throws {
        try updateInPlace([]) { try $0.clamp(min: min, max: max) }
    }
    /// `copy_(src)`: src broadcast into this tensor (gradient flows to src).
    public func copy_(_ source: Tensor) throws {
        try updateInPlace([source]) { _ in try source.to(dtype).expand(shape) }
    }
    public func zero_() throws { try fill_(0) }
    public func fill_(_ value: Double) throws {
        try checkInPlaceAllowed()
        try data.fillInPlace(value)
        if GradMode.isEnabled && gradFn != nil { gradFn = nil }
    }
}

extension DType {
    /// PyTorch's scalar type name in messages (Float, Double, Long, Bool).
    public var torchTypeName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        case .bool: return "Bool"
        }
    }

    var category: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32, .float64: return 2
        }
    }
}
