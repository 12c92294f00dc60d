import Autograd
import Foundation
import NN
import Tensor

/// Builds the module or function of a fixture case from its name and PyTorch kwargs, loads its
/// fixed weights, and runs it on the case's inputs.
struct BuiltCase {
    var module: Module?
    var call: ([Tensor]) throws -> [Tensor]
}

func tensor(_ f: FixtureTensor, requiresGrad: Bool = false) throws -> Tensor {
    let dtype: DType = f.dtype == "int64" ? .int64 : (f.dtype == "bool" ? .bool : .float64)
    return try Tensor(NDArray(doubles: f.data, shape: f.shape, dtype: dtype), requiresGrad: requiresGrad && dtype == .float64)
}

/// `module.path.to.name = Parameter(value)` for dotted PyTorch names.
func assignParameter(_ root: Module, _ name: String, _ value: FixtureTensor) throws {
    var parts = name.split(separator: ".").map(String.init)
    let last = parts.removeLast()
    var m = root
    for p in parts {
        guard let child = m.module(p) else { throw NNError("no submodule '\(p)' in \(name)") }
        m = child
    }
    guard m.hasParameter(last) else { throw NNError("no parameter '\(name)'") }
    try m.setParameter(last, try tensor(value, requiresGrad: true))
}

func assignBuffer(_ root: Module, _ name: String, _ value: FixtureTensor) throws {
    guard root.hasBuffer(name) else { throw NNError("no buffer '\(name)'") }
    root.registerBuffer(name, try tensor(value))
}

private func padding(_ c: FixtureCase) -> ConvPadding {
    if let s = c.kwargs["padding"] as? String { return try! ConvPadding(parsing: s) }
    return .explicit(c.ints("padding", [0]))
}

private func activation(_ name: String) -> Module {
    name == "tanh" ? Tanh() : ReLU()
}

