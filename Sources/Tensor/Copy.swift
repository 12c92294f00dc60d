// Element copies between strided views.

extension NDArray {
    /// Copies `source` (broadcast to this array's shape, converted to its dtype) into this
    /// array's elements in place, and counts the write in the storage version.
    public func assign(from source: NDArray) throws {
        let src0 = try source.to(dtype)
        if try broadcastShapes(src0.shape, shape, op: "copy_") != shape {
            throw TensorError("output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(try broadcastShapes(src0.shape, shape)))")
        }
        // Copy through a temporary when the source overlaps this storage (x[1:] = x[:-1]).
        let src = src0.storage === storage ? try src0.clone() : src0
        let sstr = src.broadcastStrides(to: shape)
        switch dtype {
        case .float32: copyKernel(src, sstr, Float.self)
        case .float64: copyKernel(src, sstr, Double.self)
        case .int64: copyKernel(src, sstr, Int64.self)
        case .bool: copyKernel(src, sstr, Bool.self)
        }
        storage.bumpVersion()
    }

    @inline(__always)
    private func copyKernel<T>(_ src: NDArray, _ srcStrides: [Int], _: T.Type) {
        let pd = storage.pointer.assumingMemoryBound(to: T.self)
        let ps = src.storage.pointer.assumingMemoryBound(to: T.self)
        stridedRows2(shape, strides, offset, srcStrides, src.offset) { od, os, n, sd, ss in
            if sd == 1 && ss == 1 {
                (pd + od).update(from: ps + os, count: n)
            } else {
                for j in 0..<n { pd[od + j * sd] = ps[os + j * ss] }
            }
        }
    }

    /// Fills this view with `value` in place.
    public func fillInPlace(_ value: Double) throws {
        try assign(from: NDArray.scalar(value, dtype: dtype))
    }

    /// Storage offsets of every element of this view, in row-major order.
    public func elementOffsets() -> [Int] {
        var out = [Int]()
        out.reserveCapacity(count)
        stridedRows1(shape, strides, offset) { o, n, st in
            for j in 0..<n { out.append(o + j * st) }
        }
        return out
    }

    /// A contiguous array of `shape` whose element i is `storage[offsets[i]]` (absolute
    /// storage offsets, as `elementOffsets()` or `indexOffsets` give them).
    public func gather(storageOffsets offsets: [Int], shape: [Int]) throws -> NDArray {
        let out = try NDArray.empty(shape, dtype: dtype)
        func run<T>(_: T.Type) {
            let ps = storage.pointer.assumingMemoryBound(to: T.self), po = out.pointer(T.self)
            for (i, o) in offsets.enumerated() { po[i] = ps[o] }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        }
        return out
    }

    /// Zeros of `shape` (contiguous) with this array's i-th element (row-major) added at
    /// `offsets[i]`: the adjoint of `gather` on a contiguous array. Repeated offsets accumulate.
    public func scatterAdd(storageOffsets offsets: [Int], into shape: [Int]) throws -> NDArray {
        let src = try contiguous()
        let out = try NDArray.zeros(shape, dtype: dtype)
        func run<T: AdditiveArithmetic>(_: T.Type) {
            let ps = src.pointer(T.self), po = out.pointer(T.self)
            for (i, o) in offsets.enumerated() { po[o] += ps[i] }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64:
            let ps = src.pointer(Int64.self), po = out.pointer(Int64.self)
            for (i, o) in offsets.enumerated() { po[o] = po[o] &+ ps[i] }
        case .bool:
            let ps = src.pointer(Bool.self), po = out.pointer(Bool.self)
            for (i, o) in offsets.enumerated() { po[o] = po[o] || ps[i] }
        }
        return out
    }

    /// Writes this array's elements (row-major) to `target`'s storage at `offsets`, in order
    /// (a repeated offset keeps the last value), and counts the write in the version.
    public func write(into target: NDArray, storageOffsets offsets: [Int]) throws {
        let src = try to(target.dtype).contiguous()
        func run<T>(_: T.Type) {
            let ps = src.pointer(T.self), pt = target.storage.pointer.assumingMemoryBound(to: T.self)
            for (i, o) in offsets.enumerated() { pt[o] = ps[i] }
        }
        switch target.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        }
        target.storage.bumpVersion()
    }

    /// Concatenates arrays along `dim` (all shapes equal except along `dim`; dtypes promote).
    public static func concatenate(_ arrays: [NDArray], dim: Int) throws -> NDArray {
        guard let first = arrays.first else { throw TensorError("cat(): expected a non-empty list of Tensors") }
        // PyTorch skips 1-d empty tensors in cat (legacy behaviour).
        let parts = arrays.filter { !($0.ndim == 1 && $0.count == 0) }
        guard let ref = parts.first else { return first }
        let d = try ref.normalizedDim(dim, op: "cat")
        if ref.ndim == 0 { throw TensorError("zero-dimensional tensor (at position 0) cannot be concatenated") }
        var dtype = ref.dtype
        var total = 0
        for (i, a) in parts.enumerated() {
            if a.ndim != ref.ndim {
                throw TensorError("Tensors must have same number of dimensions: got \(ref.ndim) and \(a.ndim)")
            }
            for k in 0..<a.ndim where k != d && a.shape[k] != ref.shape[k] {
                throw TensorError("Sizes of tensors must match except in dimension \(d). Expected size \(ref.shape[k]) but got size \(a.shape[k]) for tensor number \(i) in the list.")
            }
            total += a.shape[d]
            dtype = DType.promote(dtype, a.dtype)
        }
        var shape = ref.shape
        shape[d] = total
        let out = try NDArray.empty(shape, dtype: dtype)
        var start = 0
        for a in parts {
            let n = a.shape[d]
            try out.slice(dim: d, start: start, end: start + n).assign(from: a)
            start += n
        }
        return out
    }

    /// Stacks equal-shaped arrays along a new dimension `dim`.
    public static func stack(_ arrays: [NDArray], dim: Int) throws -> NDArray {
        guard let first = arrays.first else { throw TensorError("stack expects a non-empty TensorList") }
        for (i, a) in arrays.enumerated() where a.shape != first.shape {
            throw TensorError("stack expects each tensor to be equal size, but got \(shapeString(first.shape)) at entry 0 and \(shapeString(a.shape)) at entry \(i)")
        }
        let d = try normalizeDim(dim, ndim: first.ndim + 1, op: "stack")
        return try concatenate(arrays.map { try $0.unsqueezed(d) }, dim: d)
    }
}
