import Autograd
import Tensor

// More activations and distance functions after torch/nn/functional.py, each composed from
// differentiable primitives (clamp, where, abs, exp, softplus, …), so no pullback of its own.

extension F {
    /// SELU's constants (Klambauer et al. 2017), as in aten's Activation.cpp.
    public static let seluAlpha = 1.6732632423543772848170429916717
    public static let seluScale = 1.0507009873554804934193349852946

    /// `clamp(x, min_val, max_val)`.
    public static func hardtanh(_ x: Tensor, minVal: Double = -1, maxVal: Double = 1) throws -> Tensor {
        guard maxVal > minVal else { throw NNError("hardtanh: max_val (\(maxVal)) must be greater than min_val (\(minVal))") }
        return try clampExclusive(x, minVal, maxVal)
    }
    /// `min(max(x, 0), 6)` (hardtanh(x, 0, 6), as PyTorch computes it).
    public static func relu6(_ x: Tensor) throws -> Tensor { try clampExclusive(x, 0, 6) }

    /// clamp(x, lo, hi) whose gradient passes only strictly inside (lo, hi), as aten's
    /// hardtanh_backward (the clamp primitive passes it at the bounds too).
    static func clampExclusive(_ x: Tensor, _ lo: Double, _ hi: Double) throws -> Tensor {
        let bounded = try x.clamp(min: lo, max: hi).detach()
        return try Tensor.where(try x.compare(.gt, lo), try Tensor.where(try x.compare(.lt, hi), x, bounded), bounded)
    }
    /// scale·(max(0, x) + min(0, α(eˣ − 1))).
    public static func selu(_ x: Tensor) throws -> Tensor { try elu(x, alpha: seluAlpha) * seluScale }
    /// x·tanh(softplus(x)).
    public static func mish(_ x: Tensor) throws -> Tensor { try x * (try (try x.softplus()).tanh()) }
    /// x / (1 + |x|).
    public static func softsign(_ x: Tensor) throws -> Tensor { try x / (try (try x.abs()) + 1.0) }
    /// x·relu6(x + 3)/6; its gradient x/3 + 1/2 strictly inside (−3, 3), 0 at −3 and 1 at 3, as aten's.
    public static func hardswish(_ x: Tensor) throws -> Tensor { try x * (try hardsigmoid(x)) }
    /// relu6(x + 3)/6, gradient 1/6 strictly inside (−3, 3) as aten's hardsigmoid_backward.
    public static func hardsigmoid(_ x: Tensor) throws -> Tensor { try (try clampExclusive(try x + 3.0, 0, 6)) / 6.0 }
    /// log σ(x) = −softplus(−x) (stable for large |x|).
    public static func logsigmoid(_ x: Tensor) throws -> Tensor { try (try (try x * -1.0).softplus()) * -1.0 }
    /// x − tanh(x).
    public static func tanhshrink(_ x: Tensor) throws -> Tensor { try x - (try x.tanh()) }
    /// x − λ above λ, x + λ below −λ, else 0.
    public static func softshrink(_ x: Tensor, lambd: Double = 0.5) throws -> Tensor {
        guard lambd >= 0 else { throw NNError("lambda must be greater or equal to 0, but found to be \(lambd).") }
        // aten writes x·0 inside the band (so −0 for negative x), kept here for identical printing
        let inside = try x * 0.0
        let shrunk = try Tensor.where(try x.compare(.lt, -lambd), try x + lambd, inside)
        return try Tensor.where(try x.compare(.gt, lambd), try x - lambd, shrunk)
    }
    /// x where |x| > λ, else 0.
    public static func hardshrink(_ x: Tensor, lambd: Double = 0.5) throws -> Tensor {
        try Tensor.where(try (try x.abs()).compare(.gt, lambd), x, try x.zerosLike())
    }
    /// PReLU: x where x > 0, else w·x; `weight` has one element or one per channel (dim 1).
    public static func prelu(_ x: Tensor, weight: Tensor) throws -> Tensor {
        let n = weight.numel()
        var w = weight
        if n != 1 {
            guard weight.ndim == 1 else { throw NNError("prelu: weight must be 1-D, got shape \(shapeString(weight.shape))") }
            let channelDim = x.ndim >= 2 ? 1 : 0
            guard x.ndim >= 1, x.shape[channelDim] == n else {
                throw NNError("prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = \(n) and channel size = \(x.ndim >= 1 ? x.shape[channelDim] : 1).")
            }
            var shape = [Int](repeating: 1, count: x.ndim)
            shape[channelDim] = n
            w = try weight.reshape(shape)
        } else if weight.ndim != 0 {
            w = try weight.reshape([])
        }
        return try Tensor.where(try x.compare(.gt, 0), x, try w * x)
    }

    /// `x / max(‖x‖_p, eps)` along `dim`.
    public static func normalize(_ x: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) throws -> Tensor {
        let norm = try vectorNorm(x, p: p, dim: dim, keepdim: true)
        return try x / (try norm.clamp(min: eps))
    }

    /// Cosine of the angle between `x1` and `x2` along `dim`: Σ (x1/‖x1‖)(x2/‖x2‖), each norm clamped
    /// below at `eps` in value only (aten clamps under no_grad, so the gradient is the unclamped norm's).
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) throws -> Tensor {
        func clampedNorm(_ x: Tensor) throws -> Tensor {
            let n = try vectorNorm(x, p: 2, dim: dim, keepdim: true)
            let shift = try (try n.detach().clamp(min: eps)) - n.detach()
            return try n + shift
        }
        return try ((try x1 / (try clampedNorm(x1))) * (try x2 / (try clampedNorm(x2)))).sum(dim: dim)
    }

    /// `‖x1 − x2 + eps‖_p` over the last dimension.
    public static func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6, keepdim: Bool = false) throws -> Tensor {
        let diff = try (try x1 - x2) + eps
        guard diff.ndim >= 1 else { return try vectorNorm(try diff.reshape([1]), p: p, dim: 0, keepdim: false) }
        return try vectorNorm(diff, p: p, dim: -1, keepdim: keepdim)
    }

    /// The p-norm along one dimension (p = ∞ the largest |x|, p = 0 the count of non-zeros).
    /// A zero vector's norm has gradient 0, as aten's norm backward masks it (the root of the sum
    /// is taken of 1 there, so neither the value nor the gradient becomes NaN).
    static func vectorNorm(_ x: Tensor, p: Double, dim: Int, keepdim: Bool) throws -> Tensor {
        let magnitude = try x.abs()
        if p == 1 { return try magnitude.sum(dim: dim, keepdim: keepdim) }
        if p == .infinity { return try magnitude.amax(dims: [dim], keepdim: keepdim) }
        if p == 0 { return try (try (try magnitude.compare(.gt, 0)).to(x.dtype)).sum(dim: dim, keepdim: keepdim) }
        guard p > 0 else { throw NNError("norm: p must be non-negative, got \(p)") }
        let powered = p == 2 ? try x * x : try magnitude.pow(p)
        let total = try powered.sum(dim: dim, keepdim: keepdim)
        let nonzero = try total.compare(.gt, 0)
        let safe = try Tensor.where(nonzero, total, try total.onesLike())
        let root = p == 2 ? try safe.sqrt() : try safe.pow(1 / p)
        return try Tensor.where(nonzero, root, try total.zerosLike())
    }
}
