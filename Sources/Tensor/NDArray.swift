/// An n-dimensional array: a view (shape, strides, offset in elements) onto shared
/// `Storage` of one `DType`. Value semantics for the view, reference semantics for the
/// elements — as PyTorch tensors without autograd.
///
/// ```swift
/// let a = try NDArray([[1, 2], [3, 4]] as [[Double]])
/// let b = try a.transposed(0, 1)          // a view, no copy
/// print(try a.add(b))                     // tensor([[2., 5.], [5., 8.]], ...)
/// ```
public struct NDArray {
    public let storage: Storage
    public let dtype: DType
    /// Shape and strides in one shared object (see `ArrayLayout`).
    let layout: ArrayLayout
    /// Offset of element [0, 0, …] in elements.
    public let offset: Int

    /// The size of each dimension.
    public var shape: [Int] { @inline(__always) get { layout.shape } }
    /// Strides in elements (not bytes).
    public var strides: [Int] { @inline(__always) get { layout.strides } }

    /// Wraps existing storage. Callers guarantee the view stays within the storage.
    public init(storage: Storage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.layout = ArrayLayout(shape: shape, strides: strides)
        self.offset = offset
    }

    /// Wraps existing storage with a layout object shared with another array.
    @inline(__always)
    init(storage: Storage, dtype: DType, layout: ArrayLayout, offset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.layout = layout
        self.offset = offset
    }

    /// A new contiguous array shaped like `like` (sharing its layout object when its
    /// strides are canonical: no allocation besides the storage on the hot path of
    /// same-shape ops).
    @inline(__always)
    static func empty(like a: NDArray, dtype: DType) throws -> NDArray {
        let layout = a.layout.isCanonical ? a.layout : ArrayLayout(shape: a.shape, strides: contiguousStrides(a.shape))
        let storage = try Storage(byteCount: layout.count * dtype.itemSize)
        return NDArray(storage: storage, dtype: dtype, layout: layout, offset: 0)
    }

    /// True when `strides` are exactly the row-major strides of `shape`.
    @inline(__always)
    var hasCanonicalStrides: Bool { layout.isCanonical }

    /// A new contiguous array with uninitialised elements.
    public static func empty(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        var n = 1
        for d in shape {
            if d < 0 { throw TensorError("negative dimension \(d) in shape \(shapeString(shape))") }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow || m > (1 << 48) { throw TensorError("shape \(shapeString(shape)) is too large") }
            n = m
        }
        let storage = try Storage(byteCount: n * dtype.itemSize)
        return NDArray(storage: storage, dtype: dtype, shape: shape,
                       strides: contiguousStrides(shape), offset: 0)
    }

    /// Number of dimensions.
    @inline(__always) public var ndim: Int { shape.count }
    /// Number of elements.
    public var count: Int { @inline(__always) get { layout.count } }
    /// Alias of `count`, PyTorch's spelling.
    public func numel() -> Int { count }

    /// True when the elements are laid out in row-major order without gaps.
    public var isContiguous: Bool { @inline(__always) get { layout.isContiguous } }

    /// Typed pointer to element [0, 0, …]. `T` must match `dtype`.
    @inline(__always) public func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.pointer.assumingMemoryBound(to: T.self) + offset
    }

    /// Normalises a possibly negative dimension index, throwing when out of range.
    public func normalizedDim(_ dim: Int, op: String = "dim") throws -> Int {
        try normalizeDim(dim, ndim: ndim, op: op)
    }
}

/// The shape and strides of a view, with its element count and contiguity computed once.
/// One object rather than two arrays in `NDArray`, so copying an array (which every
/// operation does a few times) retains two references instead of three; results shaped
/// like an operand share the operand's layout.
final class ArrayLayout {
    let shape: [Int]
    let strides: [Int]
    let count: Int
    /// Row-major without gaps (size-1 dimensions may have any stride).
    let isContiguous: Bool
    /// `strides` are exactly the row-major strides of `shape`.
    let isCanonical: Bool
    /// Every element is the same storage element (a broadcast scalar such as `sum()`'s
    /// expanded gradient): stride 0 on every dimension longer than 1.
    let isUniform: Bool

    init(shape: [Int], strides: [Int]) {
        self.shape = shape
        self.strides = strides
        var n = 1
        for d in shape { n &*= d }
        count = n
        var contiguous = true, canonical = true, uniform = n > 0
        var expected = 1, canonicalStride = 1
        var d = shape.count - 1
        while d >= 0 {
            if shape[d] != 1 && strides[d] != 0 { uniform = false }
            if strides[d] != canonicalStride { canonical = false }
            canonicalStride &*= Swift.max(shape[d], 1)
            if shape[d] != 1 {
                if strides[d] != expected { contiguous = false }
                expected &*= shape[d]
            }
            d -= 1
        }
        isContiguous = contiguous
        isCanonical = canonical
        isUniform = uniform
    }
}

/// Row-major strides for `shape`.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = s
        s *= max(shape[d], 1)
    }
    return strides
}

/// Maps `dim` in `-ndim..<ndim` to `0..<ndim` (PyTorch allows rank-0 tensors dim 0 / -1).
public func normalizeDim(_ dim: Int, ndim: Int, op: String = "dim") throws -> Int {
    let n = max(ndim, 1)
    if dim < -n || dim >= n {
        throw TensorError("\(op): dimension out of range (expected to be in range of [\(-n), \(n - 1)], but got \(dim))")
    }
    return dim < 0 ? dim + n : dim
}

/// The broadcast shape of two shapes, NumPy rules.
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String = "broadcast") throws -> [Int] {
    if a == b { return a }
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let da = i < n - a.count ? 1 : a[i - (n - a.count)]
        let db = i < n - b.count ? 1 : b[i - (n - b.count)]
        if da == db || db == 1 { out[i] = da }
        else if da == 1 { out[i] = db }
        else {
            throw TensorError("\(op): shapes \(shapeString(a)) and \(shapeString(b)) cannot be broadcast (\(da) vs \(db) at dimension \(i))")
        }
    }
    return out
}

extension NDArray {
    /// Strides that read this array as if it had `target` shape (stride 0 on broadcast axes).
    /// `target` must be a valid broadcast of `shape`.
    func broadcastStrides(to target: [Int]) -> [Int] {
        var out = [Int](repeating: 0, count: target.count)
        let lead = target.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 || target[lead + i] == 1 {
            out[lead + i] = shape[i] == 1 ? 0 : strides[i]
        }
        return out
    }

    /// Element at a multi-index, as Double (for tests and printing).
    public func value(at index: [Int]) throws -> Double {
        if index.count != ndim { throw TensorError("index of \(index.count) dims for a tensor of \(ndim) dims") }
        var off = offset
        for (i, k) in index.enumerated() {
            if k < 0 || k >= shape[i] { throw TensorError("index \(k) is out of bounds for dimension \(i) with size \(shape[i])") }
            off += k * strides[i]
        }
        return readDouble(storageOffset: off)
    }

    @inline(__always) func readDouble(storageOffset off: Int) -> Double {
        switch dtype {
        case .float32: return Double(storage.pointer.assumingMemoryBound(to: Float.self)[off])
        case .float64: return storage.pointer.assumingMemoryBound(to: Double.self)[off]
        case .int64: return Double(storage.pointer.assumingMemoryBound(to: Int64.self)[off])
        case .bool: return storage.pointer.assumingMemoryBound(to: Bool.self)[off] ? 1 : 0
        }
    }
}
