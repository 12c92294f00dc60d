import Autograd
import NN
import Tensor

extension Arguments {
    /// `3` or `(3, 3)` → `[3]` / `[3, 3]` (the library repeats a single value).
    func sizes(_ name: String) throws -> [Int] {
        switch self[name] {
        case .int(let i): return [i]
        case .list, .tuple: return try interpreter.iterateToArray(self[name]).map { try interpreter.intValue($0) }
        case let v: throw typeError(name, "an int or a tuple of ints", v)
        }
    }

    func optionalSizes(_ name: String) throws -> [Int]? { isNone(name) ? nil : try sizes(name) }

    func convPadding(_ name: String = "padding") throws -> ConvPadding {
        if case .str(let s) = self[name] { return try interpreter.engine { try ConvPadding(parsing: s) } }
        return .explicit(try sizes(name))
    }

    func reduction(_ name: String = "reduction") throws -> Reduction {
        try interpreter.engine { try Reduction(parsing: try string(name)) }
    }

    var dtypeOrDefault: DType { get throws { try dtype() ?? .float32 } }

    /// `scale_factor`: a number or a tuple of numbers (None → nil).
    func scaleFactors(_ name: String = "scale_factor") throws -> [Double]? {
        switch self[name] {
        case .none: return nil
        case .list, .tuple:
            return try interpreter.iterateToArray(self[name]).map { v in
                guard let d = interpreter.number(v) else { throw typeError(name, "a number or a tuple of numbers", v) }
                return d
            }
        case let v:
            guard let d = interpreter.number(v) else { throw typeError(name, "a number or a tuple of numbers", v) }
            return [d]
        }
    }

    /// Adaptive pooling's `output_size`: `5`, `None`, or a tuple whose entries may be `None` (keep that size).
    func adaptiveSizes(_ name: String = "output_size") throws -> [Int?] {
        switch self[name] {
        case .int(let i): return [i]
        case .none: return [nil]
        case .list, .tuple:
            return try interpreter.iterateToArray(self[name]).map { $0.isNone ? nil : try interpreter.intValue($0) }
        case let v: throw typeError(name, "an int, None or a tuple of them", v)
        }
    }
}

extension Library {
    /// Registers a library module class under `name` (global and in `nn`): calling it
    /// binds the PyTorch signature and builds the module.
    func moduleClass(_ name: String, _ signature: String, doc: String,
                     matches: @escaping (NN.Module) -> Bool, _ make: @escaping (Arguments) throws -> NN.Module) {
        let constructor = makeFunction(name, signature, doc: doc) { a in
            let module = try a.interpreter.engine { try make(a) }
            let value = a.interpreter.wrap(module)
            if case .object(let o as ModuleObject) = value {
                for (i, n) in a.function.signature.names.enumerated() where !a.values[i].isNone {
                    if case .object(let e) = a.values[i], e is EllipsisObject { continue }
                    o.configuration[n] = a.values[i]
                }
            }
            return value
        }
        value(name, .object(LibraryClass(name: name, constructor: constructor, matches: matches)), in: ["nn"])
    }

