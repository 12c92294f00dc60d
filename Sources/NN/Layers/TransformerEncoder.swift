import Autograd
import Tensor

/// `TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
/// layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`, as PyTorch: sub-modules
/// `self_attn` (MultiheadAttention), `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`,
/// `dropout2`, and
/// post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x)), pre-norm (`norm_first`): x = x + sa(norm1(x)); x = x + ff(norm2(x)),
/// with sa = dropout1(self-attention) (attention weights dropped with the same p in training) and
/// ff = dropout2(linear2(dropout(activation(linear1(x))))).
public final class TransformerEncoderLayer: Module {
    public let dModel: Int, nhead: Int, dimFeedforward: Int, dropoutP: Double, layerNormEps: Double
    public let batchFirst: Bool, normFirst: Bool, hasBias: Bool
    /// `relu`, `gelu` or any one-tensor module (PyTorch's callable `activation`).
    public let activation: Module
    private let generator: Generator
    private let dtype: DType

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: Module = ReLU(),
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
                dtype: DType = .float32, generator: Generator) throws {
        guard dimFeedforward > 0 else { throw NNError("TransformerEncoderLayer: dim_feedforward must be positive, got \(dimFeedforward)") }
        self.dModel = dModel
        self.nhead = nhead
        self.dimFeedforward = dimFeedforward
        self.dropoutP = dropout
        self.layerNormEps = layerNormEps
        self.batchFirst = batchFirst
        self.normFirst = normFirst
        self.hasBias = bias
        self.activation = activation
        self.generator = generator
        self.dtype = dtype
        super.init()
        registerModule("self_attn", try MultiheadAttention(embedDim: dModel, numHeads: nhead, bias: bias, batchFirst: batchFirst,
                                                           dtype: dtype, generator: generator))
        registerModule("linear1", try Linear(inFeatures: dModel, outFeatures: dimFeedforward, bias: bias, dtype: dtype, generator: generator))
        registerModule("dropout", try Dropout(p: dropout, generator: generator))
        registerModule("linear2", try Linear(inFeatures: dimFeedforward, outFeatures: dModel, bias: bias, dtype: dtype, generator: generator))
        registerModule("norm1", try LayerNorm(normalizedShape: [dModel], eps: layerNormEps, bias: bias, dtype: dtype))
        registerModule("norm2", try LayerNorm(normalizedShape: [dModel], eps: layerNormEps, bias: bias, dtype: dtype))
        registerModule("dropout1", try Dropout(p: dropout, generator: generator))
        registerModule("dropout2", try Dropout(p: dropout, generator: generator))
    }

    /// A copy with the same configuration and parameter values (what `copy.deepcopy` gives
    /// `TransformerEncoder`, whose layers therefore start identical, as in PyTorch).
    public func copy() throws -> TransformerEncoderLayer {
        let twin = try TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropoutP,
                                               activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                               normFirst: normFirst, bias: hasBias, dtype: dtype, generator: generator)
        for ((_, mine), (_, theirs)) in zip(namedParameters(), twin.namedParameters()) {
            try GradMode.withDisabled { try theirs.assign(mine) }
        }
        twin.train(training)
        return twin
    }

    private func sub(_ name: String) throws -> Module {
        guard let m = module(name) else { throw NNError("TransformerEncoderLayer: missing sub-module '\(name)'") }
        return m
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, srcMask: nil) }

    /// `forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`; src is `[S, N, E]`
    /// (`[N, S, E]` with batch_first) or unbatched `[S, E]`. Boolean masks mark positions to ignore.
    public func forward(_ src: Tensor, srcMask: Tensor?, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) throws -> Tensor {
        guard src.ndim == 2 || src.ndim == 3, src.shape.last == dModel else {
            throw NNError("TransformerEncoderLayer: expected src of shape [S, N, \(dModel)] (or [N, S, \(dModel)] with batch_first, or [S, \(dModel)]), got \(shapeString(src.shape))")
        }
        var x = src
        if normFirst {
            x = try x + (try selfAttentionBlock(try sub("norm1").forward(x), srcMask, srcKeyPaddingMask, isCausal))
            x = try x + (try feedForwardBlock(try sub("norm2").forward(x)))
        } else {
            x = try sub("norm1").forward(try x + (try selfAttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal)))
            x = try sub("norm2").forward(try x + (try feedForwardBlock(x)))
        }
        return x
    }

    private func feedForwardBlock(_ x: Tensor) throws -> Tensor {
        let hidden = try sub("dropout").forward(try activation.forward(try sub("linear1").forward(x)))
        return try sub("dropout2").forward(try sub("linear2").forward(hidden))
    }

    /// Multi-head self-attention with `self_attn`'s parameters (MultiheadAttention's math, plus
    /// dropout on the attention weights in training, as PyTorch's MHA with dropout=p).
    private func selfAttentionBlock(_ x: Tensor, _ attnMask: Tensor?, _ keyPaddingMask: Tensor?, _ isCausal: Bool) throws -> Tensor {
        guard let attention = try sub("self_attn") as? MultiheadAttention else { throw NNError("TransformerEncoderLayer: self_attn is not a MultiheadAttention") }
        let p = training ? dropoutP : 0
        if p == 0 {
            return try sub("dropout1").forward(try attention.forward(query: x, key: x, value: x, keyPaddingMask: keyPaddingMask, needWeights: false,
                                                                     attnMask: attnMask, isCausal: isCausal).0)
        }
        let unbatched = x.ndim == 2
        let batched = unbatched ? try x.unsqueeze(0) : (batchFirst ? x : try x.transpose(0, 1))      // [N, S, E]
        let n = batched.shape[0], s = batched.shape[1], e = dModel, h = nhead, hd = dModel / nhead
        guard let w = attention.parameter("in_proj_weight") else { throw NNError("TransformerEncoderLayer: self_attn.in_proj_weight must be a tensor, not None") }
        let b = attention.parameter("in_proj_bias")
        func project(_ part: Int) throws -> Tensor {
            let y = try F.linear(batched, weight: try w.slice(dim: 0, start: part * e, end: (part + 1) * e),
                                 bias: try b.map { try $0.slice(dim: 0, start: part * e, end: (part + 1) * e) })
            return try (try y.reshape([n, s, h, hd])).permute([0, 2, 1, 3])                       // [N, H, S, hd]
        }
        var mask: Tensor? = nil
        if let attnMask {
            guard attnMask.shape == [s, s] || attnMask.shape == [n * h, s, s] else {
                throw NNError("TransformerEncoderLayer: src_mask must be [\(s), \(s)] or [\(n * h), \(s), \(s)], got \(shapeString(attnMask.shape))")
            }
            let m = try additiveMask(attnMask)
            mask = m.ndim == 3 ? try m.reshape([n, h, s, s]) : m
        }
        if let keyPaddingMask {
            guard keyPaddingMask.shape == [n, s] || (unbatched && keyPaddingMask.shape == [s]) else {
                throw NNError("TransformerEncoderLayer: src_key_padding_mask must be [\(n), \(s)], got \(shapeString(keyPaddingMask.shape))")
            }
            let kp = try (try additiveMask(keyPaddingMask)).reshape([n, 1, 1, s])
            mask = try mask.map { try $0 + kp } ?? kp
        }
        if isCausal && mask == nil { mask = try additiveMask(try causalMask(s)) }
        let attended = try F.scaledDotProductAttention(try project(0), try project(1), try project(2), attnMask: mask, dropoutP: p,
                                                       generator: generator)
        let merged = try (try attended.permute([0, 2, 1, 3])).reshape([n, s, e])
        guard let outProj = attention.module("out_proj") else { throw NNError("TransformerEncoderLayer: self_attn.out_proj is missing") }
        var out = try outProj.forward(merged)
        out = unbatched ? try out.squeeze(0) : (batchFirst ? out : try out.transpose(0, 1))
        return try sub("dropout1").forward(out)
    }

    /// A boolean mask (True = ignore) as an additive −∞/0 float mask; float masks are kept.
    private func additiveMask(_ m: Tensor) throws -> Tensor {
        guard m.dtype == .bool else { return m }
        return try Tensor.constant(try m.doubleValues().map { $0 != 0 ? -Double.infinity : 0 }, shape: m.shape, dtype: dtype)
    }

    private func causalMask(_ s: Int) throws -> Tensor {
        var values = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in (i + 1)..<max(i + 1, s) { values[i * s + j] = 1 } }
        return try Tensor.constant(values, shape: [s, s], dtype: .bool)
    }
}

/// `TransformerEncoder(encoder_layer, num_layers, norm=None)`: `layers` holds `num_layers` copies of
/// the given layer (identical initial weights, as PyTorch's deepcopy), applied in turn, then `norm`.
public final class TransformerEncoder: Module {
    public let numLayers: Int
    public init(encoderLayer: TransformerEncoderLayer, numLayers: Int, norm: Module? = nil) throws {
        guard numLayers > 0 else { throw NNError("TransformerEncoder: num_layers must be positive, got \(numLayers)") }
        self.numLayers = numLayers
        super.init()
        registerModule("layers", ModuleList(try (0..<numLayers).map { _ in try encoderLayer.copy() }))
        if let norm { registerModule("norm", norm) }
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, mask: nil) }

    /// `forward(src, mask=None, src_key_padding_mask=None, is_causal=None)`.
    public func forward(_ src: Tensor, mask: Tensor?, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) throws -> Tensor {
        var x = src
        for case let layer as TransformerEncoderLayer in (module("layers")?.children.map(\.1) ?? []) {
            x = try layer.forward(x, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: isCausal)
        }
        if let norm = module("norm") { x = try norm.forward(x) }
        return x
    }
}
