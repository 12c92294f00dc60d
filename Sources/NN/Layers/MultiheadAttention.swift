import Autograd
import Tensor

/// `MultiheadAttention(embed_dim, num_heads, bias=True, batch_first=False)` with PyTorch's
/// parameters `in_proj_weight [3E, E]` (Xavier-uniform), `in_proj_bias [3E]` (0) and
/// `out_proj` (a Linear whose bias is zeroed). Returns the output and, when asked, the attention
/// weights averaged over heads (`[N, L, S]`) or per head (`[N, H, L, S]`).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int, batchFirst: Bool

    public init(embedDim: Int, numHeads: Int, bias: Bool = true, batchFirst: Bool = false, dtype: DType = .float32,
                generator: Generator) throws {
        guard numHeads > 0, embedDim > 0, embedDim % numHeads == 0 else {
            throw NNError("MultiheadAttention: embed_dim (\(embedDim)) must be divisible by num_heads (\(numHeads))")
        }
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.batchFirst = batchFirst
        super.init()
        registerParameter("in_proj_weight", try Init.xavierUniform([3 * embedDim, embedDim], dtype: dtype, generator: generator))
        registerParameter("in_proj_bias", bias ? try Init.constant([3 * embedDim], 0, dtype: dtype) : nil)
        let outProj = try Linear(inFeatures: embedDim, outFeatures: embedDim, bias: bias, dtype: dtype, generator: generator)
        if bias { outProj.registerParameter("bias", try Init.constant([embedDim], 0, dtype: dtype)) }
        registerModule("out_proj", outProj)
    }

    public override var extraRepr: String { "" }

    /// `forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)`.
    /// Inputs are `[L, N, E]` (`[N, L, E]` with batch_first) or unbatched `[L, E]`.
    public func forward(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil, needWeights: Bool = true,
                        attnMask: Tensor? = nil, averageAttnWeights: Bool = true, isCausal: Bool = false) throws -> (Tensor, Tensor?) {
        let unbatched = query.ndim == 2
        guard query.ndim == key.ndim, key.ndim == value.ndim, query.ndim == 2 || query.ndim == 3 else {
            throw NNError("MultiheadAttention: query, key and value must all be 2-d or 3-d, got \(shapeString(query.shape)), \(shapeString(key.shape)), \(shapeString(value.shape))")
        }
        // to [N, L, E]
        func batched(_ t: Tensor) throws -> Tensor {
            if unbatched { return try t.unsqueeze(0) }
            return batchFirst ? t : try t.transpose(0, 1)
        }
        let q = try batched(query), k = try batched(key), v = try batched(value)
        let e = embedDim, h = numHeads, hd = embedDim / numHeads
        guard q.shape[2] == e, k.shape[2] == e, v.shape[2] == e, k.shape[1] == v.shape[1], q.shape[0] == k.shape[0], k.shape[0] == v.shape[0] else {
            throw NNError("MultiheadAttention: expected embedding size \(e) and matching batch/key lengths, got query \(shapeString(query.shape)), key \(shapeString(key.shape)), value \(shapeString(value.shape))")
        }
        let n = q.shape[0], l = q.shape[1], s = k.shape[1]
        let w = parameter("in_proj_weight")!, b = parameter("in_proj_bias")
        func project(_ x: Tensor, _ part: Int) throws -> Tensor {
            let wPart = try w.slice(dim: 0, start: part * e, end: (part + 1) * e)
            let bPart = try b.map { try $0.slice(dim: 0, start: part * e, end: (part + 1) * e) }
            return try F.linear(x, weight: wPart, bias: bPart)
        }
        // [N, L, E] → [N, H, L, hd]
        func heads(_ x: Tensor, _ len: Int) throws -> Tensor {
            try (try x.reshape([n, len, h, hd])).permute([0, 2, 1, 3])
        }
        let qh = try heads(try project(q, 0), l), kh = try heads(try project(k, 1), s), vh = try heads(try project(v, 2), s)
        var mask: Tensor? = nil
        if let attnMask {
            var m = try floatMask(attnMask, dtype: q.dtype)
            if m.ndim == 3 { // [N·H, L, S]
                guard m.shape == [n * h, l, s] else {
                    throw NNError("MultiheadAttention: 3-d attn_mask must be [\(n * h), \(l), \(s)], got \(shapeString(m.shape))")
                }
                m = try m.reshape([n, h, l, s])
            } else {
                guard m.shape == [l, s] else { throw NNError("MultiheadAttention: 2-d attn_mask must be [\(l), \(s)], got \(shapeString(m.shape))") }
            }
            mask = m
        }
        if let keyPaddingMask {
            guard keyPaddingMask.shape == [n, s] || (unbatched && keyPaddingMask.shape == [s]) else {
                throw NNError("MultiheadAttention: key_padding_mask must be [\(n), \(s)], got \(shapeString(keyPaddingMask.shape))")
            }
            // True in a boolean key_padding_mask means "ignore"
            let kp: Tensor
            if keyPaddingMask.dtype == .bool {
                let bias = try keyPaddingMask.doubleValues().map { $0 != 0 ? -Double.infinity : 0 }
                kp = try Tensor.constant(bias, shape: [n, 1, 1, s], dtype: q.dtype)
            } else {
                kp = try keyPaddingMask.reshape([n, 1, 1, s])
            }
            mask = try mask.map { try $0 + kp } ?? kp
        }
        let (attended, weights) = try F.attention(qh, kh, vh, attnMask: mask, dropoutP: 0, isCausal: isCausal && mask == nil,
                                                  scale: nil, generator: nil)
        let merged = try (try attended.permute([0, 2, 1, 3])).reshape([n, l, e])
        var out = try module("out_proj")!.forward(merged)
        out = unbatched ? try out.squeeze(0) : (batchFirst ? out : try out.transpose(0, 1))
        guard needWeights else { return (out, nil) }
        var wOut = averageAttnWeights ? try weights.mean(dims: [1]) : weights
        if unbatched { wOut = try wOut.squeeze(0) }
        return (out, wOut)
    }

    private func floatMask(_ m: Tensor, dtype: DType) throws -> Tensor {
        guard m.dtype == .bool else { return m }
        // PyTorch's MHA: True in a boolean attn_mask means "not allowed"
        let bias = try m.doubleValues().map { $0 != 0 ? -Double.infinity : 0 }
        return try Tensor.constant(bias, shape: m.shape, dtype: dtype)
    }
}