/// Module cases: the constructor by case name prefix.
func buildModule(_ c: FixtureCase, _ g: Generator) throws -> Module? {
    let d = DType.float64
    let n = c.name
    func has(_ prefix: String) -> Bool { n.hasPrefix(prefix) }
    if has("linear") { return try Linear(inFeatures: c.int("in_features", 0), outFeatures: c.int("out_features", 0), bias: c.bool("bias", true), dtype: d, generator: g) }
    if has("flatten") { return Flatten(startDim: c.int("start_dim", 1), endDim: c.int("end_dim", -1)) }
    if has("mlp") { return try MLP(sizes: c.kwargs["sizes"] as! [Int], activation: activation(c.string("activation", "relu")), dtype: d, generator: g) }
    switch n {
    case "relu": return ReLU()
    case "sigmoid": return Sigmoid()
    case "tanh": return Tanh()
    case "leaky_relu": return LeakyReLU(negativeSlope: c.double("negative_slope", 0.01))
    case "gelu", "gelu_tanh": return GELU(approximate: c.string("approximate", "none"))
    case "softplus", "softplus_beta": return Softplus(beta: c.double("beta", 1), threshold: c.double("threshold", 20))
    case "softmax": return Softmax(dim: c.int("dim", -1))
    case "log_softmax": return LogSoftmax(dim: c.int("dim", -1))
    case "elu": return ELU()
    case "silu": return SiLU()
    default: break
    }
    let inC = c.int("in_channels", 0), outC = c.int("out_channels", 0), k = c.ints("kernel_size", [1])
    if has("conv_transpose1d") || has("conv_transpose2d") {
        let args = (inC, outC, k, c.ints("stride", [1]), c.ints("padding", [0]), c.ints("output_padding", [0]), c.ints("dilation", [1]))
        if has("conv_transpose1d") {
            return try ConvTranspose1d(inChannels: args.0, outChannels: args.1, kernelSize: args.2, stride: args.3, padding: args.4, outputPadding: args.5, groups: c.int("groups", 1), bias: c.bool("bias", true), dilation: args.6, dtype: d, generator: g)
        }
        return try ConvTranspose2d(inChannels: args.0, outChannels: args.1, kernelSize: args.2, stride: args.3, padding: args.4, outputPadding: args.5, groups: c.int("groups", 1), bias: c.bool("bias", true), dilation: args.6, dtype: d, generator: g)
    }
    if has("conv1d") { return try Conv1d(inChannels: inC, outChannels: outC, kernelSize: k, stride: c.ints("stride", [1]), padding: padding(c), dilation: c.ints("dilation", [1]), groups: c.int("groups", 1), bias: c.bool("bias", true), paddingMode: c.string("padding_mode", "zeros"), dtype: d, generator: g) }
    if has("conv2d") { return try Conv2d(inChannels: inC, outChannels: outC, kernelSize: k, stride: c.ints("stride", [1]), padding: padding(c), dilation: c.ints("dilation", [1]), groups: c.int("groups", 1), bias: c.bool("bias", true), paddingMode: c.string("padding_mode", "zeros"), dtype: d, generator: g) }
    if has("conv3d") { return try Conv3d(inChannels: inC, outChannels: outC, kernelSize: k, stride: c.ints("stride", [1]), padding: padding(c), dilation: c.ints("dilation", [1]), groups: c.int("groups", 1), bias: c.bool("bias", true), paddingMode: c.string("padding_mode", "zeros"), dtype: d, generator: g) }
    let poolStride = c.kwargs["stride"] == nil ? nil : c.ints("stride", [1]), ceil = c.bool("ceil_mode", false)
    if has("max_pool2d") { return try MaxPool2d(kernelSize: k, stride: poolStride, padding: c.ints("padding", [0]), dilation: c.ints("dilation", [1]), ceilMode: ceil) }
    if has("avg_pool2d") { return try AvgPool2d(kernelSize: k, stride: poolStride, padding: c.ints("padding", [0]), ceilMode: ceil, countIncludePad: c.bool("count_include_pad", true)) }
    if has("max_pool1d") { return try MaxPool1d(kernelSize: k, stride: poolStride, padding: c.ints("padding", [0]), dilation: c.ints("dilation", [1]), ceilMode: ceil) }
    if has("avg_pool1d") { return try AvgPool1d(kernelSize: k, stride: poolStride, padding: c.ints("padding", [0]), ceilMode: ceil, countIncludePad: c.bool("count_include_pad", true)) }
    if has("adaptive_max_pool") { return try AdaptiveMaxPool(outputSize: adaptiveSizes(c), spatialDims: has("adaptive_max_pool2d") ? 2 : 1) }
    if has("adaptive_avg_pool") { return try AdaptiveAvgPool(outputSize: adaptiveSizes(c), spatialDims: has("adaptive_avg_pool2d") ? 2 : 1) }
    if has("unflatten") { return try Unflatten(dim: c.int("dim", 0), unflattenedSize: c.ints("unflattened_size", [])) }
    if has("batch_norm2d") || has("batch_norm3d") {
        let (nf, eps, aff, track, bias) = (c.int("num_features", 0), c.double("eps", 1e-5), c.bool("affine", true), c.bool("track_running_stats", true), c.bool("bias", true))
        let mom: Double? = c.kwargs["momentum"] is NSNull ? nil : c.double("momentum", 0.1)
        if has("batch_norm2d") { return try BatchNorm2d(numFeatures: nf, eps: eps, momentum: mom, affine: aff, trackRunningStats: track, bias: bias, dtype: d) }
        return try BatchNorm3d(numFeatures: nf, eps: eps, momentum: mom, affine: aff, trackRunningStats: track, bias: bias, dtype: d)
    }
    if has("instance_norm") {
        return try InstanceNorm(numFeatures: c.int("num_features", 0), spatialDims: has("instance_norm1d") ? 1 : 2, eps: c.double("eps", 1e-5),
                                momentum: c.double("momentum", 0.1), affine: c.bool("affine", false), trackRunningStats: c.bool("track_running_stats", false), dtype: d)
    }
    if has("group_norm") { return try GroupNorm(numGroups: c.int("num_groups", 1), numChannels: c.int("num_channels", 0), eps: c.double("eps", 1e-5), affine: c.bool("affine", true), bias: c.bool("bias", true), dtype: d) }
    if has("embedding") { return try Embedding(numEmbeddings: c.int("num_embeddings", 0), embeddingDim: c.int("embedding_dim", 0), paddingIdx: c.kwargs["padding_idx"] as? Int, dtype: d, generator: g) }
    if has("layer_norm") { return try LayerNorm(normalizedShape: c.ints("normalized_shape", []), eps: c.double("eps", 1e-5), elementwiseAffine: c.bool("elementwise_affine", true), dtype: d) }
    if has("batch_norm1d") { return try BatchNorm1d(numFeatures: c.int("num_features", 0), momentum: c.double("momentum", 0.1), dtype: d) }
    if has("transformer_encoder") {
        let activation: Module = c.string("activation", "relu") == "gelu" ? GELU() : ReLU()
        let layer = try TransformerEncoderLayer(dModel: c.int("d_model", 0), nhead: c.int("nhead", 1), dimFeedforward: c.int("dim_feedforward", 2048),
                                                dropout: c.double("dropout", 0.1), activation: activation, layerNormEps: c.double("layer_norm_eps", 1e-5),
                                                batchFirst: c.bool("batch_first", false), normFirst: c.bool("norm_first", false), bias: c.bool("bias", true),
                                                dtype: d, generator: g)
        guard has("transformer_encoder_2layers") else { return layer }
        return try TransformerEncoder(encoderLayer: layer, numLayers: c.int("num_layers", 1),
                                      norm: c.bool("norm", false) ? try LayerNorm(normalizedShape: [c.int("d_model", 0)], dtype: d) : nil)
    }
    if has("mha") { return try MultiheadAttention(embedDim: c.int("embed_dim", 0), numHeads: c.int("num_heads", 1), bias: c.bool("bias", true), batchFirst: c.bool("batch_first", false), dtype: d, generator: g) }
    let inS = c.int("input_size", 0), hS = c.int("hidden_size", 0)
    if has("rnn_cell") { return try RNNCell(inputSize: inS, hiddenSize: hS, bias: c.bool("bias", true), nonlinearity: c.string("nonlinearity", "tanh"), dtype: d, generator: g) }
    if has("gru_cell") { return try GRUCell(inputSize: inS, hiddenSize: hS, dtype: d, generator: g) }
    if has("lstm_cell") { return try LSTMCell(inputSize: inS, hiddenSize: hS, dtype: d, generator: g) }
    let layers = c.int("num_layers", 1), bf = c.bool("batch_first", false), bias = c.bool("bias", true)
    let drop = c.double("dropout", 0), bidir = c.bool("bidirectional", false)
    if has("rnn") { return try RNN(inputSize: inS, hiddenSize: hS, numLayers: layers, nonlinearity: c.string("nonlinearity", "tanh"), bias: bias, batchFirst: bf, dropout: drop, bidirectional: bidir, dtype: d, generator: g) }
    if has("gru") { return try GRU(inputSize: inS, hiddenSize: hS, numLayers: layers, bias: bias, batchFirst: bf, dropout: drop, bidirectional: bidir, dtype: d, generator: g) }
    if has("lstm") { return try LSTM(inputSize: inS, hiddenSize: hS, numLayers: layers, bias: bias, batchFirst: bf, dropout: drop, bidirectional: bidir, dtype: d, generator: g) }
    if has("graph_network") {
        // sub-model shapes follow the fixture's parameter names
        let shapes = Dictionary(c.paramNames.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        func lin(_ prefix: String) throws -> Linear {
            let s = shapes[prefix + ".weight"]!
            return try Linear(inFeatures: s[1], outFeatures: s[0], dtype: d, generator: g)
        }
        return GraphNetwork(edgeModel: .module(try lin("edge_model")), nodeModel: .module(try lin("node_model")),
                            globalModel: .module(try lin("global_model")),
                            aggregation: try GraphNetwork.Aggregation(parsing: c.string("aggregation", "sum")))
    }
    return nil
}

/// How to call the module (or function) of a case on its inputs, returning flat outputs.
func buildCase(_ c: FixtureCase) throws -> BuiltCase {
    let g = Generator(seed: 0)
    if let m = try buildModule(c, g) {
        for (name, value) in c.params { try assignParameter(m, name, value) }
        for (name, value) in (c.raw["buffers_before"] as? [String: Any] ?? [:]).compactMapValues({ FixtureTensor($0) }) {
            try assignBuffer(m, name, value)
        }
        m.train(c.train)
        let call: ([Tensor]) throws -> [Tensor]
        switch m {
        case let mha as MultiheadAttention:
            let callArgs = c.raw["call"] as? [String: Any] ?? [:]
            call = { x in
                let mask = (callArgs["attn_mask"] as? Int).map { x[$0] }
                let kpm = (callArgs["key_padding_mask"] as? Int).map { x[$0] }
                let (out, w) = try mha.forward(query: x[0], key: x[1], value: x[2], keyPaddingMask: kpm, attnMask: mask,
                                               averageAttnWeights: callArgs["average_attn_weights"] as? Bool ?? true)
                return [out, w!]
            }
        case let cell as LSTMCell:
            call = { x in let (h, c) = try cell.forward(x[0], (x[1], x[2])); return [h, c] }
        case let cell as RNNCell: call = { x in [try cell.forward(x[0], x.count > 1 ? x[1] : nil)] }
        case let cell as GRUCell: call = { x in [try cell.forward(x[0], x.count > 1 ? x[1] : nil)] }
        case let lstm as LSTM:
            call = { x in
                let (out, (h, c)) = try lstm.forward(x[0], x.count > 2 ? (x[1], x[2]) : nil)
                return [out, h, c]
            }
        case let rnn as RNN: call = { x in let (o, h) = try rnn.forward(x[0], x.count > 1 ? x[1] : nil); return [o, h] }
        case let gru as GRU: call = { x in let (o, h) = try gru.forward(x[0], x.count > 1 ? x[1] : nil); return [o, h] }
        case let t as TransformerEncoderLayer:
            call = { x in [try t.forward(x[0], srcMask: x.count > 1 ? x[1] : nil, srcKeyPaddingMask: x.count > 2 ? x[2] : nil)] }
        case let t as TransformerEncoder:
            call = { x in [try t.forward(x[0], mask: nil, srcKeyPaddingMask: x.count > 1 ? x[1] : nil)] }
        case let gn as GraphNetwork:
            call = { x in
                let (v, e, u) = try gn.forward(nodes: x[0], edges: x[1], senders: x[2], receivers: x[3], globals: x[4])
                return [v, e, u]
            }
        default:
            // batch_norm1d_two_steps: buffers_before already holds the statistics after the first forward
            call = { x in [try m.forward(x[0])] }
        }
        return BuiltCase(module: m, call: call)
    }
    return BuiltCase(module: nil, call: try functionalCall(c))
}

/// Functional and loss cases.
func functionalCall(_ c: FixtureCase) throws -> ([Tensor]) throws -> [Tensor] {
    let n = c.name
    let reduction = try Reduction(parsing: c.string("reduction", "mean"))
    if n.hasPrefix("sdpa") {
        return { x in
            let mask = x.count > 3 ? x[3] : nil
            return [try F.scaledDotProductAttention(x[0], x[1], x[2], attnMask: mask, isCausal: c.bool("is_causal", false),
                                                    scale: c.kwargs["scale"] == nil ? nil : c.double("scale", 1))]
        }
    }
    if n.hasPrefix("mse") { return { x in [try F.mseLoss(x[0], x[1], reduction: reduction)] } }
    if n.hasPrefix("cross_entropy") {
        return { x in
            let weight = n == "cross_entropy_weight" ? x[2] : nil
            return [try F.crossEntropy(x[0], x[1], weight: weight, ignoreIndex: c.int("ignore_index", -100), reduction: reduction,
                                       labelSmoothing: c.double("label_smoothing", 0))]
        }
    }
    if n.hasPrefix("nll") { return { x in [try F.nllLoss(x[0], x[1], reduction: reduction)] } }
    if n.hasPrefix("bce_logits") {
        return { x in [try F.binaryCrossEntropyWithLogits(x[0], x[1], posWeight: x.count > 2 ? x[2] : nil, reduction: reduction)] }
    }
    if n.hasPrefix("bce") { return { x in [try F.binaryCrossEntropy(x[0], x[1], reduction: reduction)] } }
    switch n {
    case "one_hot": return { x in [try F.oneHot(x[0], numClasses: c.int("num_classes", -1))] }
    case "one_hot_infer": return { x in [try F.oneHot(x[0])] }
    case "f_conv1d": return { x in [try F.conv1d(x[0], weight: x[1], bias: x[2], stride: c.ints("stride", [1]), padding: .explicit(c.ints("padding", [0])))] }
    case "f_conv2d_nobias": return { x in [try F.conv2d(x[0], weight: x[1], padding: .same, dilation: c.ints("dilation", [1]))] }
    case "f_conv_transpose2d": return { x in [try F.convTranspose2d(x[0], weight: x[1], stride: c.ints("stride", [1]))] }
    case "f_linear": return { x in [try F.linear(x[0], weight: x[1], bias: x[2])] }
    case "f_layer_norm": return { x in [try F.layerNorm(x[0], normalizedShape: c.ints("normalized_shape", []), weight: x[1], bias: x[2])] }
    case "f_embedding": return { x in [try F.embedding(x[0], weight: x[1])] }
    case "f_batch_norm_eval":
        return { x in [try F.batchNorm(x[0], runningMean: x[1], runningVar: x[2], weight: x[3], bias: x[4], training: false, eps: c.double("eps", 1e-5))] }
    case "f_batch_norm_train": return { x in [try F.batchNorm(x[0], runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true)] }
    case "f_group_norm": return { x in [try F.groupNorm(x[0], numGroups: c.int("num_groups", 1), weight: x[1], bias: x[2])] }
    case "f_max_pool1d":
        return { x in [try F.maxPool1d(x[0], kernelSize: c.ints("kernel_size", [1]), stride: c.ints("stride", [1]), ceilMode: c.bool("ceil_mode", false))] }
    case "f_avg_pool1d": return { x in [try F.avgPool1d(x[0], kernelSize: c.ints("kernel_size", [1]), padding: c.ints("padding", [0]))] }
    case let n where n.hasPrefix("f_interpolate"):
        let size: [Int]? = c.kwargs["size"] == nil ? nil : c.ints("size", [])
        let factors: [Double]? = c.kwargs["scale_factor"].map { v in (v as? [NSNumber])?.map(\.doubleValue) ?? [(v as! NSNumber).doubleValue] }
        return { x in [try F.interpolate(x[0], size: size, scaleFactor: factors, mode: c.string("mode", "nearest"),
                                         alignCorners: c.kwargs["align_corners"] as? Bool)] }
    case let n where n.hasPrefix("f_pad_sequence"):
        return { x in [try F.padSequence(x, batchFirst: c.bool("batch_first", false), paddingValue: c.double("padding_value", 0),
                                         paddingSide: c.string("padding_side", "right"))] }
    case let n where n.hasPrefix("f_pad"):
        return { x in [try F.pad(x[0], c.ints("pad", []), mode: c.string("mode", "constant"), value: c.double("value", 0))] }
    case "f_adaptive_avg_pool2d": return { x in [try F.adaptiveAvgPool(x[0], outputSize: adaptiveSizes(c), spatialDims: 2)] }
    case "f_adaptive_avg_pool1d": return { x in [try F.adaptiveAvgPool(x[0], outputSize: adaptiveSizes(c), spatialDims: 1)] }
    default: throw NNError("no builder for fixture case '\(n)'")
    }
}

/// Adaptive pooling's `output_size` kwarg: an int or a list whose entries may be null (keep the size).
func adaptiveSizes(_ c: FixtureCase) -> [Int?] {
    if let n = c.kwargs["output_size"] as? Int { return [n] }
    return (c.kwargs["output_size"] as? [Any] ?? []).map { $0 as? Int }
}
