import Autograd
import Tensor

// Regression and divergence losses after torch/nn/functional.py and aten/src/ATen/native/Loss.cpp,
// composed from differentiable primitives (so their gradients are the primitives' pullbacks).

/// `kl_div`'s reductions: PyTorch's three plus `'batchmean'` (the sum divided by the batch size).
public enum KLDivReduction: String, Sendable {
    case mean, sum, none, batchmean

    /// Parses PyTorch's spelling; anything else is an error naming the valid choices.
    public init(parsing text: String) throws {
        guard let r = KLDivReduction(rawValue: text) else {
            throw NNError("kl_div: reduction must be 'mean', 'batchmean', 'sum' or 'none', not '\(text)'")
        }
        self = r
    }
}

extension F {
    /// Mean absolute error `|input − target|`, reduced.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("l1_loss", input, target)
        return try reduce(try (try input - target).abs(), reduction)
    }

    /// Smooth L1: `0.5·z²/β` where `z = |input − target| < β`, else `z − 0.5·β`; β = 0 is the L1 loss.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Double = 1) throws -> Tensor {
        guard beta >= 0 else { throw NNError("smooth_l1_loss does not support negative values for beta.") }
        try requireSameShape("smooth_l1_loss", input, target)
        if beta == 0 { return try l1Loss(input, target, reduction: reduction) }
        let z = try (try input - target).abs()
        let quadratic = try (try z * z) * (0.5 / beta)
        let linear = try z - 0.5 * beta
        return try reduce(try Tensor.where(try z.compare(.lt, beta), quadratic, linear), reduction)
    }

    /// Huber: `0.5·z²` where `z = |input − target| < δ`, else `δ·(z − 0.5·δ)` (smooth L1 scaled by δ).
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Double = 1) throws -> Tensor {
        guard delta > 0 else { throw NNError("huber_loss does not support non-positive values for delta.") }
        try requireSameShape("huber_loss", input, target)
        let z = try (try input - target).abs()
        let quadratic = try (try z * z) * 0.5
        let linear = try (try z - 0.5 * delta) * delta
        return try reduce(try Tensor.where(try z.compare(.lt, delta), quadratic, linear), reduction)
    }

    /// Kullback–Leibler divergence with `input` as log-probabilities: pointwise
    /// `target·(log target − input)` (0 where target = 0), or `exp(target)·(target − input)` with
    /// `log_target`. `'mean'` averages over every element; `'batchmean'` divides the sum by the batch size.
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean, logTarget: Bool = false) throws -> Tensor {
        let pointwise: Tensor
        if logTarget {
            pointwise = try (try target.exp()) * (try target - input)
        } else {
            // xlogy(t, t): log of 1 where t = 0 so neither the value nor the gradient becomes NaN
            let positive = try target.compare(.gt, 0)
            let safe = try Tensor.where(positive, target, try target.onesLike())
            pointwise = try (try target * (try safe.log())) - (try target * input)
        }
        switch reduction {
        case .none: return pointwise
        case .sum: return try pointwise.sum()
        case .mean: return try pointwise.mean()
        case .batchmean:
            let total = try pointwise.sum()
            return input.ndim == 0 ? total : try total / Double(input.shape[0])
        }
    }
}
