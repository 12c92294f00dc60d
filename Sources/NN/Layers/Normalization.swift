import Autograd
import Tensor

/// `Embedding(num_embeddings, embedding_dim, padding_idx=None)`: weight N(0, 1), padding row zeroed.
public final class Embedding: Module {
    public let numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int?
    public init(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, dtype: DType = .float32, generator: Generator) throws {
        guard numEmbeddings > 0, embeddingDim > 0 else { throw NNError("Embedding: sizes must be positive") }
        if let p = paddingIdx, p >= numEmbeddings || p < -numEmbeddings {
            throw NNError("Embedding: padding_idx must be within num_embeddings")
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        super.init()
        var values = try generator.randn([numEmbeddings, embeddingDim], dtype: dtype).toDoubles()
        if let p = self.paddingIdx { for j in 0..<embeddingDim { values[p * embeddingDim + j] = 0 } }
        registerParameter("weight", try Tensor(try NDArray(doubles: values, shape: [numEmbeddings, embeddingDim], dtype: dtype), requiresGrad: true))
    }
    /// `Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None)`: the weight is a
    /// Parameter sharing `embeddings`' values (requiring grad unless frozen); no random draw.
    public init(pretrained embeddings: Tensor, freeze: Bool = true, paddingIdx: Int? = nil) throws {
        guard embeddings.ndim == 2 else {
            throw NNError("Embeddings parameter is expected to be 2-dimensional, got shape \(shapeString(embeddings.shape))")
        }
        let rows = embeddings.shape[0]
        if let p = paddingIdx, p >= rows || p < -rows { throw NNError("Embedding: padding_idx must be within num_embeddings") }
        self.numEmbeddings = rows
        self.embeddingDim = embeddings.shape[1]
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + rows : $0 }
        super.init()
        registerParameter("weight", try Parameter(embeddings, requiresGrad: !freeze))
    }
    public var weight: Tensor { parameter("weight")! }
    public override var extraRepr: String { "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "") }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.embedding(input, weight: weight, paddingIdx: paddingIdx) }
}

/// `LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)`: weight 1, bias 0.
public final class LayerNorm: Module {
    public let normalizedShape: [Int], eps: Double, elementwiseAffine: Bool
    public init(normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true, dtype: DType = .float32) throws {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        super.init()
        if elementwiseAffine {
            registerParameter("weight", try Init.constant(normalizedShape, 1, dtype: dtype))
            registerParameter("bias", bias ? try Init.constant(normalizedShape, 0, dtype: dtype) : nil)
        }
    }
    public override var extraRepr: String { "\(tupleString(normalizedShape)), eps=\(eps), elementwise_affine=\(elementwiseAffine ? "True" : "False")" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.layerNorm(input, normalizedShape: normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// Batch normalisation over every dimension but C (`[N, C, …]`), as `torch.nn.BatchNorm1d/2d/3d`:
/// weight 1, bias 0, buffers `running_mean` (0), `running_var` (1), `num_batches_tracked`.
/// Training uses the batch statistics and updates the running ones (momentum, unbiased variance;
/// `momentum: nil` is PyTorch's cumulative average, 1 / num_batches_tracked); eval uses the running
/// ones. `bias: false` (PyTorch 2.13's keyword) keeps the weight only.
public class BatchNorm: Module {
    public let numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, hasBias: Bool, trackRunningStats: Bool
    /// The input ranks the layer accepts (BatchNorm1d: 2 or 3; 2d: 4; 3d: 5).
    let acceptedRanks: [Int]

    init(numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, bias: Bool, trackRunningStats: Bool, acceptedRanks: [Int],
         dtype: DType) throws {
        guard numFeatures > 0 else { throw NNError("BatchNorm: num_features must be positive, got \(numFeatures)") }
        guard eps > 0 else { throw NNError("BatchNorm: eps must be positive, got \(eps)") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.hasBias = affine && bias
        self.trackRunningStats = trackRunningStats
        self.acceptedRanks = acceptedRanks
        super.init()
        try registerNormalizationState(
            numFeatures: numFeatures, affine: affine, bias: bias, trackRunningStats: trackRunningStats, dtype: dtype)
    }
    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(affine ? "True" : "False"), bias=\(hasBias ? "True" : "False"), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        guard acceptedRanks.contains(input.ndim) else {
            let ranks = acceptedRanks.map { "\($0)D" }.joined(separator: " or ")
            throw NNError("\(typeName): expected \(ranks) input (got \(input.ndim)D input)")
        }
        guard input.shape[1] == numFeatures else {
            throw NNError("\(typeName): expected \(numFeatures) channels in dimension 1, got input of shape \(shapeString(input.shape))")
        }
        let useBatchStats = training || !trackRunningStats
        var factor = momentum ?? 0
        if training && trackRunningStats, let count = buffer("num_batches_tracked") {
            let batches = try count.item() + 1
            try count.assign(try Tensor.constant([batches], shape: [], dtype: .int64))
            if momentum == nil { factor = 1 / batches }
        }
        return try F.batchNorm(input, runningMean: useBatchStats && !training ? nil : buffer("running_mean"),
                               runningVar: useBatchStats && !training ? nil : buffer("running_var"),
                               weight: parameter("weight"), bias: parameter("bias"), training: useBatchStats,
                               momentum: factor, eps: eps)
    }
}

/// `BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)` over `[N, C]` or `[N, C, L]`.
public final class BatchNorm1d: BatchNorm {
    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) throws {
        try super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias, trackRunningStats: trackRunningStats,
                       acceptedRanks: [2, 3], dtype: dtype)
    }
}

/// `BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)` over `[N, C, H, W]`.
public final class BatchNorm2d: BatchNorm {
    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) throws {
        try super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias, trackRunningStats: trackRunningStats,
                       acceptedRanks: [4], dtype: dtype)
    }
}

