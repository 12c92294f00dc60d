/// Binary elementwise operations with broadcasting and PyTorch's type promotion.
public enum BinaryOp: String, Sendable, CaseIterable {
    case add, sub, mul, div, pow, maximum, minimum
    /// Python's `//` (floor of the quotient) and `%` (sign of the divisor).
    case floorDivide, remainder
}

/// Comparisons; the result is a bool array.
public enum CompareOp: String, Sendable, CaseIterable {
    case eq, ne, lt, le, gt, ge
}

/// Unary elementwise operations. Math functions of integer or bool arrays compute in float32,
/// as in PyTorch.
public enum UnaryOp: Sendable, Equatable {
    case neg, abs, sign, exp, log, log1p, expm1, sqrt, sin, cos, tanh, sigmoid, relu
    case gelu, reciprocal, square, floor, ceil, round, logicalNot
    case leakyRelu(negativeSlope: Double)
    case softplus(beta: Double, threshold: Double)
    /// `x ** exponent` with a Python-number exponent.
    case powScalar(Double)
    /// `clamp(x, min, max)`; either bound may be absent.
    case clamp(min: Double?, max: Double?)
    /// Gradient helpers: 1 where x > 0 else 0; 1 where x >= 0 (relu′ uses the first).
    case step

    var name: String { "\(self)" }
    /// Ops that keep integer dtypes (others promote ints/bools to float32).
    var keepsIntegers: Bool {
        switch self {
        case .neg, .abs, .sign, .relu, .square, .floor, .ceil, .round, .clamp, .step: return true
        default: return false
        }
    }
}

extension NDArray {
    /// `self op other` with broadcasting and type promotion.
    public func binary(_ op: BinaryOp, _ other: NDArray) throws -> NDArray {
        // Hot path: same float dtype, same shape (no promotion, no broadcasting).
        if dtype == other.dtype && shape == other.shape {
            if dtype == .float32 { return try floatBinary(op, self, other, shape, Float.self) }
            if dtype == .float64 { return try floatBinary(op, self, other, shape, Double.self) }
        }
        let shape = try broadcastShapes(shape, other.shape, op: op.rawValue)
        var common = DType.resultType(dtype, ndimA: ndim, other.dtype, ndimB: other.ndim)
        if op == .div && !common.isFloatingPoint { common = .float32 }
        if common == .bool && (op == .sub) {
            throw TensorError("sub: subtraction of bool tensors is not supported, use logical_xor instead")
        }
        if common == .bool && ![.maximum, .minimum, .mul, .add].contains(op) { common = .int64 }
        let a = try to(common), b = try other.to(common)
        switch common {
        case .float32: return try floatBinary(op, a, b, shape, Float.self)
        case .float64: return try floatBinary(op, a, b, shape, Double.self)
        case .int64: return try intBinary(op, a, b, shape)
        case .bool:
            switch op {
            case .add, .maximum: return try mapBinaryKernel(a, b, shape: shape) { (x: Bool, y: Bool) in x || y }
            default: return try mapBinaryKernel(a, b, shape: shape) { (x: Bool, y: Bool) in x && y }
            }
        }
    }

    /// `self op scalar` (`x * 2`), the scalar taking the tensor's dtype where PyTorch does.
    public func binary(_ op: BinaryOp, scalar: Scalar) throws -> NDArray {
        try binary(op, NDArray.scalar(scalar, dtype: scalar.resultType(with: dtype)))
    }

    /// `scalar op self` (`2 - x`).
    public func binary(_ op: BinaryOp, scalarOnLeft scalar: Scalar) throws -> NDArray {
        try NDArray.scalar(scalar, dtype: scalar.resultType(with: dtype)).binary(op, self)
    }

    public func add(_ o: NDArray) throws -> NDArray { try binary(.add, o) }
    public func sub(_ o: NDArray) throws -> NDArray { try binary(.sub, o) }
    public func mul(_ o: NDArray) throws -> NDArray { try binary(.mul, o) }
    public func div(_ o: NDArray) throws -> NDArray { try binary(.div, o) }