    func registerLayers() {
        moduleClass("Linear", "in_features, out_features, bias=True, dtype=None", doc: "y = x Wᵀ + b, initialised as PyTorch does.", matches: { $0 is NN.Linear }) { a in
            try NN.Linear(inFeatures: try a.int("in_features"), outFeatures: try a.int("out_features"), bias: try a.bool("bias"),
                          dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("Sequential", "*modules", doc: "Runs the modules in order.", matches: { $0 is NN.Sequential }) { a in
            NN.Sequential(try a.rest.map { try a.interpreter.moduleValue($0, "Sequential() argument") })
        }
        moduleClass("ModuleList", "modules=None", doc: "A list of modules whose parameters are registered.", matches: { $0 is NN.ModuleList }) { a in
            NN.ModuleList(a.isNone("modules") ? [] : try a.interpreter.iterateToArray(a["modules"]).map { try a.interpreter.moduleValue($0, "ModuleList() item") })
        }
        moduleClass("MLP", "sizes, activation=relu, dtype=None", doc: "Linear layers of the given sizes with the activation between them.", matches: { $0 is NN.MLP }) { a in
            let rt = a.interpreter
            let sizes = try rt.iterateToArray(a["sizes"]).map { try rt.intValue($0) }
            var activationValue = a["activation"]
            if case .str("relu") = activationValue { activationValue = rt.library.globalValues["ReLU"] ?? .none }
            let activation = activationValue
            var failure: Error?
            let module = try NN.MLP(sizes: sizes, activation: {
                do { return try rt.moduleValue(activation, "MLP() activation") } catch { failure = error; return NN.Identity() }
            }(), dtype: try a.dtypeOrDefault, generator: rt.generator)
            if let failure = failure { throw failure }
            return module
        }
        let simple: [(String, () -> NN.Module, (NN.Module) -> Bool)] = [
            ("ReLU", { NN.ReLU() }, { $0 is NN.ReLU }), ("Sigmoid", { NN.Sigmoid() }, { $0 is NN.Sigmoid }),
            ("Tanh", { NN.Tanh() }, { $0 is NN.Tanh }), ("SiLU", { NN.SiLU() }, { $0 is NN.SiLU }),
            ("Identity", { NN.Identity() }, { $0 is NN.Identity }),
        ]
        for (name, make, matches) in simple {
            moduleClass(name, "", doc: "The \(name) activation as a module.", matches: matches) { _ in make() }
        }
        moduleClass("LeakyReLU", "negative_slope=0.01", doc: "x if x > 0 else negative_slope·x.", matches: { $0 is NN.LeakyReLU }) { a in
            NN.LeakyReLU(negativeSlope: try a.double("negative_slope"))
        }
        moduleClass("GELU", "approximate='none'", doc: "Gaussian error linear unit.", matches: { $0 is NN.GELU }) { a in
            NN.GELU(approximate: try a.string("approximate"))
        }
        moduleClass("Softplus", "beta=1.0, threshold=20.0", doc: "Smooth ReLU.", matches: { $0 is NN.Softplus }) { a in
            NN.Softplus(beta: try a.double("beta"), threshold: try a.double("threshold"))
        }
        moduleClass("ELU", "alpha=1.0", doc: "Exponential linear unit.", matches: { $0 is NN.ELU }) { a in NN.ELU(alpha: try a.double("alpha")) }
        moduleClass("Softmax", "dim=None", doc: "Softmax along dim.", matches: { $0 is NN.Softmax }) { a in
            guard let dim = try a.optionalInt("dim") else { throw LangError("Softmax(): pass dim explicitly") }
            return NN.Softmax(dim: dim)
        }
        moduleClass("LogSoftmax", "dim=None", doc: "Log-softmax along dim.", matches: { $0 is NN.LogSoftmax }) { a in
            guard let dim = try a.optionalInt("dim") else { throw LangError("LogSoftmax(): pass dim explicitly") }
            return NN.LogSoftmax(dim: dim)
        }
        moduleClass("Flatten", "start_dim=1, end_dim=-1", doc: "Flattens dims start_dim..end_dim.", matches: { $0 is NN.Flatten }) { a in
            NN.Flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim"))
        }
        for (name, dims) in [("Conv1d", 1), ("Conv2d", 2), ("Conv3d", 3)] {
            moduleClass(name, "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', dtype=None",
                        doc: "A \(dims)-d convolution (cross-correlation) layer.", matches: { type(of: $0).self == (dims == 1 ? NN.Conv1d.self : dims == 2 ? NN.Conv2d.self : NN.Conv3d.self) as NN.Module.Type }) { a in
                let (i, o, k) = (try a.int("in_channels"), try a.int("out_channels"), try a.sizes("kernel_size"))
                let (s, p, d, g, b) = (try a.sizes("stride"), try a.convPadding(), try a.sizes("dilation"), try a.int("groups"), try a.bool("bias"))
                let dt = try a.dtypeOrDefault
                let gen = a.interpreter.generator
                let pm = try a.string("padding_mode")
                switch dims {
                case 1: return try NN.Conv1d(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, dilation: d, groups: g, bias: b, paddingMode: pm, dtype: dt, generator: gen)
                case 2: return try NN.Conv2d(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, dilation: d, groups: g, bias: b, paddingMode: pm, dtype: dt, generator: gen)
                default: return try NN.Conv3d(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, dilation: d, groups: g, bias: b, paddingMode: pm, dtype: dt, generator: gen)
                }
            }
        }
        for (name, dims) in [("ConvTranspose1d", 1), ("ConvTranspose2d", 2)] {
            moduleClass(name, "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, dtype=None",
                        doc: "A \(dims)-d transposed convolution layer.", matches: { type(of: $0).self == (dims == 1 ? NN.ConvTranspose1d.self : NN.ConvTranspose2d.self) as NN.Module.Type }) { a in
                let (i, o, k) = (try a.int("in_channels"), try a.int("out_channels"), try a.sizes("kernel_size"))
                let (s, p, op, g, b, d) = (try a.sizes("stride"), try a.sizes("padding"), try a.sizes("output_padding"), try a.int("groups"), try a.bool("bias"), try a.sizes("dilation"))
                let dt = try a.dtypeOrDefault
                let gen = a.interpreter.generator
                if dims == 1 {
                    return try NN.ConvTranspose1d(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, outputPadding: op, groups: g, bias: b, dilation: d, dtype: dt, generator: gen)
                }
                return try NN.ConvTranspose2d(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, outputPadding: op, groups: g, bias: b, dilation: d, dtype: dt, generator: gen)
            }
        }
        moduleClass("MaxPool2d", "kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False", doc: "2-d max pooling.", matches: { $0 is NN.MaxPool2d }) { a in
            try NN.MaxPool2d(kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"), padding: try a.sizes("padding"),
                             dilation: try a.sizes("dilation"), ceilMode: try a.bool("ceil_mode"))
        }
        moduleClass("AvgPool2d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None", doc: "2-d average pooling.", matches: { $0 is NN.AvgPool2d }) { a in
            try NN.AvgPool2d(kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"), padding: try a.sizes("padding"),
                             ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"),
                             divisorOverride: try a.optionalInt("divisor_override"))
        }
        registerMoreLayers()
        moduleClass("Embedding", "num_embeddings, embedding_dim, padding_idx=None, dtype=None", doc: "A lookup table of embedding vectors.", matches: { $0 is NN.Embedding }) { a in
            try NN.Embedding(numEmbeddings: try a.int("num_embeddings"), embeddingDim: try a.int("embedding_dim"),
                             paddingIdx: try a.optionalInt("padding_idx"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("LayerNorm", "normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, dtype=None", doc: "Layer normalisation over the last dims.", matches: { $0 is NN.LayerNorm }) { a in
            try NN.LayerNorm(normalizedShape: try a.sizes("normalized_shape"), eps: try a.double("eps"),
                             elementwiseAffine: try a.bool("elementwise_affine"), bias: try a.bool("bias"), dtype: try a.dtypeOrDefault)
        }
        moduleClass("BatchNorm1d", "num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, dtype=None, *, bias=True", doc: "Batch normalisation.", matches: { $0 is NN.BatchNorm1d }) { a in
            try NN.BatchNorm1d(numFeatures: try a.int("num_features"), eps: try a.double("eps"), momentum: try a.optionalDouble("momentum"),
                               affine: try a.bool("affine"), trackRunningStats: try a.bool("track_running_stats"), bias: try a.bool("bias"),
                               dtype: try a.dtypeOrDefault)
        }
        moduleClass("Dropout", "p=0.5", doc: "Zeroes elements with probability p in training (session generator).", matches: { $0 is NN.Dropout }) { a in
            try NN.Dropout(p: try a.double("p"), generator: a.interpreter.generator)
        }
        moduleClass("MultiheadAttention", "embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False, dtype=None", doc: "Multi-head attention: returns (output, weights).", matches: { $0 is NN.MultiheadAttention }) { a in
            if try a.double("dropout") != 0 { throw LangError("MultiheadAttention: dropout is not supported (use 0.0)") }
            return try NN.MultiheadAttention(embedDim: try a.int("embed_dim"), numHeads: try a.int("num_heads"), bias: try a.bool("bias"),
                                             batchFirst: try a.bool("batch_first"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("RNN", "input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False, dtype=None", doc: "Elman RNN: returns (output, h_n).", matches: { $0 is NN.RNN }) { a in
            try NN.RNN(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), numLayers: try a.int("num_layers"),
                       nonlinearity: try a.string("nonlinearity"), bias: try a.bool("bias"), batchFirst: try a.bool("batch_first"),
                       dropout: try a.double("dropout"), bidirectional: try a.bool("bidirectional"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("GRU", "input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, dtype=None", doc: "GRU: returns (output, h_n).", matches: { $0 is NN.GRU }) { a in
            try NN.GRU(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), numLayers: try a.int("num_layers"),
                       bias: try a.bool("bias"), batchFirst: try a.bool("batch_first"), dropout: try a.double("dropout"),
                       bidirectional: try a.bool("bidirectional"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("LSTM", "input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, dtype=None", doc: "LSTM: returns (output, (h_n, c_n)).", matches: { $0 is NN.LSTM }) { a in
            try NN.LSTM(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), numLayers: try a.int("num_layers"),
                        bias: try a.bool("bias"), batchFirst: try a.bool("batch_first"), dropout: try a.double("dropout"),
                        bidirectional: try a.bool("bidirectional"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("RNNCell", "input_size, hidden_size, bias=True, nonlinearity='tanh', dtype=None", doc: "One RNN step: returns h'.", matches: { $0 is NN.RNNCell }) { a in
            try NN.RNNCell(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), bias: try a.bool("bias"),
                           nonlinearity: try a.string("nonlinearity"), dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("GRUCell", "input_size, hidden_size, bias=True, dtype=None", doc: "One GRU step: returns h'.", matches: { $0 is NN.GRUCell }) { a in
            try NN.GRUCell(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), bias: try a.bool("bias"),
                           dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("LSTMCell", "input_size, hidden_size, bias=True, dtype=None", doc: "One LSTM step: returns (h', c').", matches: { $0 is NN.LSTMCell }) { a in
            try NN.LSTMCell(inputSize: try a.int("input_size"), hiddenSize: try a.int("hidden_size"), bias: try a.bool("bias"),
                            dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("GraphNetwork", "edge_model, node_model, global_model, aggregation='sum'", doc: "Battaglia et al. (2018) graph-network block: gn(nodes, edges, senders, receivers, globals).", matches: { $0 is NN.GraphNetwork }) { a in
            let rt = a.interpreter
            func model(_ name: String) throws -> NN.GraphNetwork.Model { .module(try rt.moduleValue(a[name], "GraphNetwork() \(name)")) }
            return NN.GraphNetwork(edgeModel: try model("edge_model"), nodeModel: try model("node_model"), globalModel: try model("global_model"),
                                   aggregation: try rt.engine { try NN.GraphNetwork.Aggregation(parsing: try a.string("aggregation")) })
        }
        moduleClass("MSELoss", "reduction='mean'", doc: "Mean squared error.", matches: { $0 is NN.MSELoss }) { a in
            NN.MSELoss(reduction: try a.reduction())
        }
        moduleClass("CrossEntropyLoss", "weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0", doc: "Cross-entropy of logits with class indices or probabilities.", matches: { $0 is NN.CrossEntropyLoss }) { a in
            NN.CrossEntropyLoss(weight: try a.optionalTensor("weight"), ignoreIndex: try a.int("ignore_index"), reduction: try a.reduction(),
                                labelSmoothing: try a.double("label_smoothing"))
        }
        moduleClass("NLLLoss", "weight=None, ignore_index=-100, reduction='mean'", doc: "Negative log-likelihood of log-probabilities.", matches: { $0 is NN.NLLLoss }) { a in
            NN.NLLLoss(weight: try a.optionalTensor("weight"), ignoreIndex: try a.int("ignore_index"), reduction: try a.reduction())
        }
        moduleClass("BCELoss", "weight=None, reduction='mean'", doc: "Binary cross-entropy of probabilities.", matches: { $0 is NN.BCELoss }) { a in
            NN.BCELoss(weight: try a.optionalTensor("weight"), reduction: try a.reduction())
        }
        moduleClass("BCEWithLogitsLoss", "weight=None, reduction='mean', pos_weight=None", doc: "Binary cross-entropy of logits.", matches: { $0 is NN.BCEWithLogitsLoss }) { a in
            NN.BCEWithLogitsLoss(weight: try a.optionalTensor("weight"), reduction: try a.reduction(), posWeight: try a.optionalTensor("pos_weight"))
        }
    }
}

extension Library {
    /// Pooling, normalisation, dropout and container layers added after the spec's set.
    func registerMoreLayers() {
        registerInit()
        registerMoreModuleMethods()
        moduleClass("MaxPool1d", "kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False", doc: "1-d max pooling.", matches: { $0 is NN.MaxPool1d }) { a in
            try NN.MaxPool1d(kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"), padding: try a.sizes("padding"),
                             dilation: try a.sizes("dilation"), ceilMode: try a.bool("ceil_mode"))
        }
        moduleClass("AvgPool1d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True", doc: "1-d average pooling.", matches: { $0 is NN.AvgPool1d }) { a in
            try NN.AvgPool1d(kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"), padding: try a.sizes("padding"),
                             ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"))
        }
        for dims in [1, 2] {
            moduleClass("AdaptiveAvgPool\(dims)d", "output_size", doc: "Average pooling to a fixed output size (PyTorch's bins).",
                        matches: { ($0 as? NN.AdaptiveAvgPool)?.spatialDims == dims }) { a in
                try NN.AdaptiveAvgPool(outputSize: try a.adaptiveSizes(), spatialDims: dims)
            }
        }
        for dims in [2, 3] {
            moduleClass("BatchNorm\(dims)d", "num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, dtype=None, *, bias=True", doc: "Batch normalisation over N and the spatial dimensions.", matches: { $0.typeName == "BatchNorm\(dims)d" }) { a in
                let (n, eps, momentum) = (try a.int("num_features"), try a.double("eps"), try a.optionalDouble("momentum"))
                let (affine, track, bias, dtype) = (try a.bool("affine"), try a.bool("track_running_stats"), try a.bool("bias"), try a.dtypeOrDefault)
                return dims == 2
                    ? try NN.BatchNorm2d(numFeatures: n, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track, bias: bias, dtype: dtype)
                    : try NN.BatchNorm3d(numFeatures: n, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track, bias: bias, dtype: dtype)
            }
        }
        for dims in [1, 2] {
            moduleClass("AdaptiveMaxPool\(dims)d", "output_size, return_indices=False", doc: "Max pooling to a fixed output size (PyTorch's bins).",
                        matches: { ($0 as? NN.AdaptiveMaxPool)?.spatialDims == dims }) { a in
                if try a.bool("return_indices") { throw LangError("AdaptiveMaxPool\(dims)d: return_indices=True is not supported") }
                return try NN.AdaptiveMaxPool(outputSize: try a.adaptiveSizes(), spatialDims: dims)
            }
        }
        for dims in [1, 2, 3] {
            moduleClass("InstanceNorm\(dims)d", "num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, dtype=None, *, bias=True", doc: "Normalises each sample's channels over their positions.",
                        matches: { ($0 as? NN.InstanceNorm)?.spatialDims == dims }) { a in
                try NN.InstanceNorm(numFeatures: try a.int("num_features"), spatialDims: dims, eps: try a.double("eps"), momentum: try a.double("momentum"),
                                    affine: try a.bool("affine"), trackRunningStats: try a.bool("track_running_stats"), bias: try a.bool("bias"),
                                    dtype: try a.dtypeOrDefault)
            }
        }
        moduleClass("GroupNorm", "num_groups, num_channels, eps=1e-05, affine=True, dtype=None, *, bias=True", doc: "Group normalisation.", matches: { $0 is NN.GroupNorm }) { a in
            try NN.GroupNorm(numGroups: try a.int("num_groups"), numChannels: try a.int("num_channels"), eps: try a.double("eps"),
                             affine: try a.bool("affine"), bias: try a.bool("bias"), dtype: try a.dtypeOrDefault)
        }
        for dims in [1, 2, 3] {
            moduleClass("Dropout\(dims)d", "p=0.5", doc: "Zeroes whole channels with probability p in training (session generator).",
                        matches: { ($0 as? NN.ChannelDropout)?.spatialDims == dims }) { a in
                try NN.ChannelDropout(p: try a.double("p"), spatialDims: dims, generator: a.interpreter.generator)
            }
        }
        moduleClass("Unflatten", "dim, unflattened_size", doc: "Splits one dimension into several (inverse of Flatten).", matches: { $0 is NN.Unflatten }) { a in
            try NN.Unflatten(dim: try a.int("dim"), unflattenedSize: try a.sizes("unflattened_size"))
        }
        moduleClass("TransformerEncoderLayer", "d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, dtype=None", doc: "Self-attention and feed-forward block with residuals and layer norms.", matches: { $0 is NN.TransformerEncoderLayer }) { a in
            let activation: NN.Module
            switch a["activation"] {
            case .str("relu"): activation = NN.ReLU()
            case .str("gelu"): activation = NN.GELU()
            case .str(let other): throw LangError("activation should be relu/gelu, not \(other)")
            case let v: activation = try a.interpreter.moduleValue(v, "TransformerEncoderLayer() activation")
            }
            return try NN.TransformerEncoderLayer(dModel: try a.int("d_model"), nhead: try a.int("nhead"), dimFeedforward: try a.int("dim_feedforward"),
                                                  dropout: try a.double("dropout"), activation: activation, layerNormEps: try a.double("layer_norm_eps"),
                                                  batchFirst: try a.bool("batch_first"), normFirst: try a.bool("norm_first"), bias: try a.bool("bias"),
                                                  dtype: try a.dtypeOrDefault, generator: a.interpreter.generator)
        }
        moduleClass("TransformerEncoder", "encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True", doc: "num_layers copies of a TransformerEncoderLayer applied in turn, then norm.", matches: { $0 is NN.TransformerEncoder }) { a in
            guard case .object(let o as ModuleObject) = a["encoder_layer"], let layer = o.module as? NN.TransformerEncoderLayer else {
                throw LangError("TransformerEncoder(): encoder_layer must be a TransformerEncoderLayer, not \(a["encoder_layer"].typeName)")
            }
            let norm = a.isNone("norm") ? nil : try a.interpreter.moduleValue(a["norm"], "TransformerEncoder() norm")
            return try NN.TransformerEncoder(encoderLayer: layer, numLayers: try a.int("num_layers"), norm: norm)
        }
        for dims in [1, 2] {
            for (kind, mode) in [("Zero", "constant"), ("Constant", "constant"), ("Reflection", "reflect"), ("Replication", "replicate"), ("Circular", "circular")] {
                let name = "\(kind)Pad\(dims)d"
                moduleClass(name, kind == "Constant" ? "padding, value" : "padding", doc: "Pads the last \(dims) dimension\(dims == 1 ? "" : "s") (F.pad mode '\(mode)').",
                            matches: { ($0 as? NN.Padding)?.name == name }) { a in
                    try NN.Padding(name: name, padding: try a.sizes("padding"), spatialDims: dims, mode: mode,
                                   value: kind == "Constant" ? try a.double("value") : 0)
                }
            }
        }
        moduleClass("Upsample", "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None", doc: "Resizes [N, C, *S] (F.interpolate as a module).", matches: { $0 is NN.Upsample }) { a in
            if !a.isNone("recompute_scale_factor") { throw LangError("Upsample(): recompute_scale_factor is not supported") }
            return try NN.Upsample(size: try a.optionalSizes("size"), scaleFactor: try a.scaleFactors(), mode: try a.string("mode"),
                                   alignCorners: a.isNone("align_corners") ? nil : try a.bool("align_corners"))
        }
        moduleClass("ParameterList", "values=None", doc: "A list of parameters registered as 0, 1, ….", matches: { $0 is NN.ParameterList }) { a in
            let rt = a.interpreter
            let items = a.isNone("values") ? [] : try rt.iterateToArray(a["values"])
            return NN.ParameterList(try items.map { try rt.parameterValue($0, "ParameterList item") })
        }
        moduleClass("ModuleDict", "modules=None", doc: "A dictionary of modules whose parameters are registered.", matches: { $0 is NN.ModuleDict }) { a in
            let rt = a.interpreter
            var pairs: [(String, NN.Module)] = []
            switch a["modules"] {
            case .none: break
            case .dict(let d):
                for (k, v) in zip(d.keys, d.values) {
                    guard case .str(let key) = k else { throw LangError("ModuleDict keys must be strings, not \(k.typeName)") }
                    pairs.append((key, try rt.moduleValue(v, "ModuleDict value")))
                }
            default:
                for item in try rt.iterateToArray(a["modules"]) {
                    let pair = try rt.iterateToArray(item)
                    guard pair.count == 2, case .str(let key) = pair[0] else {
                        throw LangError("ModuleDict(): expected a dict or (str, module) pairs")
                    }
                    pairs.append((key, try rt.moduleValue(pair[1], "ModuleDict value")))
                }
            }
            return try NN.ModuleDict(pairs)
        }
    }
}

extension Library {
    /// Class methods of library classes (run after the classes are registered).
    func registerClassMethods() {
        if case .object(let embedding as LibraryClass)? = globalValues["Embedding"] {
            let fromPretrained = makeFunction("from_pretrained", "embeddings, freeze=True, padding_idx=None", doc: "An Embedding whose weight is the given [num, dim] tensor (frozen unless freeze=False).") { a in
                let rt = a.interpreter
                let module = try rt.engine {
                    try NN.Embedding(pretrained: try a.tensor("embeddings"), freeze: try a.bool("freeze"), paddingIdx: try a.optionalInt("padding_idx"))
                }
                if let w = module.parameter("weight"), w.requiresGrad { rt.markParameter(w) }
                return rt.wrap(module)
            }
            embedding.classAttributes["from_pretrained"] = .builtin(fromPretrained)
        }
    }
}
