import Tensor

extension Tensor {
    /// `x[items]`: ints, slices with steps, None, `...`, int64 index tensors and bool masks.
    /// Basic subscripts return views; gradients scatter back into the input's shape.
    public func index(_ items: [IndexItem]) throws -> Tensor {
        let r = try data.resolveIndex(items)
        return try Tensor.apply(.index(items, name: r.gradName), [self])
    }

    /// `x[items] = value` in place. Recorded like PyTorch's CopySlices when gradients flow:
    /// the old contents get a zero gradient where overwritten, `value` gets the gradient there.
    public func setIndex(_ items: [IndexItem], _ value: Tensor) throws {
        try checkInPlaceAllowed()
        if let base = viewBase, GradMode.isEnabled, base.requiresGrad || requiresGrad || value.requiresGrad {
            try setIndexThroughView(base: base, items, value)
            return
        }
        let recording = GradMode.isEnabled && (requiresGrad || value.requiresGrad)
        let before = recording ? Tensor(data: try data.clone(), gradFn: gradFn) : self
        try data.indexAssign(items, value.data)
        if recording {
            let layout = try NDArray.layout(shape, dtype: dtype).resolveIndex(items)
            let offsets = layout.offsets ?? layout.view!.elementOffsets()
            let indexedShape = layout.shape
            let node = Node(primitive: .copySlices(offsets, indexedShape: indexedShape),
                            inputs: [before, try value.to(dtype)], output: data)
            gradFn = node
        }
    }

    /// `view[items] = value` where this tensor is a view of `base`: the base is rebased
    /// (CopySlices over the written positions of the base), then this view.
    private func setIndexThroughView(base: Tensor, _ items: [IndexItem], _ value: Tensor) throws {
        if base.isLeaf && base.requiresGrad {
            throw TensorError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        }
        let positions = positionsInBase(base)
        let selection = try NDArray.layout(shape, dtype: dtype).resolveIndex(items)
        let written = (selection.offsets ?? selection.view!.elementOffsets()).map { positions[$0] }
        let oldBase = Tensor(data: try base.data.clone(), gradFn: base.gradFn)
        try data.indexAssign(items, value.data)
        if !value.requiresGrad && !oldBase.requiresGrad {
            base.gradFn = nil
            gradFn = nil
            return
        }
        base.gradFn = Node(primitive: .copySlices(written, indexedShape: selection.shape),
                           inputs: [oldBase, try value.to(dtype)], output: base.data)
        gradFn = Node(primitive: .gatherAt(positions, shape: shape, name: "AsStridedBackward0"),
                      inputs: [Tensor(data: base.data, gradFn: base.gradFn)], output: data)
    }

    /// `torch.gather(self, dim, index)`.
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let offsets = try data.gatherLayoutOffsets(dim: dim, index: index.data)
        return try Tensor.apply(.gatherAt(offsets, shape: index.shape, name: "GatherBackward0"), [self])
    }

    /// `torch.cat(tensors, dim)`.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        try apply(.cat(dim: dim, name: "CatBackward0"), tensors)
    }

    /// `torch.stack(tensors, dim)`.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack expects a non-empty TensorList") }
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw TensorError("stack expects each tensor to be equal size, but got \(shapeString(first.shape)) at entry 0 and \(shapeString(t.shape)) at entry \(i)")
        }
        let d = try normalizeDim(dim, ndim: first.ndim + 1, op: "stack")
        return try apply(.cat(dim: d, name: "StackBackward0"), tensors.map { try $0.unsqueeze(d) })
    }

    /// `max(dim)`: values (recorded) and int64 indices.
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let values = try Tensor.apply(.extremeAlong(dim: dim, keepdim: keepdim, isMax: true), [self])
        return (values, Tensor.constant(try data.maxAlong(dim: dim, keepdim: keepdim).indices))
    }

    /// `min(dim)`: values (recorded) and int64 indices.
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let values = try Tensor.apply(.extremeAlong(dim: dim, keepdim: keepdim, isMax: false), [self])
        return (values, Tensor.constant(try data.minAlong(dim: dim, keepdim: keepdim).indices))
    }

    func checkInPlaceAllowed() throws {
        if GradMode.isEnabled && isLeaf && requiresGrad {
            throw TensorError("a leaf Variable that requires grad is being used in an in-place operation.")
        }
    }
}

extension Primitive {
    /// The node an in-place subscript assignment leaves behind (CopySlices). Its forward is
    /// never called: the write already happened.
    static func copySlices(_ offsets: [Int], indexedShape: [Int]) -> Primitive {
        Primitive("CopySlices") { x in x[0] } pullback: { g, ctx in
            var grads: [Tensor?] = [nil, nil]
            if ctx.needsGrad[0] {
                // Ones everywhere except the overwritten positions.
                let mask = try NDArray.ones(g.shape, dtype: g.dtype)
                try NDArray.zeros(indexedShape, dtype: g.dtype).write(into: mask, storageOffsets: offsets)
                grads[0] = try g * Tensor.constant(mask)
            }
            if ctx.needsGrad[1] {
                grads[1] = try Tensor.apply(.gatherAt(offsets, shape: indexedShape, name: "IndexBackward0"), [g])
            }
            return grads
        }
    }
}
