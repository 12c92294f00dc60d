import Autograd
import NN
import Tensor

/// `torch.nn.functional` forms with explicit weights, and the losses (also globals).
extension Library {
    func registerFunctional() {
        let ns = ["F"]
        function("linear", "input, weight, bias=None", doc: "x Wᵀ + b.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.linear(try a.tensor("input"), weight: try a.tensor("weight"), bias: try a.optionalTensor("bias")) })
        }
        for (name, dims) in [("conv1d", 1), ("conv2d", 2), ("conv3d", 3)] {
            function(name, "input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1", doc: "\(dims)-d convolution (cross-correlation).", in: ns) { a in
                let (x, w, b) = (try a.tensor("input"), try a.tensor("weight"), try a.optionalTensor("bias"))
                let (s, p, d, g) = (try a.sizes("stride"), try a.convPadding(), try a.sizes("dilation"), try a.int("groups"))
                return .tensor(try a.interpreter.engine {
                    switch dims {
                    case 1: return try F.conv1d(x, weight: w, bias: b, stride: s, padding: p, dilation: d, groups: g)
                    case 2: return try F.conv2d(x, weight: w, bias: b, stride: s, padding: p, dilation: d, groups: g)
                    default: return try F.conv3d(x, weight: w, bias: b, stride: s, padding: p, dilation: d, groups: g)
                    }
                })
            }
        }
        for (name, dims) in [("conv_transpose1d", 1), ("conv_transpose2d", 2)] {
            function(name, "input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1", doc: "\(dims)-d transposed convolution.", in: ns) { a in
                let (x, w, b) = (try a.tensor("input"), try a.tensor("weight"), try a.optionalTensor("bias"))
                let (s, p, op, g, d) = (try a.sizes("stride"), try a.sizes("padding"), try a.sizes("output_padding"), try a.int("groups"), try a.sizes("dilation"))
                return .tensor(try a.interpreter.engine {
                    dims == 1 ? try F.convTranspose1d(x, weight: w, bias: b, stride: s, padding: p, outputPadding: op, groups: g, dilation: d)
                        : try F.convTranspose2d(x, weight: w, bias: b, stride: s, padding: p, outputPadding: op, groups: g, dilation: d)
                })
            }
        }
        function("max_pool2d", "input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False", doc: "2-d max pooling.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.maxPool2d(try a.tensor("input"), kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"),
                                padding: try a.sizes("padding"), dilation: try a.sizes("dilation"), ceilMode: try a.bool("ceil_mode"))
            })
        }
        function("avg_pool2d", "input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None", doc: "2-d average pooling.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.avgPool2d(try a.tensor("input"), kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"),
                                padding: try a.sizes("padding"), ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"),
                                divisorOverride: try a.optionalInt("divisor_override"))
            })
        }
        function("layer_norm", "input, normalized_shape, weight=None, bias=None, eps=1e-05", doc: "Layer normalisation.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.layerNorm(try a.tensor("input"), normalizedShape: try a.sizes("normalized_shape"), weight: try a.optionalTensor("weight"),
                                bias: try a.optionalTensor("bias"), eps: try a.double("eps"))
            })
        }
        function("embedding", "input, weight, padding_idx=None", doc: "Rows of weight at the given indices.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.embedding(try a.tensor("input"), weight: try a.tensor("weight"), paddingIdx: try a.optionalInt("padding_idx")) })
        }
        function("dropout", "input, p=0.5, training=True", doc: "Zeroes elements with probability p and rescales (session generator).", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.dropout(try a.tensor("input"), p: try a.double("p"), training: try a.bool("training"), generator: a.interpreter.generator) })
        }
        function("one_hot", "tensor, num_classes=-1", doc: "One-hot int64 encoding of class indices.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.oneHot(try a.tensor("tensor"), numClasses: try a.int("num_classes")) })
        }
        function("scaled_dot_product_attention", "query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None", doc: "softmax(q kᵀ / √d + mask) v.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.scaledDotProductAttention(try a.tensor("query"), try a.tensor("key"), try a.tensor("value"), attnMask: try a.optionalTensor("attn_mask"),
                                                dropoutP: try a.double("dropout_p"), isCausal: try a.bool("is_causal"), scale: try a.optionalDouble("scale"),
                                                generator: a.interpreter.generator)
            })
        }
        function("elu", "input, alpha=1.0", doc: "Exponential linear unit.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.elu(try a.tensor("input"), alpha: try a.double("alpha")) })
        }
        function("silu", "input", doc: "x · sigmoid(x).", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.silu(try a.tensor("input")) })
        }
        function("mse_loss", "input, target, reduction='mean'", doc: "Mean squared error.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.mseLoss(try a.tensor("input"), try a.tensor("target"), reduction: try a.reduction()) })
        }
        function("cross_entropy", "input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0", doc: "Cross-entropy of logits with class indices or probabilities.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.crossEntropy(try a.tensor("input"), try a.tensor("target"), weight: try a.optionalTensor("weight"), ignoreIndex: try a.int("ignore_index"),
                                   reduction: try a.reduction(), labelSmoothing: try a.double("label_smoothing"))
            })
        }
        function("nll_loss", "input, target, weight=None, ignore_index=-100, reduction='mean'", doc: "Negative log-likelihood of log-probabilities.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.nllLoss(try a.tensor("input"), try a.tensor("target"), weight: try a.optionalTensor("weight"), ignoreIndex: try a.int("ignore_index"), reduction: try a.reduction())
            })
        }
        function("binary_cross_entropy", "input, target, weight=None, reduction='mean'", doc: "Binary cross-entropy of probabilities.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.binaryCrossEntropy(try a.tensor("input"), try a.tensor("target"), weight: try a.optionalTensor("weight"), reduction: try a.reduction())
            })
        }
        function("binary_cross_entropy_with_logits", "input, target, weight=None, reduction='mean', pos_weight=None", doc: "Binary cross-entropy of logits.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.binaryCrossEntropyWithLogits(try a.tensor("input"), try a.tensor("target"), weight: try a.optionalTensor("weight"),
                                                   posWeight: try a.optionalTensor("pos_weight"), reduction: try a.reduction())
            })
        }
        registerMoreFunctional()
    }

    /// Functional forms of the pooling, normalisation and dropout layers added after the spec's set.
    func registerMoreFunctional() {
        registerClassMethods()
        let ns = ["F"]
        function("max_pool1d", "input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False", doc: "1-d max pooling.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.maxPool1d(try a.tensor("input"), kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"),
                                padding: try a.sizes("padding"), dilation: try a.sizes("dilation"), ceilMode: try a.bool("ceil_mode"))
            })
        }
        function("avg_pool1d", "input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True", doc: "1-d average pooling.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.avgPool1d(try a.tensor("input"), kernelSize: try a.sizes("kernel_size"), stride: try a.optionalSizes("stride"),
                                padding: try a.sizes("padding"), ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"))
            })
        }
        for dims in [1, 2] {
            function("adaptive_avg_pool\(dims)d", "input, output_size", doc: "Average pooling to a fixed output size.", in: ns) { a in
                .tensor(try a.interpreter.engine { try F.adaptiveAvgPool(try a.tensor("input"), outputSize: try a.adaptiveSizes(), spatialDims: dims) })
            }
        }
        for dims in [1, 2] {
            function("adaptive_max_pool\(dims)d", "input, output_size, return_indices=False", doc: "Max pooling to a fixed output size.", in: ns) { a in
                if try a.bool("return_indices") { throw LangError("adaptive_max_pool\(dims)d: return_indices=True is not supported") }
                return .tensor(try a.interpreter.engine { try F.adaptiveMaxPool(try a.tensor("input"), outputSize: try a.adaptiveSizes(), spatialDims: dims) })
            }
        }
        function("pad", "input, pad, mode='constant', value=None", doc: "Pads the last dimensions by (before, after) pairs, last dimension first.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.pad(try a.tensor("input"), try a.sizes("pad"), mode: try a.string("mode"), value: try a.optionalDouble("value") ?? 0)
            })
        }
        function("pad_sequence", "sequences, batch_first=False, padding_value=0.0, padding_side='right'", doc: "Pads sequences [L_i, *] to the longest and stacks them.", in: ["nn.utils.rnn"], global: false) { a in
            let rt = a.interpreter
            let items = try rt.iterateToArray(a["sequences"]).map { try rt.tensorValue($0, "pad_sequence() sequence") }
            return .tensor(try rt.engine {
                try F.padSequence(items, batchFirst: try a.bool("batch_first"), paddingValue: try a.double("padding_value"), paddingSide: try a.string("padding_side"))
            })
        }
        namespace("nn.utils").members["rnn"] = .object(namespace("nn.utils.rnn"))
        function("interpolate", "input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False", doc: "Resizes [N, C, *S] by size or scale_factor (nearest, linear, bilinear).", in: ns) { a in
            let antialias = try a.bool("antialias")
            if !a.isNone("recompute_scale_factor") || antialias {
                throw LangError("interpolate(): recompute_scale_factor and antialias are not supported")
            }
            return .tensor(try a.interpreter.engine {
                try F.interpolate(try a.tensor("input"), size: try a.optionalSizes("size"), scaleFactor: try a.scaleFactors(), mode: try a.string("mode"),
                                  alignCorners: a.isNone("align_corners") ? nil : try a.bool("align_corners"))
            })
        }
        function("batch_norm", "input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05", doc: "Batch normalisation (updates the running statistics in training).", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.batchNorm(try a.tensor("input"), runningMean: try a.optionalTensor("running_mean"), runningVar: try a.optionalTensor("running_var"),
                                weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"), training: try a.bool("training"),
                                momentum: try a.double("momentum"), eps: try a.double("eps"))
            })
        }
        function("group_norm", "input, num_groups, weight=None, bias=None, eps=1e-05", doc: "Group normalisation.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.groupNorm(try a.tensor("input"), numGroups: try a.int("num_groups"), weight: try a.optionalTensor("weight"),
                                bias: try a.optionalTensor("bias"), eps: try a.double("eps"))
            })
        }
        for dims in [1, 2, 3] {
            function("dropout\(dims)d", "input, p=0.5, training=True", doc: "Zeroes whole channels with probability p (session generator).", in: ns) { a in
                .tensor(try a.interpreter.engine {
                    try F.channelDropout(try a.tensor("input"), p: try a.double("p"), spatialDims: dims, training: try a.bool("training"),
                                         generator: a.interpreter.generator)
                })
            }
        }
    }
}
