import Tensor

// Swift operators on tensors and numbers. Numbers follow PyTorch's wrapped-number rule:
// `x * 2` keeps x's dtype.

extension Tensor {
    /// A rank-0 constant for a number used next to this tensor.
    @inline(__always)
    func scalarTensor(_ v: Double) throws -> Tensor {
        let s: Scalar = v == v.rounded() && Swift.abs(v) < 9e15 && !data.dtype.isFloatingPoint && data.dtype != .bool
            ? .int(Int64(v)) : .float(v)
        return Tensor.constant(try NDArray.scalar(s, dtype: s.resultType(with: dtype)))
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try apply(.add, [a, b]) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try apply(.sub, [a, b]) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try apply(.mul, [a, b]) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try apply(.div, [a, b]) }
    public static prefix func - (a: Tensor) throws -> Tensor { try apply(.neg, [a]) }

    public static func + (a: Tensor, b: Double) throws -> Tensor { try apply(.add, [a, a.scalarTensor(b)]) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try apply(.add, [b.scalarTensor(a), b]) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try apply(.sub, [a, a.scalarTensor(b)]) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try apply(.rsub, [b.scalarTensor(a), b]) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try apply(.mul, [a, a.scalarTensor(b)]) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try apply(.mul, [b, b.scalarTensor(a)]) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try apply(.div, [a, a.scalarTensor(b)]) }
    public static func / (a: Double, b: Tensor) throws -> Tensor {
        try apply(.mul, [b.reciprocal(), b.scalarTensor(a)])
    }

    /// `1 / x` (ReciprocalBackward0 in PyTorch; here as a power).
    public func reciprocal() throws -> Tensor {
        if !dtype.isFloatingPoint { return try Tensor.constant(data.to(.float32)).reciprocal() }
        return try Tensor.apply(.powScalar(-1), [self])
    }

    /// `self ** other`.
    public func pow(_ other: Tensor) throws -> Tensor { try Tensor.apply(.pow, [self, other]) }
    /// `self ** exponent` for a number.
    public func pow(_ exponent: Double) throws -> Tensor { try Tensor.apply(.powScalar(exponent), [self]) }

    /// `self @ other` (see `NDArray.matmul` for the rank rules).
    public func matmul(_ other: Tensor) throws -> Tensor {
        try Tensor.apply(.matmul(ndim, other.ndim), [self, other])
    }

    public func maximum(_ other: Tensor) throws -> Tensor { try Tensor.apply(.maximum, [self, other]) }
    public func minimum(_ other: Tensor) throws -> Tensor { try Tensor.apply(.minimum, [self, other]) }

    /// `torch.where(condition, a, b)`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try apply(.whereSelect, [condition, a, b])
    }

    // Comparisons: bool results, never recorded.
    public func compare(_ op: CompareOp, _ other: Tensor) throws -> Tensor {
        Tensor.constant(try data.compare(op, other.data))
    }
    public func compare(_ op: CompareOp, _ other: Double) throws -> Tensor {
        try compare(op, scalarTensor(other))
    }
}
