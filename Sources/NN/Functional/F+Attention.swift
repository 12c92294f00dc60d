import Autograd
import Tensor

extension F {
    /// `softmax(q kᵀ · scale + mask) v` over the last two dimensions, as
    /// `F.scaled_dot_product_attention`: a boolean `attnMask` keeps True positions, a float one is
    /// added; `isCausal` keeps j ≤ i. Default scale 1/√d.
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false, scale: Double? = nil,
                                                 generator: Generator? = nil) throws -> Tensor {
        try attention(query, key, value, attnMask: attnMask, dropoutP: dropoutP, isCausal: isCausal, scale: scale,
                      generator: generator).output
    }

    /// Attention returning the output and the attention weights (used by MultiheadAttention).
    static func attention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor?, dropoutP: Double,
                          isCausal: Bool, scale: Double?, generator: Generator?) throws -> (output: Tensor, weights: Tensor) {
        guard query.ndim >= 2, key.ndim >= 2, value.ndim >= 2, query.shape.last == key.shape.last,
              key.shape[key.ndim - 2] == value.shape[value.ndim - 2] else {
            throw NNError("scaled_dot_product_attention: query \(shapeString(query.shape)), key \(shapeString(key.shape)) and value \(shapeString(value.shape)) do not fit (need [..., L, E], [..., S, E], [..., S, Ev])")
        }
        if isCausal && attnMask != nil {
            throw NNError("scaled_dot_product_attention: pass either attn_mask or is_causal, not both")
        }
        let l = query.shape[query.ndim - 2], s = key.shape[key.ndim - 2], e = query.shape.last!
        let factor = scale ?? 1 / Double(e).squareRoot()
        var scores = try (try query.matmul(try key.transpose(-2, -1))) * factor
        if isCausal {
            var bias = [Double](repeating: 0, count: l * s)
            for i in 0..<l { for j in 0..<s where j > i { bias[i * s + j] = -.infinity } }
            scores = try scores + (try Tensor.constant(bias, shape: [l, s], dtype: scores.dtype))
        }
        if let attnMask {
            if attnMask.dtype == .bool {
                let bias = try (try attnMask.doubleValues()).map { $0 != 0 ? 0.0 : -Double.infinity }
                scores = try scores + (try Tensor.constant(bias, shape: attnMask.shape, dtype: scores.dtype))
            } else {
                scores = try scores + attnMask
            }
        }
        var weights = try scores.softmax(dim: -1)
        if dropoutP > 0, let generator {
            weights = try dropout(weights, p: dropoutP, training: true, generator: generator)
        }
        return (try weights.matmul(value), weights)
    }
}
