import Tensor

// Creation functions at the autograd level: each wraps an NDArray factory in a leaf.
extension Tensor {
    /// `tensor(data, dtype=…, requires_grad=…)` from flat values and a shape.
    public static func from(_ values: [Double], shape: [Int], dtype: DType = .float32,
                            requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray(doubles: values, shape: shape, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.zeros(shape, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.ones(shape, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32,
                            requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.full(shape, value, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func arange(start: Double = 0, end: Double, step: Double = 1, dtype: DType = .float32,
                              requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.arange(start: start, end: end, step: step, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32,
                                requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.linspace(start, end, steps: steps, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(NDArray.eye(n, m, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func randn(_ shape: [Int], generator: Generator, dtype: DType = .float32,
                             requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(generator.randn(shape, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func rand(_ shape: [Int], generator: Generator, dtype: DType = .float32,
                            requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(generator.rand(shape, dtype: dtype), requiresGrad: requiresGrad)
    }
    public static func randint(low: Int64, high: Int64, _ shape: [Int], generator: Generator) throws -> Tensor {
        try Tensor(generator.randint(low: low, high: high, shape))
    }
    public func zerosLike() throws -> Tensor { try Tensor(data.zerosLike()) }
    public func onesLike() throws -> Tensor { try Tensor(data.onesLike()) }
}
