/// Swift types stored in tensors: `Float` (float32), `Double` (float64),
/// `Int64` (int64) and `Bool` (bool, one byte).
public protocol TensorElement {
    static var dtype: DType { get }
    /// Converts from Double with PyTorch's casting rules (truncation toward zero for
    /// integers; non-finite or out-of-range values become Int64.min rather than trapping).
    init(casting value: Double)
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    public static var dtype: DType { .float32 }
    @inline(__always) public init(casting value: Double) { self = Float(value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
}

extension Double: TensorElement {
    public static var dtype: DType { .float64 }
    @inline(__always) public init(casting value: Double) { self = value }
    @inline(__always) public var doubleValue: Double { self }
}

extension Int64: TensorElement {
    public static var dtype: DType { .int64 }
    @inline(__always) public init(casting value: Double) {
        // Int64(Double) traps outside its range; PyTorch's result there is undefined, we pick Int64.min.
        if value.isFinite && value > -9.223372036854775808e18 && value < 9.223372036854775807e18 {
            self = Int64(value)
        } else {
            self = Int64.min
        }
    }
    @inline(__always) public var doubleValue: Double { Double(self) }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    @inline(__always) public init(casting value: Double) { self = value != 0 }
    @inline(__always) public var doubleValue: Double { self ? 1 : 0 }
}
