import Autograd
import Tensor

// Losses, following torch/nn/functional.py and aten/src/ATen/native/Loss*.cpp.

extension F {
    static func reduce(_ loss: Tensor, _ reduction: Reduction) throws -> Tensor {
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try loss.mean()
        }
    }

    static func requireSameShape(_ op: String, _ a: Tensor, _ b: Tensor) throws {
        guard a.shape == b.shape else {
            throw NNError("\(op): input shape \(shapeString(a.shape)) and target shape \(shapeString(b.shape)) differ")
        }
    }

    /// Mean squared error `(input − target)²`, reduced.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("mse_loss", input, target)
        let diff = try input - target
        return try reduce(diff * diff, reduction)
    }

    /// Binary cross-entropy on probabilities; each log is clamped at −100 as PyTorch does.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("binary_cross_entropy", input, target)
        let logP = try (try input.log()).clamp(min: -100)
        let log1mP = try (try (try (input * -1.0) + 1.0).log()).clamp(min: -100)
        // −(y·log p + (1 − y)·log(1 − p))
        var loss = try ((try target * logP) + (try (try (target * -1.0) + 1.0) * log1mP)) * -1.0
        if let weight { loss = try loss * weight }
        return try reduce(loss, reduction)
    }

    /// BCE on logits, stable for large |x|: (1 − y)·x + w·(log(e^{−m} + e^{−x−m}) + m), m = max(−x, 0),
    /// w = 1 + (pos_weight − 1)·y (PyTorch's formulation).
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("binary_cross_entropy_with_logits", input, target)
        let negInput = try input * -1.0
        let m = try negInput.clamp(min: 0)
        let logTerm = try (try (try (try m * -1.0).exp()) + (try (try negInput - m).exp())).log() + m
        let oneMinusY = try (target * -1.0) + 1.0
        var loss: Tensor
        if let posWeight {
            let logWeight = try (try (try posWeight - 1.0) * target) + 1.0
            loss = try (try oneMinusY * input) + (try logWeight * logTerm)
        } else {
            loss = try (try oneMinusY * input) + logTerm
        }
        if let weight { loss = try loss * weight }
        return try reduce(loss, reduction)
    }

    /// Negative log-likelihood of class indices given log-probabilities `[N, C, d…]` or `[C]`.
    /// Ignored targets contribute nothing and are left out of the mean's denominator.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: Reduction = .mean) throws -> Tensor {
        let (picked, weights) = try pickTargets("nll_loss", input, target, weight: weight, ignoreIndex: ignoreIndex)
        let loss = try picked * -1.0
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try (try loss.sum()) / (try weights.sum())
        }
    }

    /// Cross-entropy of logits `[N, C, d…]` (or `[C]`) against class indices (int64) or class
    /// probabilities (same shape as input), with `weight`, `ignore_index` and `label_smoothing`
    /// exactly as aten's `cross_entropy_loss` (smoothing mixes the NLL with the uniform-target loss).
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: Reduction = .mean, labelSmoothing: Double = 0) throws -> Tensor {
        guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw NNError("cross_entropy: label_smoothing must be between 0.0 and 1.0, got \(labelSmoothing)")
        }
        guard input.ndim >= 1 else { throw NNError("cross_entropy: input must have a class dimension") }
        let classDim = input.ndim == 1 ? 0 : 1
        let classes = input.shape[classDim]
        let logP = try input.logSoftmax(dim: classDim)
        let weightView = try weight.map { w -> Tensor in
            guard w.shape == [classes] else {
                throw NNError("cross_entropy: weight has shape \(shapeString(w.shape)), expected [\(classes)]")
            }
            var shape = [Int](repeating: 1, count: input.ndim)
            shape[classDim] = classes
            return try w.reshape(shape)
        }
        if target.dtype.isFloatingPoint {
            // probabilities: −Σ_c w_c·y_c·log p_c, mean over the batch elements (not the weights)
            try requireSameShape("cross_entropy", input, target)
            var y = target
            if labelSmoothing > 0 { y = try (target * (1 - labelSmoothing)) + labelSmoothing / Double(classes) }
            var terms = try logP * y
            if let weightView { terms = try terms * weightView }
            let loss = try (try terms.sum(dims: [classDim])) * -1.0
            switch reduction {
            case .none: return loss
            case .sum: return try loss.sum()
            case .mean: return try (try loss.sum()) / Double(max(1, input.numel() / classes))
            }
        }
        let nll = try nllLoss(logP, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        var smoothTerms = logP
        if let weightView { smoothTerms = try smoothTerms * weightView }
        let keep = try ignoreMask(target, ignoreIndex: ignoreIndex, dtype: input.dtype)
        let smooth = try (try (try smoothTerms.sum(dims: [classDim])) * -1.0) * keep
        let smoothReduced: Tensor
        switch reduction {
        case .none: smoothReduced = smooth
        case .sum: smoothReduced = try smooth.sum()
        case .mean:
            if let weight {
                let (_, weights) = try pickTargets("cross_entropy", logP, target, weight: weight, ignoreIndex: ignoreIndex)
                smoothReduced = try (try smooth.sum()) / (try weights.sum())
            } else {
                smoothReduced = try (try smooth.sum()) / (try keep.sum())
            }
        }
        return try (try nll * (1 - labelSmoothing)) + (try smoothReduced * (labelSmoothing / Double(classes)))
    }

    /// 1 where the target is kept, 0 where it equals `ignoreIndex` (a constant, shape of target).
    static func ignoreMask(_ target: Tensor, ignoreIndex: Int, dtype: DType) throws -> Tensor {
        let values = try target.intValues()
        return try Tensor.constant(values.map { $0 == ignoreIndex ? 0 : 1 }, shape: target.shape, dtype: dtype)
    }

    /// For each target element, the input's value at its class (weighted) and the weight used
    /// (0 for ignored targets). Implemented as a product with a constant one-hot mask, so the
    /// gradient is the mask itself. Returns tensors of the target's shape.
    static func pickTargets(_ op: String, _ input: Tensor, _ target: Tensor, weight: Tensor?,
                            ignoreIndex: Int) throws -> (Tensor, Tensor) {
        guard target.dtype == .int64 else {
            throw NNError("\(op): expected int64 class indices as target, got \(target.dtype.rawValue)")
        }
        let classDim = input.ndim == 1 ? 0 : 1
        guard input.ndim >= 1 else { throw NNError("\(op): input must have a class dimension") }
        var expectedTarget = input.shape
        expectedTarget.remove(at: classDim)
        guard target.shape == expectedTarget else {
            throw NNError("\(op): input shape \(shapeString(input.shape)) needs a target of shape \(shapeString(expectedTarget)), got \(shapeString(target.shape))")
        }
        let classes = input.shape[classDim]
        let labels = try target.intValues()
        let classWeights = try weight.map { try $0.doubleValues() } ?? [Double](repeating: 1, count: classes)
        // mask laid out like input: [outer, C, inner]
        let outer = classDim == 0 ? 1 : input.shape[0]
        let inner = labels.count / max(outer, 1)
        var mask = [Double](repeating: 0, count: outer * classes * inner)
        var weights = [Double](repeating: 0, count: labels.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let t = labels[o * inner + i]
                if t == ignoreIndex { continue }
                guard t >= 0 && t < classes else {
                    throw NNError("\(op): target \(t) is out of bounds for \(classes) classes")
                }
                mask[(o * classes + t) * inner + i] = classWeights[t]
                weights[o * inner + i] = classWeights[t]
            }
        }
        let maskTensor = try Tensor.constant(mask, shape: input.shape, dtype: input.dtype)
        let picked = try (try input * maskTensor).sum(dims: [classDim])
        return (picked, try Tensor.constant(weights, shape: target.shape, dtype: input.dtype))
    }
}
