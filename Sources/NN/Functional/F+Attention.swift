import Autograd
import Tensor

extension F {
    /// `softmax(q kᵀ · scale + mask) v` over the last two dimensions, as
    /// `F.scaled_dot_product_attention`: a boolean `attnMask` keeps True positions, a float one is
    /// added; `isCausal` keeps j ≤ i. Default scale 1/√d.
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false, scale: Double? = nil,
                                                 generator: Generator? = nil) throws -> Tensor {
        // the common case (no mask tensor, no dropout, same leading dims and float dtype) runs as one primitive
        let n = query.ndim
        if attnMask == nil, !(dropoutP > 0 && generator != nil), n >= 2, key.ndim == n, value.ndim == n,
           query.shape.dropLast(2) == key.shape.dropLast(2), key.shape.dropLast(2) == value.shape.dropLast(2),
           query.shape[n - 1] == key.shape[n - 1], key.shape[n - 2] == value.shape[n - 2],
           query.dtype == key.dtype, key.dtype == value.dtype, query.dtype == .float32 || query.dtype == .float64 {
            let factor = scale ?? 1 / Double(query.shape[n - 1]).squareRoot()
            return try fusedAttention(query, key, value, scale: factor, causal: isCausal)
        }
        return try attention(query, key, value, attnMask: attnMask, dropoutP: dropoutP, isCausal: isCausal, scale: scale,
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
            scores = try scores + (try causalBias(l, s, dtype: scores.dtype))
        }
        if let attnMask {
            if attnMask.dtype == .bool {
                let bias = try attnMask.doubleValues().map { $0 != 0 ? 0.0 : -Double.infinity }
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