    /// Elementwise comparison returning a bool array.
    public func compare(_ op: CompareOp, _ other: NDArray) throws -> NDArray {
        let shape = try broadcastShapes(shape, other.shape, op: op.rawValue)
        let common = DType.resultType(dtype, ndimA: ndim, other.dtype, ndimB: other.ndim)
        let a = try to(common), b = try other.to(common)
        switch common {
        case .float32: return try compareKernel(op, a, b, shape, Float.self)
        case .float64: return try compareKernel(op, a, b, shape, Double.self)
        case .int64: return try compareKernel(op, a, b, shape, Int64.self)
        case .bool:
            let ai = try a.to(.int64), bi = try b.to(.int64)
            return try compareKernel(op, ai, bi, shape, Int64.self)
        }
    }

    public func compare(_ op: CompareOp, scalar: Scalar) throws -> NDArray {
        try compare(op, NDArray.scalar(scalar, dtype: scalar.resultType(with: dtype)))
    }

    /// Applies a unary elementwise op.
    public func unary(_ op: UnaryOp) throws -> NDArray {
        if dtype == .float32, let vectorised = try vectorUnary(op) { return vectorised }
        switch dtype {
        case .float32: return try floatUnary(op, self, Float.self)
        case .float64: return try floatUnary(op, self, Double.self)
        case .int64:
            if op.keepsIntegers { return try intUnary(op, self) }
            if case .powScalar(let e) = op, e == e.rounded(), e >= 0 { return try intUnary(op, self) }
            return try to(.float32).unary(op)
        case .bool:
            if op == .logicalNot { return try mapUnaryKernel(self) { (x: Bool) in !x } }
            if op == .neg { throw TensorError("neg: negation, the `-` operator, on a bool tensor is not supported") }
            if op.keepsIntegers { return try to(.int64).unary(op) }
            if case .powScalar = op { return try to(.int64).unary(op) }
            return try to(.float32).unary(op)
        }
    }

    /// float32 exp / sigmoid / tanh through the SIMD kernels of VectorMath.swift.
    private func vectorUnary(_ op: UnaryOp) throws -> NDArray? {
        let kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
        switch op {
        case .exp: kernel = { VectorMath.exp($0, $1, count: $2) }
        case .sigmoid: kernel = { VectorMath.sigmoid($0, $1, count: $2) }
        case .tanh: kernel = { VectorMath.tanh($0, $1, count: $2) }
        default: return nil
        }
        let src = try contiguous()
        let out = try NDArray.empty(like: src, dtype: .float32)
        kernel(UnsafePointer(src.pointer(Float.self)), out.pointer(Float.self), out.count)
        return out
    }

    /// `where(condition, self, other)`: elements of self where condition is true, else other.
    public static func whereSelect(_ condition: NDArray, _ a: NDArray, _ b: NDArray) throws -> NDArray {
        if condition.dtype != .bool {
            throw TensorError("where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.rawValue)")
        }
        let s = try broadcastShapes(try broadcastShapes(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let common = DType.resultType(a.dtype, ndimA: a.ndim, b.dtype, ndimB: b.ndim)
        let x = try a.to(common), y = try b.to(common)
        switch common {
        case .float32: return try mapTernaryKernel(condition, x, y, shape: s) { (c: Bool, p: Float, q: Float) in c ? p : q }
        case .float64: return try mapTernaryKernel(condition, x, y, shape: s) { (c: Bool, p: Double, q: Double) in c ? p : q }
        case .int64: return try mapTernaryKernel(condition, x, y, shape: s) { (c: Bool, p: Int64, q: Int64) in c ? p : q }
        case .bool: return try mapTernaryKernel(condition, x, y, shape: s) { (c: Bool, p: Bool, q: Bool) in c ? p : q }
        }
    }
}

@inline(__always)
private func floatBinary<T: FloatElement>(_ op: BinaryOp, _ a: NDArray, _ b: NDArray, _ shape: [Int], _: T.Type) throws -> NDArray {
    switch op {
    case .add: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x + y }
    case .sub: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x - y }
    case .mul: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x * y }
    case .div: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x / y }
    case .pow: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in T.pow(x, y) }
    case .maximum:
        return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x.isNaN || y.isNaN ? T.nan : (x > y ? x : y) }
    case .minimum:
        return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x.isNaN || y.isNaN ? T.nan : (x < y ? x : y) }
    case .floorDivide: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in (x / y).rounded(.down) }
    case .remainder:
        return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in
            let r = x.truncatingRemainder(dividingBy: y)
            return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
        }
    }
}

