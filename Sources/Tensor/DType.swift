/// Element types, as in PyTorch.
///
/// `float32` is the default; `float64` is used for gradient checks; `int64` for
/// indices and labels; `bool` for masks and comparison results.
public enum DType: String, Sendable, CaseIterable {
    case float32, float64, int64, bool

    /// Bytes per element in storage.
    public var itemSize: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        }
    }

    /// True for float32 and float64 (the dtypes that can require gradients).
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// PyTorch's spelling, as printed in `dtype=torch.float64`.
    public var torchName: String { "torch." + rawValue }

    /// Promotion category: bool < integer < floating point.
    var category: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32, .float64: return 2
        }
    }

    /// PyTorch's promotion between two dimensioned tensors:
    /// bool < int64 < float32 < float64.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        func rank(_ d: DType) -> Int {
            switch d {
            case .bool: return 0
            case .int64: return 1
            case .float32: return 2
            case .float64: return 3
            }
        }
        return rank(a) >= rank(b) ? a : b
    }

    /// The dtype an op between `a` and `b` computes in, following PyTorch: a
    /// zero-dimensional operand only wins when it is of a higher category
    /// (`float32[3] + float64 scalar tensor` stays float32).
    public static func resultType(_ a: DType, ndimA: Int, _ b: DType, ndimB: Int) -> DType {
        let aZero = ndimA == 0, bZero = ndimB == 0
        if aZero == bZero { return promote(a, b) }
        let (dimmed, zero) = aZero ? (b, a) : (a, b)
        return zero.category > dimmed.category ? zero : dimmed
    }
}

/// A Python number combined with a tensor (`x * 2`, `x + 0.5`): it never widens the
/// tensor's dtype within its category (PyTorch's "wrapped number" rule).
public enum Scalar: Sendable, Equatable {
    case int(Int64)
    case float(Double)
    case bool(Bool)

    var category: Int {
        switch self {
        case .bool: return 0
        case .int: return 1
        case .float: return 2
        }
    }

    /// The value as a Double (exact for every float and for ints up to 2^53).
    public var doubleValue: Double {
        switch self {
        case .int(let v): return Double(v)
        case .float(let v): return v
        case .bool(let v): return v ? 1 : 0
        }
    }

    /// The dtype of `tensor op scalar` for a tensor of dtype `t`.
    public func resultType(with t: DType) -> DType {
        if category <= t.category { return t }
        switch self {
        case .float: return .float32
        case .int: return .int64
        case .bool: return .bool
        }
    }
}