/// `BatchNorm3d(num_features, …)` over `[N, C, D, H, W]`.
public final class BatchNorm3d: BatchNorm {
    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) throws {
        try super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias, trackRunningStats: trackRunningStats,
                       acceptedRanks: [5], dtype: dtype)
    }
}

/// `GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, bias=True)`: normalises each group of
/// C / G channels of each sample over the group's channels and spatial positions; weight 1, bias 0.
public final class GroupNorm: Module {
    public let numGroups: Int, numChannels: Int, eps: Double, affine: Bool, hasBias: Bool
    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) throws {
        guard numGroups > 0, numChannels > 0 else { throw NNError("GroupNorm: num_groups and num_channels must be positive") }
        guard numChannels % numGroups == 0 else { throw NNError("GroupNorm: num_channels must be divisible by num_groups") }
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        self.hasBias = affine && bias
        super.init()
        if affine {
            registerParameter("weight", try Init.constant([numChannels], 1, dtype: dtype))
            if bias { registerParameter("bias", try Init.constant([numChannels], 0, dtype: dtype)) }
        }
    }
    public override var extraRepr: String {
        "\(numGroups), \(numChannels), eps=\(eps), affine=\(affine ? "True" : "False"), bias=\(hasBias ? "True" : "False")"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.groupNorm(input, numGroups: numGroups, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// `Dropout(p=0.5)`: draws its masks from the generator it was given (the session's).
public final class Dropout: Module {
    public let p: Double
    private let generator: Generator
    public init(p: Double = 0.5, generator: Generator) throws {
        guard p >= 0 && p <= 1 else { throw NNError("Dropout: probability has to be between 0 and 1, but got \(p)") }
        self.p = p
        self.generator = generator
        super.init()
    }
    public override var extraRepr: String { "p=\(p), inplace=False" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.dropout(input, p: p, training: training, generator: generator)
    }
}

/// `Dropout1d(p)` / `Dropout2d(p)` / `Dropout3d(p)`: zeroes whole channels (the same mask for every
/// position of a channel) with probability p in training and scales the rest by 1 / (1 − p).
public final class ChannelDropout: Module {
    public let p: Double, spatialDims: Int
    private let generator: Generator
    public init(p: Double = 0.5, spatialDims: Int, generator: Generator) throws {
        guard p >= 0 && p <= 1 else { throw NNError("Dropout\(spatialDims)d: probability has to be between 0 and 1, but got \(p)") }
        self.p = p
        self.spatialDims = spatialDims
        self.generator = generator
        super.init()
    }
    public override var typeName: String { "Dropout\(spatialDims)d" }
    public override var extraRepr: String { "p=\(p), inplace=False" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.channelDropout(input, p: p, spatialDims: spatialDims, training: training, generator: generator)
    }
}

/// `InstanceNorm1d/2d/3d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`:
/// normalises each (sample, channel) over its positions (biased variance); with
/// `track_running_stats` the running statistics are the batch averages of the per-instance ones
/// (unbiased variance), used in eval, as PyTorch (whose instance norm leaves `num_batches_tracked`
/// at 0). Accepts batched `[N, C, *S]` or unbatched `[C, *S]`.
public final class InstanceNorm: Module {
    public let numFeatures: Int, spatialDims: Int, eps: Double, momentum: Double, affine: Bool, hasBias: Bool, trackRunningStats: Bool

    public init(numFeatures: Int, spatialDims: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, bias: Bool = true, dtype: DType = .float32) throws {
        guard numFeatures > 0 else { throw NNError("InstanceNorm\(spatialDims)d: num_features must be positive, got \(numFeatures)") }
        self.numFeatures = numFeatures
        self.spatialDims = spatialDims
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.hasBias = affine && bias
        self.trackRunningStats = trackRunningStats
        super.init()
        try registerNormalizationState(
            numFeatures: numFeatures, affine: affine, bias: bias, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public override var typeName: String { "InstanceNorm\(spatialDims)d" }
    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum), affine=\(affine ? "True" : "False"), bias=\(hasBias ? "True" : "False"), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.ndim == spatialDims + 1 || input.ndim == spatialDims + 2 else {
            throw NNError("\(typeName): expected \(spatialDims + 1)D or \(spatialDims + 2)D input (got \(input.ndim)D input)")
        }
        let unbatched = input.ndim == spatialDims + 1
        let x = unbatched ? try input.unsqueeze(0) : input
        guard x.shape[1] == numFeatures else {
            throw NNError("\(typeName): expected input's size at dim=\(unbatched ? 0 : 1) to match num_features (\(numFeatures)), but got: \(x.shape[1]).")
        }
        let n = x.shape[0], c = numFeatures
        let positions = Array(2..<x.ndim)
        let count = x.shape.dropFirst(2).reduce(1, *)
        var channelShape = [Int](repeating: 1, count: x.ndim)
        channelShape[1] = c
        var out: Tensor
        if training || !trackRunningStats {
            guard count > 1 || !training else {
                throw NNError("\(typeName): expected more than 1 spatial element when training, got input size \(shapeString(input.shape))")
            }
            let mean = try x.mean(dims: positions, keepdim: true)
            let centered = try x - mean
            let variance = try (try centered * centered).mean(dims: positions, keepdim: true)
            out = try centered * (try (try variance + eps).rsqrt())
            if training && trackRunningStats, let rm = buffer("running_mean"), let rv = buffer("running_var") {
                try GradMode.withDisabled {
                    let batchMean = try (try mean.detach().reshape([n, c])).mean(dims: [0])
                    let unbiased = try (try (try variance.detach().reshape([n, c])).mean(dims: [0])) * (Double(count) / Double(Swift.max(count - 1, 1)))
                    try rm.assign(try (try rm * (1 - momentum)) + (try batchMean * momentum))
                    try rv.assign(try (try rv * (1 - momentum)) + (try unbiased * momentum))
                }
            }
        } else {
            guard let runningMean = buffer("running_mean"), let runningVar = buffer("running_var") else {
                throw NNError("\(typeName): running statistics are missing")
            }
            let rm = try runningMean.reshape(channelShape), rv = try runningVar.reshape(channelShape)
            out = try (try x - rm) * (try (try rv + eps).rsqrt())
        }
        if let w = parameter("weight") { out = try out * (try w.reshape(channelShape)) }
        if let b = parameter("bias") { out = try out + (try b.reshape(channelShape)) }
        return unbatched ? try out.squeeze(0) : out
    }
}

extension Module {
    /// PyTorch's state of a batch or instance norm: `weight` (ones) and `bias` (zeros) when
    /// affine, `running_mean`, `running_var` and `num_batches_tracked` when tracking statistics.
    func registerNormalizationState(numFeatures: Int, affine: Bool, bias: Bool, trackRunningStats: Bool, dtype: DType) throws {
        if affine {
            registerParameter("weight", try Init.constant([numFeatures], 1, dtype: dtype))
            if bias { registerParameter("bias", try Init.constant([numFeatures], 0, dtype: dtype)) }
        }
        if trackRunningStats {
            registerBuffer("running_mean", try Init.constant([numFeatures], 0, dtype: dtype, requiresGrad: false))
            registerBuffer("running_var", try Init.constant([numFeatures], 1, dtype: dtype, requiresGrad: false))
            registerBuffer("num_batches_tracked", try Init.constant([], 0, dtype: .int64, requiresGrad: false))
        }
    }
}
