import Autograd
import Tensor

extension F {
    /// Layer normalisation over the trailing `normalizedShape` dimensions (biased variance).
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) throws -> Tensor {
        let k = normalizedShape.count
        guard k >= 1, input.ndim >= k, Array(input.shape.suffix(k)) == normalizedShape else {
            throw NNError("layer_norm: input shape \(shapeString(input.shape)) does not end with normalized_shape \(shapeString(normalizedShape))")
        }
        let dims = Array((input.ndim - k)..<input.ndim)
        let mean = try input.mean(dims: dims, keepdim: true)
        let centered = try input - mean
        let variance = try (try centered * centered).mean(dims: dims, keepdim: true)
        var out = try centered * (try (try variance + eps).rsqrt())
        if let weight { out = try out * weight }
        if let bias { out = try out + bias }
        return out
    }

    /// Batch normalisation of `[N, C]` or `[N, C, L]` over every dimension but C. In training,
    /// uses the batch statistics and updates the running ones in place (unbiased variance, as
    /// PyTorch); otherwise uses the running statistics.
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1,
                                 eps: Double = 1e-5) throws -> Tensor {
        guard input.ndim >= 2 else {
            throw NNError("batch_norm: expected an input of at least 2 dimensions [N, C, …], got shape \(shapeString(input.shape))")
        }
        let c = input.shape[1]
        var statShape = [Int](repeating: 1, count: input.ndim)
        statShape[1] = c
        let dims = [0] + Array(2..<input.ndim)
        let count = input.numel() / max(c, 1)
        if let out = try fusedBatchNormIfApplicable(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                                   training: training, momentum: momentum, eps: eps, count: count) {
            return out
        }
        let mean: Tensor, variance: Tensor
        if training || runningMean == nil || runningVar == nil {
            guard count > 1 else {
                throw NNError("batch_norm: expected more than 1 value per channel when training, got input shape \(shapeString(input.shape))")
            }
            mean = try input.mean(dims: dims, keepdim: true)
            let centered = try input - mean
            variance = try (try centered * centered).mean(dims: dims, keepdim: true)
            if training, let runningMean, let runningVar {
                try GradMode.withDisabled {
                    let m = momentum
                    let batchMean = try mean.detach().reshape([c])
                    let unbiased = try (try variance.detach().reshape([c])) * (Double(count) / Double(count - 1))
                    let newMean = try (try runningMean * (1 - m)) + (try batchMean * m)
                    let newVar = try (try runningVar * (1 - m)) + (try unbiased * m)
                    try runningMean.assign(newMean)
                    try runningVar.assign(newVar)
                }
            }
        } else {
            mean = try runningMean!.reshape(statShape)
            variance = try runningVar!.reshape(statShape)
        }
        var out = try (try input - mean) * (try (try variance + eps).rsqrt())
        if let weight { out = try out * (try weight.reshape(statShape)) }
        if let bias { out = try out + (try bias.reshape(statShape)) }
        return out
    }

    /// The one-primitive batch norm (Kernels/FusedBatchNorm.swift) for float inputs whose weight and
    /// bias share the input's dtype and whose running statistics need no gradient; nil otherwise.
    private static func fusedBatchNormIfApplicable(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                                   training: Bool, momentum: Double, eps: Double, count: Int) throws -> Tensor? {
        let c = input.shape[1]
        guard input.dtype == .float32 || input.dtype == .float64 else { return nil }
        for t in [weight, bias].compactMap({ $0 }) where t.dtype != input.dtype || t.shape != [c] { return nil }
        let useBatch = training || runningMean == nil || runningVar == nil
        let x = try input.data.contiguous()
        let stats: BatchNormStatistics
        if useBatch {
            guard count > 1 else {
                throw NNError("batch_norm: expected more than 1 value per channel when training, got input shape \(shapeString(input.shape))")
            }
            stats = try batchNormBatchStatistics(x, eps: eps)
            if training, let runningMean, let runningVar {
                try GradMode.withDisabled {
                    let m = momentum
                    let batchMean = try Tensor.constant(stats.mean, shape: [c], dtype: input.dtype)
                    let unbiased = try Tensor.constant(stats.variance.map { $0 * (Double(count) / Double(count - 1)) }, shape: [c],
                                                       dtype: input.dtype)
                    let newMean = try (try runningMean * (1 - m)) + (try batchMean * m)
                    let newVar = try (try runningVar * (1 - m)) + (try unbiased * m)
                    try runningMean.assign(newMean)
                    try runningVar.assign(newVar)
                }
            }
        } else {
            guard let runningMean, let runningVar, !runningMean.requiresGrad, !runningVar.requiresGrad,
                  runningMean.numel() == c, runningVar.numel() == c else { return nil }
            let mean = try runningMean.data.to(.float64).contiguous(), variance = try runningVar.data.to(.float64).contiguous()
            let meanValues = Array(UnsafeBufferPointer(start: mean.pointer(Double.self), count: c))
            let varValues = Array(UnsafeBufferPointer(start: variance.pointer(Double.self), count: c))
            stats = BatchNormStatistics(mean: meanValues, invstd: varValues.map { 1 / ($0 + eps).squareRoot() }, variance: varValues,
                                        fromBatch: false, eps: eps)
        }
        return try fusedBatchNorm(input, weight: weight, bias: bias, stats)
    }

    /// Rows of `weight` picked by integer `indices` (any shape) → `indices.shape + [dim]`.
    /// `paddingIdx` rows receive no gradient.
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) throws -> Tensor {
        guard indices.dtype == .int64 else {
            throw NNError("embedding: indices must be int64, got \(indices.dtype.rawValue)")
        }
        guard weight.ndim == 2 else { throw NNError("embedding: weight must be 2-d, got shape \(shapeString(weight.shape))") }
        let rows = weight.shape[0]
        let values = try indices.intValues()
        for v in values where v < 0 || v >= rows {
            throw NNError("embedding: index \(v) is out of range for \(rows) embeddings")
        }
        var picked = try weight.indexSelect(dim: 0, index: try indices.reshape([-1]))
        if let paddingIdx {
            let p = paddingIdx < 0 ? paddingIdx + rows : paddingIdx
            // zero the gradient of padding rows: multiply by a constant keep-mask (values unchanged)
            let keep = try Tensor.constant(values.map { $0 == p ? 0.0 : 1.0 }, shape: [values.count, 1], dtype: weight.dtype)
            picked = try (try picked * keep) + (try picked.detach() * (try (try keep * -1.0) + 1.0))
        }
        return try picked.reshape(indices.shape + [weight.shape[1]])
    }

    /// Inverted dropout: zeroes each element with probability `p` (drawn from `generator`) and
    /// scales the rest by 1 / (1 − p); the identity when not training.
    public static func dropout(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator) throws -> Tensor {
        guard p >= 0 && p <= 1 else { throw NNError("dropout: probability has to be between 0 and 1, but got \(p)") }
        if !training || p == 0 { return input }
        if p == 1 { return try input * 0.0 }
        let n = input.numel()
        let scale = 1 / (1 - p)
        var mask = [Double](repeating: 0, count: n)
        for i in 0..<n where generator.nextDouble() >= p { mask[i] = scale }
        return try input * (try Tensor.constant(mask, shape: input.shape, dtype: input.dtype))
    }

    /// Group normalisation of `[N, C, …]`: statistics per sample over each group of C / G
    /// channels and all positions (biased variance), then the per-channel affine.
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) throws -> Tensor {
        guard input.ndim >= 2 else {
            throw NNError("group_norm: expected an input of at least 2 dimensions [N, C, …], got shape \(shapeString(input.shape))")
        }
        let n = input.shape[0], c = input.shape[1]
        guard numGroups > 0, c % numGroups == 0 else {
            throw NNError("group_norm: expected number of channels in input to be divisible by num_groups, but got input of shape \(shapeString(input.shape)) and num_groups=\(numGroups)")
        }
        let grouped = try input.reshape([n, numGroups, -1])
        let mean = try grouped.mean(dims: [2], keepdim: true)
        let centered = try grouped - mean
        let variance = try (try centered * centered).mean(dims: [2], keepdim: true)
        var out = try (try centered * (try (try variance + eps).rsqrt())).reshape(input.shape)
        var channelShape = [Int](repeating: 1, count: input.ndim)
        channelShape[1] = c
        if let weight { out = try out * (try weight.reshape(channelShape)) }
        if let bias { out = try out + (try bias.reshape(channelShape)) }
        return out
    }

    /// Channel dropout (`dropout1d/2d/3d`): one keep/zero draw per (sample, channel) of
    /// `[N, C, *spatial]` (or unbatched `[C, *spatial]`), broadcast over the positions.
    public static func channelDropout(_ input: Tensor, p: Double = 0.5, spatialDims: Int, training: Bool = true,
                                      generator: Generator) throws -> Tensor {
        let op = "dropout\(spatialDims)d"
        guard p >= 0 && p <= 1 else { throw NNError("\(op): probability has to be between 0 and 1, but got \(p)") }
        guard input.ndim == spatialDims + 1 || input.ndim == spatialDims + 2 else {
            throw NNError("\(op): expected \(spatialDims + 1)-d (unbatched) or \(spatialDims + 2)-d (batched) input, got shape \(shapeString(input.shape))")
        }
        if !training || p == 0 { return input }
        if p == 1 { return try input * 0.0 }
        // dropout2d on a 3-d input behaves as channel-wise 1-d dropout over (N, C, L), as PyTorch does
        let channelDims = spatialDims == 2 && input.ndim == 3 ? 2 : input.ndim - spatialDims
        let maskShape = Array(input.shape.prefix(channelDims)) + [Int](repeating: 1, count: input.ndim - channelDims)
        let count = maskShape.reduce(1, *)
        let scale = 1 / (1 - p)
        var mask = [Double](repeating: 0, count: count)
        for i in 0..<count where generator.nextDouble() >= p { mask[i] = scale }
        return try input * (try Tensor.constant(mask, shape: maskShape, dtype: input.dtype))
    }
}