private func intBinary(_ op: BinaryOp, _ a: NDArray, _ b: NDArray, _ shape: [Int]) throws -> NDArray {
    switch op {
    case .add: return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in x &+ y }
    case .sub: return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in x &- y }
    case .mul: return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in x &* y }
    case .div: return try a.to(.float32).binary(.div, b.to(.float32))
    case .maximum: return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in max(x, y) }
    case .minimum: return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in min(x, y) }
    case .pow:
        if try b.compare(.lt, scalar: .int(0)).anyTrue() {
            throw TensorError("pow: integers to negative integer powers are not allowed")
        }
        return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in intPower(x, y) }
    case .floorDivide, .remainder:
        if try b.compare(.eq, scalar: .int(0)).anyTrue() {
            throw TensorError("ZeroDivisionError: integer division or modulo by zero")
        }
        if op == .floorDivide {
            return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in
                let (q, overflow) = x.dividedReportingOverflow(by: y)
                if overflow { return q }
                return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q
            }
        }
        return try mapBinaryKernel(a, b, shape: shape) { (x: Int64, y: Int64) in
            let (r, _) = x.remainderReportingOverflow(dividingBy: y)
            return (r != 0 && ((r < 0) != (y < 0))) ? r &+ y : r
        }
    }
}

@inline(__always)
func intPower(_ base: Int64, _ exponent: Int64) -> Int64 {
    var result: Int64 = 1, b = base, e = exponent
    while e > 0 {
        if e & 1 == 1 { result = result &* b }
        b = b &* b
        e >>= 1
    }
    return result
}

@inline(__always)
private func compareKernel<T: TensorElement & Comparable>(_ op: CompareOp, _ a: NDArray, _ b: NDArray, _ shape: [Int], _: T.Type) throws -> NDArray {
    switch op {
    case .eq: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x == y }
    case .ne: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x != y }
    case .lt: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x < y }
    case .le: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x <= y }
    case .gt: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x > y }
    case .ge: return try mapBinaryKernel(a, b, shape: shape) { (x: T, y: T) in x >= y }
    }
}

