/// One item of a subscript, as in Python: `x[1, 2:5:2, None, ..., idx, mask]`.
public enum IndexItem {
    case int(Int)
    case slice(start: Int?, end: Int?, step: Int?)
    case newAxis
    case ellipsis
    /// An int64 tensor (gather, with broadcasting among index tensors) or a bool mask.
    case tensor(NDArray)

    /// `:` (everything along one dimension).
    public static let all = IndexItem.slice(start: nil, end: nil, step: nil)
}

/// What a subscript does to an array: a view from the basic items, then (optionally)
/// advanced indexing given as absolute storage offsets.
public struct IndexResult {
    public let shape: [Int]
    /// The view when the subscript has no tensor items.
    public let view: NDArray?
    /// Absolute storage offsets of the selected elements, row-major over `shape`.
    public let offsets: [Int]?
    /// PyTorch's grad_fn name for this subscript (SelectBackward0, SliceBackward0, IndexBackward0, …).
    public let gradName: String
}

extension NDArray {
    /// `x[items]`: a view for ints, slices, None and `...`; a copy when tensors index it.
    public func index(_ items: [IndexItem]) throws -> NDArray {
        let r = try resolveIndex(items)
        if let v = r.view { return v }
        return try gather(storageOffsets: r.offsets!, shape: r.shape)
    }

    /// `x[items] = value` (value broadcast to the indexed shape), in place.
    public func indexAssign(_ items: [IndexItem], _ value: NDArray) throws {
        let r = try resolveIndex(items)
        if let v = r.view { try v.assign(from: value); return }
        let expanded = try value.to(dtype).expand(r.shape)
        try expanded.write(into: self, storageOffsets: r.offsets!)
    }

    /// Resolves a subscript against this array's layout.
    public func resolveIndex(_ items: [IndexItem]) throws -> IndexResult {
        var consumed = 0, ellipses = 0
        for item in items {
            switch item {
            case .int, .slice: consumed += 1
            case .newAxis: break
            case .ellipsis: ellipses += 1
            case .tensor(let t): consumed += t.dtype == .bool ? max(t.ndim, 0) : 1
            }
        }
        if ellipses > 1 { throw TensorError("an index can only have a single ellipsis ('...')") }
        if consumed > ndim { throw TensorError("too many indices for tensor of dimension \(ndim)") }
        // Dimensions not named by the subscript get implicit full slices (which, unlike a
        // written `:`, do not count as a slicing op for the grad_fn name).
        var expanded: [(item: IndexItem, written: Bool)] = []
        for item in items {
            if case .ellipsis = item {
                expanded.append(contentsOf: [(IndexItem, Bool)](repeating: (.all, false), count: ndim - consumed))
            } else {
                expanded.append((item, true))
            }
        }
        if ellipses == 0 { expanded.append(contentsOf: [(IndexItem, Bool)](repeating: (.all, false), count: ndim - consumed)) }

        var v = self, dim = 0
        var advanced: [(dim: Int, index: NDArray)] = []
        var name = "AliasBackward0"
        for (item, written) in expanded {
            switch item {
            case .int(let i):
                v = try v.select(dim: dim, index: i)
                name = "SelectBackward0"
            case .slice(let start, let end, let step):
                let st = step ?? 1
                if st <= 0 { throw TensorError("step must be greater than zero") }
                v = try v.slice(dim: dim, start: start, end: end, step: st)
                if written { name = "SliceBackward0" }
                dim += 1
            case .newAxis:
                v = try v.unsqueezed(dim)
                name = "UnsqueezeBackward0"
                dim += 1
            case .ellipsis:
                break
            case .tensor(let t):
                switch t.dtype {
                case .int64:
                    advanced.append((dim, t)); dim += 1
                case .bool:
                    let k = t.ndim
                    for j in 0..<k where t.shape[j] != v.shape[dim + j] {
                        throw TensorError("The shape of the mask \(shapeString(t.shape)) at index \(j) does not match the shape of the indexed tensor \(shapeString(v.shape)) at index \(dim + j)")
                    }
                    for (j, idx) in try t.nonzeroColumns().enumerated() { advanced.append((dim + j, idx)) }
                    dim += k
                default:
                    throw TensorError("tensors used as indices must be long, int, byte or bool tensors")
                }
            }
        }
        if advanced.isEmpty { return IndexResult(shape: v.shape, view: v, offsets: nil, gradName: name) }
        return try advancedOffsets(v, advanced)
    }

