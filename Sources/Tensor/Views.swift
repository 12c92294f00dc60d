// Shape operations. Those PyTorch implements as views share storage here too.

extension NDArray {
    /// Resolves one `-1` in a requested shape against `count` elements.
    public func inferShape(_ requested: [Int], op: String = "view") throws -> [Int] {
        var known = 1, inferIndex: Int?
        for (i, d) in requested.enumerated() {
            if d == -1 {
                if inferIndex != nil { throw TensorError("\(op): only one dimension can be inferred") }
                inferIndex = i
            } else if d < 0 {
                throw TensorError("\(op): invalid shape dimension \(d)")
            } else {
                let (product, overflow) = known.multipliedReportingOverflow(by: d)
                if overflow { throw TensorError("\(op): shape '\(shapeString(requested))' is invalid for input of size \(count)") }
                known = product
            }
        }
        var shape = requested
        if let i = inferIndex {
            if known == 0 || count % known != 0 {
                throw TensorError("\(op): shape '\(shapeString(requested))' is invalid for input of size \(count)")
            }
            shape[i] = count / known
        } else if known != count {
            throw TensorError("\(op): shape '\(shapeString(requested))' is invalid for input of size \(count)")
        }
        return shape
    }

    /// A view with a new shape, or nil when the strides cannot express it (ATen's computeStride).
    func viewStrides(for newShape: [Int]) -> [Int]? {
        if isContiguous { return contiguousStrides(newShape) }
        if count == 0 { return contiguousStrides(newShape) }
        if shape.isEmpty { return [Int](repeating: 1, count: newShape.count) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBaseStride = strides.last!
        var tensorNumel = 1, viewNumel = 1
        for tensorD in stride(from: shape.count - 1, through: 0, by: -1) {
            tensorNumel *= shape[tensorD]
            if tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride) {
                while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
                    newStrides[viewD] = viewNumel * chunkBaseStride
                    viewNumel *= newShape[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if tensorD > 0 {
                    chunkBaseStride = strides[tensorD - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }

    /// True when `newShape` (already resolved) can be a view of this array without copying.
    public func canView(as newShape: [Int]) -> Bool { viewStrides(for: newShape) != nil }

    /// `view`: a reshaped view; throws when the layout does not allow one (as PyTorch).
    public func view(_ newShape: [Int]) throws -> NDArray {
        let s = try inferShape(newShape, op: "view")
        guard let st = viewStrides(for: s) else {
            throw TensorError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        return NDArray(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset)
    }

    /// `reshape`: a view when possible, else a contiguous copy.
    public func reshape(_ newShape: [Int]) throws -> NDArray {
        let s = try inferShape(newShape, op: "reshape")
        if let st = viewStrides(for: s) {
            return NDArray(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset)
        }
        let c = try clone()
        return NDArray(storage: c.storage, dtype: dtype, shape: s, strides: contiguousStrides(s), offset: 0)
    }

    /// Swaps two dimensions (a view).
    public func transposed(_ d0: Int, _ d1: Int) throws -> NDArray {
        let a = try normalizedDim(d0, op: "transpose"), b = try normalizedDim(d1, op: "transpose")
        if ndim == 0 { return self }
        var sh = shape, st = strides
        sh.swapAt(a, b); st.swapAt(a, b)
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset)
    }

    /// Reorders dimensions (a view).
    public func permuted(_ dims: [Int]) throws -> NDArray {
        if dims.count != ndim {
            throw TensorError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(ndim) is not equal to len(dims) = \(dims.count)")
        }
        var seen = [Bool](repeating: false, count: ndim)
        var sh = [Int](), st = [Int]()
        for d in dims {
            let n = try normalizedDim(d, op: "permute")
            if seen[n] { throw TensorError("permute(): duplicate dims are not allowed.") }
            seen[n] = true
            sh.append(shape[n]); st.append(strides[n])
        }
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset)
    }

    /// `x.T`: reverses the dimensions.
    public var reversedDims: NDArray {
        NDArray(storage: storage, dtype: dtype, shape: shape.reversed(), strides: strides.reversed(), offset: offset)
    }

    /// Broadcasts to a larger shape without copying (stride 0 on new axes); -1 keeps a size.
    public func expand(_ target: [Int]) throws -> NDArray {
        if target.count < ndim {
            throw TensorError("expand: the number of sizes provided (\(target.count)) must be greater or equal to the number of dimensions in the tensor (\(ndim))")
        }
        let lead = target.count - ndim
        var sh = [Int](repeating: 0, count: target.count), st = [Int](repeating: 0, count: target.count)
        for i in 0..<target.count {
            if i < lead {
                if target[i] < 0 { throw TensorError("expand: the expanded size of the tensor (\(target[i])) isn't allowed in a leading, non-existing dimension \(i)") }
                sh[i] = target[i]; st[i] = 0
            } else {
                let cur = shape[i - lead]
                let want = target[i] == -1 ? cur : target[i]
                if want < 0 { throw TensorError("expand: invalid size \(target[i]) at dimension \(i)") }
                if cur == want { sh[i] = cur; st[i] = strides[i - lead] }
                else if cur == 1 { sh[i] = want; st[i] = 0 }
                else {
                    throw TensorError("expand: the expanded size of the tensor (\(want)) must match the existing size (\(cur)) at non-singleton dimension \(i).  Target sizes: \(shapeString(target)).  Tensor sizes: \(shapeString(shape))")
                }
            }
        }
        // A view allocates nothing, but later kernels count its elements in an Int.
        var elements = 1
        for d in sh {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            if overflow || product > (1 << 48) { throw TensorError("expand: shape \(shapeString(sh)) is too large") }
            elements = product
        }
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset)
    }

    /// Inserts a size-1 dimension at `dim` (in `-(ndim+1)...ndim`).
    public func unsqueezed(_ dim: Int) throws -> NDArray {
        let d = try normalizeDim(dim, ndim: ndim + 1, op: "unsqueeze")
        var sh = shape, st = strides
        let newStride = d < ndim ? shape[d] * strides[d] : 1
        sh.insert(1, at: d); st.insert(newStride, at: d)
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset)
    }

    /// Removes size-1 dimensions: all of them, or those among `dims`.
    public func squeezed(_ dims: [Int]? = nil) throws -> NDArray {
        var drop = Set<Int>()
        if let dims = dims {
            for d in dims { let n = try normalizedDim(d, op: "squeeze"); if ndim > 0 && shape[n] == 1 { drop.insert(n) } }
        } else {
            for (i, d) in shape.enumerated() where d == 1 { drop.insert(i) }
        }
        var sh = [Int](), st = [Int]()
        for i in 0..<ndim where !drop.contains(i) { sh.append(shape[i]); st.append(strides[i]) }
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset)
    }

    /// Flattens dimensions `startDim...endDim` into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> NDArray {
        if ndim == 0 { return try reshape([1]) }
        let s = try normalizedDim(startDim, op: "flatten"), e = try normalizedDim(endDim, op: "flatten")
        if s > e { throw TensorError("flatten() has invalid args: start_dim cannot come after end_dim") }
        var sh = Array(shape[..<s])
        sh.append(shape[s...e].reduce(1, *))
        sh.append(contentsOf: shape[(e + 1)...])
        return try reshape(sh)
    }

