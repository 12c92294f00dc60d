extension NDArray {
    /// This array in `dtype` (itself when already of that dtype, as PyTorch's `.to`).
    public func to(_ target: DType) throws -> NDArray {
        if target == dtype { return self }
        switch (dtype, target) {
        case (.float32, .float64): return try mapUnaryKernel(self) { (x: Float) in Double(x) }
        case (.float64, .float32): return try mapUnaryKernel(self) { (x: Double) in Float(x) }
        case (.int64, .float32): return try mapUnaryKernel(self) { (x: Int64) in Float(x) }
        case (.int64, .float64): return try mapUnaryKernel(self) { (x: Int64) in Double(x) }
        case (.bool, .float32): return try mapUnaryKernel(self) { (x: Bool) in Float(x ? 1 : 0) }
        case (.bool, .float64): return try mapUnaryKernel(self) { (x: Bool) in Double(x ? 1 : 0) }
        case (.bool, .int64): return try mapUnaryKernel(self) { (x: Bool) in Int64(x ? 1 : 0) }
        case (.float32, .int64): return try mapUnaryKernel(self) { (x: Float) in Int64(casting: Double(x)) }
        case (.float64, .int64): return try mapUnaryKernel(self) { (x: Double) in Int64(casting: x) }
        case (.float32, .bool): return try mapUnaryKernel(self) { (x: Float) in x != 0 }
        case (.float64, .bool): return try mapUnaryKernel(self) { (x: Double) in x != 0 }
        case (.int64, .bool): return try mapUnaryKernel(self) { (x: Int64) in x != 0 }
        default: return self
        }
    }

    /// A contiguous copy, or itself when already contiguous.
    public func contiguous() throws -> NDArray {
        if isContiguous { return self }
        return try clone()
    }

    /// A contiguous copy that never shares storage with `self`.
    public func clone() throws -> NDArray {
        switch dtype {
        case .float32: return try mapUnaryKernel(self) { (x: Float) in x }
        case .float64: return try mapUnaryKernel(self) { (x: Double) in x }
        case .int64: return try mapUnaryKernel(self) { (x: Int64) in x }
        case .bool: return try mapUnaryKernel(self) { (x: Bool) in x }
        }
    }

    /// All elements in row-major order, converted to Double.
    public func toDoubles() -> [Double] {
        var out = [Double]()
        out.reserveCapacity(count)
        stridedRows1(shape, strides, offset) { o, n, st in
            for j in 0..<n { out.append(readDouble(storageOffset: o + j * st)) }
        }
        return out
    }

    /// All elements in row-major order as `T` (which must match `dtype`).
    public func toArray<T: TensorElement>(_: T.Type) throws -> [T] {
        if T.dtype != dtype { return try to(T.dtype).toArray(T.self) }
        var out = [T]()
        out.reserveCapacity(count)
        let p = storage.pointer.assumingMemoryBound(to: T.self)
        stridedRows1(shape, strides, offset) { o, n, st in
            for j in 0..<n { out.append(p[o + j * st]) }
        }
        return out
    }

    /// The value of a one-element array (`x.item()`).
    public func item() throws -> Double {
        if count != 1 {
            throw TensorError("a Tensor with \(count) elements cannot be converted to Scalar")
        }
        return readDouble(storageOffset: offset)
    }

    /// The value of a one-element int64 array without going through Double.
    public func intItem() throws -> Int64 {
        if count != 1 { throw TensorError("a Tensor with \(count) elements cannot be converted to Scalar") }
        if dtype == .int64 { return storage.pointer.assumingMemoryBound(to: Int64.self)[offset] }
        return Int64(casting: readDouble(storageOffset: offset))
    }

    /// True when any element is nonzero / true.
    public func anyTrue() throws -> Bool {
        var found = false
        stridedRows1(shape, strides, offset) { o, n, st in
            if found { return }
            for j in 0..<n where readDouble(storageOffset: o + j * st) != 0 { found = true; return }
        }
        return found
    }

    /// True when every element is nonzero / true.
    public func allTrue() throws -> Bool {
        var all = true
        stridedRows1(shape, strides, offset) { o, n, st in
            if !all { return }
            for j in 0..<n where readDouble(storageOffset: o + j * st) == 0 { all = false; return }
        }
        return all
    }
}
