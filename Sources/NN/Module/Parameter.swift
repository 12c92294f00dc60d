import Autograd
import Tensor

/// `Parameter(t)`: a leaf tensor sharing `t`'s values that requires grad, found by `parameters()`.
///
/// ```swift
/// layer.registerParameter("weight", try Parameter(w))
/// ```
public func Parameter(_ tensor: Tensor, requiresGrad: Bool = true) throws -> Tensor {
    try Tensor(tensor.data, requiresGrad: requiresGrad)
}

/// PyTorch's default initialisers (torch/nn/init.py), drawing from the caller's generator.
public enum Init {
    /// U(−bound, bound) — what `kaiming_uniform_(a=√5)` reduces to for Linear/Conv weights
    /// (bound = 1/√fan_in), and what their biases use.
    public static func uniform(_ shape: [Int], bound: Double, dtype: DType, generator: Generator) throws -> Tensor {
        try Tensor(try generator.uniform(shape, low: -bound, high: bound, dtype: dtype), requiresGrad: true)
    }

    /// N(0, 1), Embedding's default.
    public static func normal(_ shape: [Int], dtype: DType, generator: Generator) throws -> Tensor {
        try Tensor(try generator.randn(shape, dtype: dtype), requiresGrad: true)
    }

    /// `xavier_uniform_`: U(±√(6 / (fan_in + fan_out))) for a 2-d weight [fan_out, fan_in].
    public static func xavierUniform(_ shape: [Int], dtype: DType, generator: Generator) throws -> Tensor {
        let bound = (6.0 / Double(shape[0] + shape[1])).squareRoot()
        return try uniform(shape, bound: bound, dtype: dtype, generator: generator)
    }

    public static func constant(_ shape: [Int], _ value: Double, dtype: DType, requiresGrad: Bool = true) throws -> Tensor {
        try Tensor(try NDArray.full(shape, value, dtype: dtype), requiresGrad: requiresGrad)
    }

    /// 1/√fan_in with PyTorch's fan_in = size(1) · receptive field (for a 1-d tensor: size(0)).
    static func fanInBound(_ shape: [Int]) -> Double {
        let fanIn = shape.count < 2 ? shape[0] : shape[1] * shape.dropFirst(2).reduce(1, *)
        return fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    }
}