    /// For a k-d bool mask: k int64 arrays with the coordinates of its true elements.
    func nonzeroColumns() throws -> [NDArray] {
        let flags = try toArray(Bool.self)
        var columns = [[Int64]](repeating: [], count: ndim)
        var index = [Int](repeating: 0, count: ndim)
        for f in flags {
            if f { for d in 0..<ndim { columns[d].append(Int64(index[d])) } }
            var d = ndim - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return try columns.map { try NDArray($0, shape: [$0.count]) }
    }

    private func advancedOffsets(_ v: NDArray, _ advanced: [(dim: Int, index: NDArray)]) throws -> IndexResult {
        var bshape: [Int] = []
        for a in advanced { bshape = try broadcastShapes(bshape, a.index.shape, op: "index") }
        let bcount = bshape.reduce(1, *)
        // Offset contributed by each broadcast index position.
        var advOffset = [Int](repeating: 0, count: bcount)
        for a in advanced {
            let size = v.shape[a.dim], stride = v.strides[a.dim]
            let idx = try a.index.expand(bshape).toArray(Int64.self)
            for (i, raw) in idx.enumerated() {
                var k = Int(raw)
                if k < -size || k >= size {
                    throw TensorError("index \(k) is out of bounds for dimension \(a.dim) with size \(size)")
                }
                if k < 0 { k += size }
                advOffset[i] += k * stride
            }
        }
        let dims = advanced.map { $0.dim }
        let advSet = Set(dims)
        let consecutive = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 + 1 }
        func subOffsets(_ ds: [Int]) -> [Int] {
            NDArray(storage: v.storage, dtype: v.dtype, shape: ds.map { v.shape[$0] },
                    strides: ds.map { v.strides[$0] }, offset: 0).elementOffsets()
        }
        var shape: [Int] = [], offsets: [Int] = []
        if consecutive {
            let first = dims.min()!, last = dims.max()!
            let pre = Array(0..<first), post = Array((last + 1)..<v.ndim)
            shape = pre.map { v.shape[$0] } + bshape + post.map { v.shape[$0] }
            let preOff = subOffsets(pre), postOff = subOffsets(post)
            offsets.reserveCapacity(preOff.count * bcount * postOff.count)
            for p in preOff { for b in advOffset { for q in postOff { offsets.append(v.offset + p + b + q) } } }
        } else {
            let rest = (0..<v.ndim).filter { !advSet.contains($0) }
            shape = bshape + rest.map { v.shape[$0] }
            let restOff = subOffsets(rest)
            for b in advOffset { for r in restOff { offsets.append(v.offset + b + r) } }
        }
        return IndexResult(shape: shape, view: nil, offsets: offsets, gradName: "IndexBackward0")
    }

    /// A placeholder array with contiguous strides over `shape` (no elements are read), for
    /// computing where a subscript's elements sit in a contiguous array of that shape.
    public static func layout(_ shape: [Int], dtype: DType) throws -> NDArray {
        NDArray(storage: try Storage(byteCount: 0), dtype: dtype, shape: shape,
                strides: contiguousStrides(shape), offset: 0)
    }
}

extension NDArray {
    /// The same elements, contiguous and starting at storage offset 0 (so contiguous-layout
    /// offsets address it directly).
    public func contiguousAtZero() throws -> NDArray {
        isContiguous && offset == 0 ? self : try clone()
    }

    /// Storage offsets for `torch.gather(self, dim, index)` in a contiguous layout of this
    /// shape: element p of the result is `self[p with p[dim] replaced by index[p]]`.
    public func gatherLayoutOffsets(dim: Int, index: NDArray) throws -> [Int] {
        let d = try normalizedDim(dim, op: "gather")
        if index.dtype != .int64 { throw TensorError("gather(): Expected dtype int64 for index") }
        if index.ndim != max(ndim, 1) && !(ndim == 0 && index.ndim <= 1) {
            throw TensorError("Index tensor must have the same number of dimensions as input tensor")
        }
        for k in 0..<index.ndim where k != d && index.shape[k] > (ndim == 0 ? 1 : shape[k]) {
            throw TensorError("Size does not match at dimension \(k) expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(d)")
        }
        let values = try index.toArray(Int64.self)
        let strides = contiguousStrides(shape)
        let size = ndim == 0 ? 1 : shape[d]
        var offsets = [Int](repeating: 0, count: values.count)
        var pos = [Int](repeating: 0, count: index.ndim)
        for (i, raw) in values.enumerated() {
            let k = Int(raw)
            if k < -size || k >= size { throw TensorError("index \(k) is out of bounds for dimension \(d) with size \(size)") }
            var o = 0
            for a in 0..<ndim { o += (a == d ? (k < 0 ? k + size : k) : pos[a]) * strides[a] }
            offsets[i] = o
            var a = index.ndim - 1
            while a >= 0 { pos[a] += 1; if pos[a] < index.shape[a] { break }; pos[a] = 0; a -= 1 }
        }
        return offsets
    }
}
