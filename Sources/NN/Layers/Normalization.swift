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

/// `BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`
/// over `[N, C]` or `[N, C, L]`; buffers `running_mean` (0), `running_var` (1), `num_batches_tracked`.
public final class BatchNorm1d: Module {
    public let numFeatures: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool
    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, dtype: DType = .float32) throws {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        super.init()
        if affine {
            registerParameter("weight", try Init.constant([numFeatures], 1, dtype: dtype))
            registerParameter("bias", try Init.constant([numFeatures], 0, dtype: dtype))
        }
        if trackRunningStats {
            registerBuffer("running_mean", try Init.constant([numFeatures], 0, dtype: dtype, requiresGrad: false))
            registerBuffer("running_var", try Init.constant([numFeatures], 1, dtype: dtype, requiresGrad: false))
            registerBuffer("num_batches_tracked", try Init.constant([], 0, dtype: .int64, requiresGrad: false))
        }
    }
    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum), affine=\(affine ? "True" : "False"), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        guard (input.ndim == 2 || input.ndim == 3), input.shape[1] == numFeatures else {
            throw NNError("BatchNorm1d: expected input [N, \(numFeatures)] or [N, \(numFeatures), L], got shape \(shapeString(input.shape))")
        }
        let useBatchStats = training || !trackRunningStats
        if training && trackRunningStats, let count = buffer("num_batches_tracked") {
            try count.assign(try Tensor.constant([try count.item() + 1], shape: [], dtype: .int64))
        }
        return try F.batchNorm(input, runningMean: useBatchStats && !training ? nil : buffer("running_mean"),
                               runningVar: useBatchStats && !training ? nil : buffer("running_var"),
                               weight: parameter("weight"), bias: parameter("bias"), training: useBatchStats,
                               momentum: momentum, eps: eps)
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
