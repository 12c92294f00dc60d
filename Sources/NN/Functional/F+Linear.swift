import Autograd
import Tensor

extension F {
    /// `y = x Wᵀ + b` for `x` of shape `[*, in]`, `weight` `[out, in]`, `bias` `[out]`.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard weight.ndim == 2 || weight.ndim == 1 else {
            throw NNError("linear: weight must be 1-d or 2-d, got shape \(shapeString(weight.shape))")
        }
        guard let inFeatures = input.shape.last, inFeatures == weight.shape.last! else {
            throw NNError("linear: input shape \(shapeString(input.shape)) does not match weight shape \(shapeString(weight.shape))")
        }
        if weight.ndim == 2, input.ndim >= 1, input.dtype == weight.dtype, input.dtype.isFloatingPoint,
           bias.map({ $0.dtype == weight.dtype && $0.shape == [weight.shape[0]] }) ?? true {
            return try fusedLinear(input, weight: weight, bias: bias)
        }
        let product = try input.matmul(weight.ndim == 2 ? try weight.transpose(0, 1) : weight)
        guard let bias else { return product }
        return try product + bias
    }

    /// `relu(linear(input, weight, bias))`, one fused node where `linear` would use the fused
    /// product (the same values and gradients as the two calls).
    static func linearReLU(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        if weight.ndim == 2, input.ndim >= 1, input.shape.last == weight.shape[1], input.dtype == weight.dtype,
           input.dtype.isFloatingPoint, bias.map({ $0.dtype == weight.dtype && $0.shape == [weight.shape[0]] }) ?? true {
            return try fusedLinear(input, weight: weight, bias: bias, relu: true)
        }
        return try relu(linear(input, weight: weight, bias: bias))
    }

    /// A one-hot int64 tensor with a trailing axis of `numClasses` (inferred as max + 1 when -1).
    public static func oneHot(_ indices: Tensor, numClasses: Int = -1) throws -> Tensor {
        guard indices.dtype == .int64 else {
            throw NNError("one_hot: expected an int64 tensor of class indices, got \(indices.dtype.rawValue)")
        }
        let values = try indices.intValues()
        let classes = numClasses >= 0 ? numClasses : (values.max() ?? -1) + 1
        var data = [Double](repeating: 0, count: values.count * classes)
        for (i, v) in values.enumerated() {
            guard v >= 0 && v < classes else {
                throw NNError("one_hot: class index \(v) is out of range for \(classes) classes")
            }
            data[i * classes + v] = 1
        }
        return try Tensor.constant(data, shape: indices.shape + [classes], dtype: .int64)
    }
}