    /// `x[index]` along `dim` (removes the dimension; a view).
    public func select(dim: Int, index: Int) throws -> NDArray {
        let d = try normalizedDim(dim, op: "select")
        if ndim == 0 { throw TensorError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number") }
        let size = shape[d]
        if index < -size || index >= size {
            throw TensorError("index \(index) is out of bounds for dimension \(d) with size \(size)")
        }
        let i = index < 0 ? index + size : index
        var sh = shape, st = strides
        sh.remove(at: d); st.remove(at: d)
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset + i * strides[d])
    }

    /// `x[start:end:step]` along `dim` with Python's clamping of bounds (a view). Step must be positive.
    public func slice(dim: Int, start: Int?, end: Int?, step: Int = 1) throws -> NDArray {
        let d = try normalizedDim(dim, op: "slice")
        if step <= 0 { throw TensorError("slice step must be positive") }
        let size = shape[d]
        func clampBound(_ v: Int?, _ dflt: Int) -> Int {
            guard var v = v else { return dflt }
            if v < 0 { v += size }
            return min(max(v, 0), size)
        }
        let s = clampBound(start, 0), e = max(clampBound(end, size), s)
        let n = (e - s + step - 1) / step
        var sh = shape, st = strides
        sh[d] = n; st[d] = strides[d] * step
        return NDArray(storage: storage, dtype: dtype, shape: sh, strides: st, offset: offset + (n > 0 ? s * strides[d] : 0))
    }
}
