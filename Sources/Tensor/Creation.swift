import Foundation

extension NDArray {
    /// A contiguous array from flat values in row-major order.
    ///
    /// ```swift
    /// let m = try NDArray([1, 2, 3, 4] as [Float], shape: [2, 2])
    /// ```
    public init<T: TensorElement>(_ values: [T], shape: [Int]) throws {
        let out = try NDArray.empty(shape, dtype: T.dtype)
        if out.count != values.count {
            throw TensorError("shape \(shapeString(shape)) is invalid for input of size \(values.count)")
        }
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { out.pointer(T.self).update(from: base, count: values.count) }
        }
        self = out
    }

    /// A 1-d array of the values.
    public init<T: TensorElement>(_ values: [T]) throws { try self.init(values, shape: [values.count]) }

    /// A 2-d array from rows of equal length.
    public init<T: TensorElement>(_ rows: [[T]]) throws {
        let width = rows.first?.count ?? 0
        for r in rows where r.count != width {
            throw TensorError("expected sequence of length \(width) at dim 1 (got \(r.count))")
        }
        try self.init(rows.flatMap { $0 }, shape: [rows.count, width])
    }

    /// Flat Double values converted to `dtype` (PyTorch's casting rules).
    public init(doubles values: [Double], shape: [Int], dtype: DType) throws {
        let out = try NDArray.empty(shape, dtype: dtype)
        if out.count != values.count {
            throw TensorError("shape \(shapeString(shape)) is invalid for input of size \(values.count)")
        }
        switch dtype {
        case .float32: let p = out.pointer(Float.self); for i in values.indices { p[i] = Float(values[i]) }
        case .float64: let p = out.pointer(Double.self); for i in values.indices { p[i] = values[i] }
        case .int64: let p = out.pointer(Int64.self); for i in values.indices { p[i] = Int64(casting: values[i]) }
        case .bool: let p = out.pointer(Bool.self); for i in values.indices { p[i] = values[i] != 0 }
        }
        self = out
    }

    /// A rank-0 array holding `value`.
    public static func scalar(_ value: Double, dtype: DType = .float32) throws -> NDArray {
        try NDArray(doubles: [value], shape: [], dtype: dtype)
    }

    /// A rank-0 array holding a Python-style number, in the dtype it takes next to a tensor of `partner`.
    public static func scalar(_ value: Scalar, dtype: DType) throws -> NDArray {
        let out = try NDArray.empty([], dtype: dtype)
        switch (value, dtype) {
        case (.int(let v), .int64): out.pointer(Int64.self)[0] = v
        default: out.fill(value.doubleValue)
        }
        return out
    }

    /// An array of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> NDArray {
        let out = try NDArray.empty(shape, dtype: dtype)
        out.fill(value)
        return out
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        let out = try NDArray.empty(shape, dtype: dtype)
        memset(out.storage.pointer, 0, out.storage.byteCount)
        return out
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        try full(shape, 1, dtype: dtype)
    }

    /// Values `start, start + step, …` below `end` (above, for a negative step).
    /// PyTorch gives int64 when all arguments are integers; pass `dtype` accordingly.
    public static func arange(start: Double = 0, end: Double, step: Double = 1,
                              dtype: DType = .float32) throws -> NDArray {
        if step == 0 { throw TensorError("arange: step must be nonzero") }
        if !(start.isFinite && end.isFinite && step.isFinite) { throw TensorError("arange: unsupported range: \(start) -> \(end)") }
        if (end - start) / step < 0 && end != start {
            throw TensorError("arange: upper bound and larger bound inconsistent with step sign")
        }
        let steps = ((end - start) / step).rounded(.up)
        if steps > Double(1 << 48) { throw TensorError("arange: too many elements (\(steps))") }
        let n = max(0, Int(steps))
        let out = try NDArray.empty([n], dtype: dtype)
        switch dtype {
        case .float32: let p = out.pointer(Float.self); for i in 0..<n { p[i] = Float(start + Double(i) * step) }
        case .float64: let p = out.pointer(Double.self); for i in 0..<n { p[i] = start + Double(i) * step }
        case .int64: let p = out.pointer(Int64.self); for i in 0..<n { p[i] = Int64(casting: start + Double(i) * step) }
        case .bool: throw TensorError("arange: not implemented for 'Bool'")
        }
        return out
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive, computed as PyTorch's
    /// CPU kernel does: the first half as `start + step·i`, the second as `end − step·(steps−1−i)`,
    /// each with one fused multiply-add in the dtype (FMA is exactly rounded, so every CPU
    /// gives the same bits).
    public static func linspace(_ start: Double, _ end: Double, steps: Int,
                                dtype: DType = .float32) throws -> NDArray {
        if steps < 0 { throw TensorError("linspace: number of steps must be non-negative") }
        let out = try NDArray.empty([steps], dtype: dtype)
        let half = steps / 2
        switch dtype {
        case .float32:
            let s = Float(start), e = Float(end), st = steps > 1 ? (e - s) / Float(steps - 1) : 0
            let p = out.pointer(Float.self)
            for i in 0..<steps {
                p[i] = i < half ? s.addingProduct(st, Float(i)) : e.addingProduct(-st, Float(steps - 1 - i))
            }
        case .float64:
            let st = steps > 1 ? (end - start) / Double(steps - 1) : 0
            let p = out.pointer(Double.self)
            for i in 0..<steps {
                p[i] = i < half ? start.addingProduct(st, Double(i)) : end.addingProduct(-st, Double(steps - 1 - i))
            }
        case .int64, .bool:
            let f = try linspace(start, end, steps: steps, dtype: .float64)
            return try f.to(dtype)
        }
        return out
    }

    /// The `n × m` identity matrix (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> NDArray {
        let cols = m ?? n
        let out = try zeros([n, cols], dtype: dtype)
        for i in 0..<min(n, cols) { out.write(1, at: i * cols + i) }
        return out
    }

    /// An array of zeros with this array's shape and dtype.
    public func zerosLike() throws -> NDArray { try NDArray.zeros(shape, dtype: dtype) }
    public func onesLike() throws -> NDArray { try NDArray.ones(shape, dtype: dtype) }

    /// Fills every storage element of a freshly allocated contiguous array.
    func fill(_ value: Double) {
        let n = count
        switch dtype {
        case .float32: pointer(Float.self).update(repeating: Float(value), count: n)
        case .float64: pointer(Double.self).update(repeating: value, count: n)
        case .int64: pointer(Int64.self).update(repeating: Int64(casting: value), count: n)
        case .bool: pointer(Bool.self).update(repeating: value != 0, count: n)
        }
    }

    /// Writes `value` at storage position `offset + index` (contiguous arrays).
    func write(_ value: Double, at index: Int) {
        switch dtype {
        case .float32: pointer(Float.self)[index] = Float(value)
        case .float64: pointer(Double.self)[index] = value
        case .int64: pointer(Int64.self)[index] = Int64(casting: value)
        case .bool: pointer(Bool.self)[index] = value != 0
        }
    }
}