@inline(__always)
private func floatUnary<T: FloatElement>(_ op: UnaryOp, _ a: NDArray, _: T.Type) throws -> NDArray {
    switch op {
    case .neg: return try mapUnaryKernel(a) { (x: T) in -x }
    case .abs: return try mapUnaryKernel(a) { (x: T) in Swift.abs(x) }
    case .sign: return try mapUnaryKernel(a) { (x: T) in x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0)) }
    case .exp: return try mapUnaryKernel(a) { (x: T) in T.exp(x) }
    case .log: return try mapUnaryKernel(a) { (x: T) in T.log(x) }
    case .log1p: return try mapUnaryKernel(a) { (x: T) in T.log1p(x) }
    case .expm1: return try mapUnaryKernel(a) { (x: T) in T.expm1(x) }
    case .sqrt: return try mapUnaryKernel(a) { (x: T) in x.squareRoot() }
    case .sin: return try mapUnaryKernel(a) { (x: T) in T.sin(x) }
    case .cos: return try mapUnaryKernel(a) { (x: T) in T.cos(x) }
    case .tanh: return try mapUnaryKernel(a) { (x: T) in T.tanh(x) }
    case .sigmoid: return try mapUnaryKernel(a) { (x: T) in 1 / (1 + T.exp(-x)) }
    case .relu: return try mapUnaryKernel(a) { (x: T) in x < 0 ? 0 : x }
    case .gelu:
        // Exact GELU (PyTorch's default approximate='none'): x·Φ(x).
        return try mapUnaryKernel(a) { (x: T) in x * 0.5 * (1 + T.erf(x * 0.7071067811865476)) }
    case .reciprocal: return try mapUnaryKernel(a) { (x: T) in 1 / x }
    case .square: return try mapUnaryKernel(a) { (x: T) in x * x }
    case .floor: return try mapUnaryKernel(a) { (x: T) in x.rounded(.down) }
    case .ceil: return try mapUnaryKernel(a) { (x: T) in x.rounded(.up) }
    case .round: return try mapUnaryKernel(a) { (x: T) in x.rounded(.toNearestOrEven) }
    case .logicalNot: return try mapUnaryKernel(a) { (x: T) in x == 0 }
    case .step: return try mapUnaryKernel(a) { (x: T) -> T in x > 0 ? 1 : 0 }  // (untyped, the literals made it float64)
    case .leakyRelu(let slope):
        let s = T(slope)
        return try mapUnaryKernel(a) { (x: T) in x > 0 ? x : x * s }
    case .softplus(let beta, let threshold):
        let b = T(beta), t = T(threshold)
        return try mapUnaryKernel(a) { (x: T) in x * b > t ? x : T.log1p(T.exp(x * b)) / b }
    case .powScalar(let e):
        if e == 2 { return try mapUnaryKernel(a) { (x: T) in x * x } }
        if e == 1 { return try mapUnaryKernel(a) { (x: T) in x } }
        if e == 0.5 { return try mapUnaryKernel(a) { (x: T) in x.squareRoot() } }
        let te = T(e)
        return try mapUnaryKernel(a) { (x: T) in T.pow(x, te) }
    case .clamp(let lo, let hi):
        let l = lo.map { T($0) }, h = hi.map { T($0) }
        return try mapUnaryKernel(a) { (x: T) in
            if x.isNaN { return x }
            var y = x
            if let l = l, y < l { y = l }
            if let h = h, y > h { y = h }
            return y
        }
    }
}

private func intUnary(_ op: UnaryOp, _ a: NDArray) throws -> NDArray {
    switch op {
    case .neg: return try mapUnaryKernel(a) { (x: Int64) in 0 &- x }
    case .abs: return try mapUnaryKernel(a) { (x: Int64) in x < 0 ? 0 &- x : x }
    case .sign: return try mapUnaryKernel(a) { (x: Int64) -> Int64 in x > 0 ? 1 : (x < 0 ? -1 : 0) }
    case .relu: return try mapUnaryKernel(a) { (x: Int64) in x < 0 ? 0 : x }
    case .square: return try mapUnaryKernel(a) { (x: Int64) in x &* x }
    case .floor, .ceil, .round: return try mapUnaryKernel(a) { (x: Int64) in x }
    case .step: return try mapUnaryKernel(a) { (x: Int64) -> Int64 in x > 0 ? 1 : 0 }
    case .powScalar(let e):
        let ie = Int64(casting: e)
        return try mapUnaryKernel(a) { (x: Int64) in intPower(x, ie) }
    case .clamp(let lo, let hi):
        // PyTorch: integer clamp with float bounds promotes; integral bounds stay int64.
        if (lo.map { $0 != $0.rounded() } ?? false) || (hi.map { $0 != $0.rounded() } ?? false) {
            return try a.to(.float32).unary(op)
        }
        let l = lo.map { Int64(casting: $0) }, h = hi.map { Int64(casting: $0) }
        return try mapUnaryKernel(a) { (x: Int64) in
            var y = x
            if let l = l, y < l { y = l }
            if let h = h, y > h { y = h }
            return y
        }
    default: return try a.to(.float32).unary(op)
    }
}
