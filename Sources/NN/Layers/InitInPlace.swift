import Autograd
import Foundation
import Tensor

/// `torch.nn.init`'s in-place initialisers: each overwrites `tensor`'s values (same storage, no
/// autograd record) with draws from the caller's generator and returns it. Distributions and
/// fans as torch/nn/init.py (fan_in = size(1)·receptive field, fan_out = size(0)·receptive field).
public enum InitInPlace {
    /// `calculate_gain(nonlinearity, param)`.
    public static func gain(_ nonlinearity: String, param: Double? = nil) throws -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid":
            return 1
        case "tanh": return 5.0 / 3
        case "relu": return 2.0.squareRoot()
        case "leaky_relu":
            let slope = param ?? 0.01
            return (2.0 / (1 + slope * slope)).squareRoot()
        case "selu": return 3.0 / 4
        default: throw NNError("Unsupported nonlinearity \(nonlinearity)")
        }
    }

    /// (fan_in, fan_out); tensors of fewer than 2 dimensions have none.
    public static func fans(_ shape: [Int]) throws -> (Int, Int) {
        guard shape.count >= 2 else {
            throw NNError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    private static func fill(_ tensor: Tensor, _ values: NDArray) throws -> Tensor {
        guard tensor.dtype == .float32 || tensor.dtype == .float64 else {
            throw NNError("init: expected a floating-point tensor, got \(tensor.dtype.rawValue)")
        }
        try GradMode.withDisabled { try tensor.assign(Tensor.constant(values)) }
        return tensor
    }

    /// `target.copy_(source)` under no_grad (shapes must agree; the dtype is converted), as
    /// `load_state_dict` does.
    public static func copy(_ target: Tensor, from source: Tensor) throws {
        guard target.shape == source.shape else {
            throw NNError("copy: shape \(shapeString(source.shape)) does not match \(shapeString(target.shape))")
        }
        try GradMode.withDisabled { try target.assign(source) }
    }

    @discardableResult
    public static func uniform(_ tensor: Tensor, low: Double = 0, high: Double = 1, generator: Generator) throws -> Tensor {
        try fill(tensor, try generator.uniform(tensor.shape, low: low, high: high, dtype: tensor.dtype))
    }

    @discardableResult
    public static func normal(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator) throws -> Tensor {
        let z = try generator.randn(tensor.shape, dtype: .float64).toDoubles().map { mean + std * $0 }
        return try fill(tensor, try NDArray(doubles: z, shape: tensor.shape, dtype: tensor.dtype))
    }

    @discardableResult
    public static func constant(_ tensor: Tensor, _ value: Double) throws -> Tensor {
        try fill(tensor, try NDArray.full(tensor.shape, value, dtype: tensor.dtype))
    }

    @discardableResult
    public static func xavierUniform(_ tensor: Tensor, gain: Double = 1, generator: Generator) throws -> Tensor {
        let (fanIn, fanOut) = try fans(tensor.shape)
        let bound = gain * (6.0 / Double(fanIn + fanOut)).squareRoot()
        return try uniform(tensor, low: -bound, high: bound, generator: generator)
    }

    @discardableResult
    public static func xavierNormal(_ tensor: Tensor, gain: Double = 1, generator: Generator) throws -> Tensor {
        let (fanIn, fanOut) = try fans(tensor.shape)
        return try normal(tensor, std: gain * (2.0 / Double(fanIn + fanOut)).squareRoot(), generator: generator)
    }

    /// The standard deviation of the Kaiming initialisers: gain / √fan.
    private static func kaimingStd(_ shape: [Int], a: Double, mode: String, nonlinearity: String) throws -> Double {
        let (fanIn, fanOut) = try fans(shape)
        guard mode == "fan_in" || mode == "fan_out" else {
            throw NNError("Mode \(mode) not supported, please use one of fan_in, fan_out")
        }
        let fan = mode == "fan_in" ? fanIn : fanOut
        guard fan > 0 else { return 0 }
        return try gain(nonlinearity, param: a) / Double(fan).squareRoot()
    }

    @discardableResult
    public static func kaimingUniform(_ tensor: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
                                      generator: Generator) throws -> Tensor {
        let bound = 3.0.squareRoot() * (try kaimingStd(tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity))
        return try uniform(tensor, low: -bound, high: bound, generator: generator)
    }

    @discardableResult
    public static func kaimingNormal(_ tensor: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
                                     generator: Generator) throws -> Tensor {
        try normal(tensor, std: try kaimingStd(tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity), generator: generator)
    }
}
