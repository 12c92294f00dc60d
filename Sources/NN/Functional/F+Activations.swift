import Autograd
import Tensor

extension F {
    public static func relu(_ x: Tensor) throws -> Tensor { try x.relu() }
    public static func sigmoid(_ x: Tensor) throws -> Tensor { try x.sigmoid() }
    public static func tanh(_ x: Tensor) throws -> Tensor { try x.tanh() }
    public static func leakyRelu(_ x: Tensor, negativeSlope: Double = 0.01) throws -> Tensor {
        try x.leakyRelu(negativeSlope: negativeSlope)
    }
    /// GELU, exact (`"none"`, x·Φ(x)) or PyTorch's `"tanh"` approximation.
    public static func gelu(_ x: Tensor, approximate: String = "none") throws -> Tensor {
        switch approximate {
        case "none": return try x.gelu()
        case "tanh":
            // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
            let inner = try (x + (x * x * x) * 0.044715) * (2.0 / Double.pi).squareRoot()
            return try x * 0.5 * (try inner.tanh() + 1.0)
        default: throw NNError("gelu: approximate must be 'none' or 'tanh', not '\(approximate)'")
        }
    }
    /// `log(1 + exp(βx)) / β`, linear above `threshold` (as PyTorch, for stability).
    public static func softplus(_ x: Tensor, beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        if beta == 1 && threshold == 20 { return try x.softplus() }
        let scaled = try x * beta
        let soft = try (try scaled.softplus()) / beta
        return try Tensor.where(try scaled.greaterThan(threshold), x, soft)
    }
    /// ELU: x for x > 0, α(eˣ − 1) otherwise.
    public static func elu(_ x: Tensor, alpha: Double = 1) throws -> Tensor {
        let negative = try (try (try x.clamp(max: 0)).exp() - 1.0) * alpha
        return try Tensor.where(try x.greaterThan(0), x, negative)
    }
    /// SiLU (swish): x·σ(x).
    public static func silu(_ x: Tensor) throws -> Tensor { try x * (try x.sigmoid()) }
    public static func softmax(_ x: Tensor, dim: Int) throws -> Tensor { try x.softmax(dim: dim) }
    public static func logSoftmax(_ x: Tensor, dim: Int) throws -> Tensor { try x.logSoftmax(dim: dim) }
}
