import Tensor

// In-place operations (`add_`, `mul_`, `zero_`, `copy_`, …). The new values are computed
// out of place and written into this tensor's storage, so views see them and the storage
// version counts the write (a tensor saved for backward then reports the change). When the
// graph is recorded, the old values are kept as a snapshot input of the new node, as
// PyTorch rebases an in-place op's history. Nodes recorded earlier keep the node that had
// produced their inputs then (Node.inputFn), so they still differentiate through the old history.
//
// Through a view (`x[0].mul_(2)`), the view's base is rebased as PyTorch's CopySlices does:
// the base's new node takes the old base (gradient zero where the view was overwritten)
// and the view's new values, and the view's history becomes "these positions of the base".
// (Other views of the same base made before the write keep their recorded history; PyTorch
// regenerates theirs from the rebased base. The two differ only for views that overlap the
// written positions and are used after the write.)
extension Tensor {
    /// Applies `compute(old)` in place. `others` are the other operands (to know whether
    /// the result is recorded).
    func updateInPlace(_ others: [Tensor], _ compute: (Tensor) throws -> Tensor) throws {
        try checkInPlaceAllowed()
        if let base = viewBase, GradMode.isEnabled,
           base.requiresGrad || requiresGrad || others.contains(where: { $0.requiresGrad }) {
            try updateViewInPlace(base: base, compute)
            return
        }
        let recording = GradMode.isEnabled && (requiresGrad || others.contains { $0.requiresGrad })
        let old = recording ? Tensor(data: try data.clone(), gradFn: gradFn) : Tensor(data: data, gradFn: nil)
        let result = try compute(old)
        try checkInPlaceResult(result)
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
        if GradMode.isEnabled && (requiresGrad || viewBase?.requiresGrad == true) {
            // Recorded like `mul_(0).add_(value)`: the old values get a zero gradient.
            try updateInPlace([]) { old in try old * 0.0 + value }
            return
        }
        try checkInPlaceAllowed()
        try data.fillInPlace(value)
    }

    /// This view's elements as positions in its base's contiguous (row-major) layout.
    func positionsInBase(_ base: Tensor) -> [Int] {
        let mine = data.elementOffsets()
        if base.data.isContiguous {
            let start = base.data.offset
            return mine.map { $0 - start }
        }
        var position: [Int: Int] = [:]
        for (i, o) in base.data.elementOffsets().enumerated() where position[o] == nil { position[o] = i }
        return mine.map { position[$0] ?? 0 }
    }

    /// `updateInPlace` through a view: rebases the base (CopySlices) and this view.
    /// The errors PyTorch gives when an in-place result cannot be written into `self`.
    private func checkInPlaceResult(_ result: Tensor) throws {
        if result.dtype.category > dtype.category {
            throw TensorError("result type \(result.dtype.torchTypeName) can't be cast to the desired output type \(dtype.torchTypeName)")
        }
        if try broadcastShapes(result.shape, shape) != shape {
            throw TensorError("output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(try broadcastShapes(result.shape, shape)))")
        }
    }

    private func updateViewInPlace(base: Tensor, _ compute: (Tensor) throws -> Tensor) throws {
        if base.isLeaf && base.requiresGrad {
            throw TensorError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        }
        let positions = positionsInBase(base)
        let oldBase = Tensor(data: try base.data.clone(), gradFn: base.gradFn)
        let old = try Tensor.apply(.gatherAt(positions, shape: shape, name: "AsStridedBackward0"), [oldBase])
        let result = try compute(old)
        try checkInPlaceResult(result)
        try data.assign(from: result.data)
        if !result.requiresGrad && !oldBase.requiresGrad {
            base.gradFn = nil
            gradFn = nil
            return
        }
        let written = try result.to(dtype).expand(shape)
        base.gradFn = Node(primitive: .copySlices(positions, indexedShape: shape),
                           inputs: [oldBase, written], output: base.data)
        gradFn = Node(primitive: .gatherAt(positions, shape: shape, name: "AsStridedBackward0"),
                      inputs: [Tensor(data: base.data, gradFn: base.gradFn)], output: data)
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
