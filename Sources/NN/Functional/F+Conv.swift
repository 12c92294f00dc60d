import Autograd
import Tensor

// Convolutions as one matrix product over unfolded patches (im2col):
// conv:            out[N, O, L] = W[O, C·K] · unfold(x)[N, C·K, L]
// conv_transpose:  out = fold(Wᵀ[Cout·K, Cin] · x[N, Cin, L_in])  (fold is unfold's adjoint)

extension F {
    /// N-d convolution (`conv1d`, `conv2d`, `conv3d` call it with 1, 2, 3 spatial dimensions).
    public static func convolution(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: ConvPadding,
                                   dilation: [Int], groups: Int, spatialDims: Int) throws -> Tensor {
        let op = "conv\(spatialDims)d"
        guard weight.ndim == spatialDims + 2 else {
            throw NNError("\(op): weight must be \(spatialDims + 2)-d [out, in / groups, kernel…], got shape \(shapeString(weight.shape))")
        }
        if groups != 1 {
            let grouped = { (x: Tensor, w: Tensor, b: Tensor?) throws -> Tensor in
                try groupedConvolution(op, x, weight: w, bias: b, groups: groups, spatialDims: spatialDims,
                                       outChannelsPerGroup: w.shape[0] / max(groups, 1), weightGroupDim: 0) { x, w, b in
                    try convolution(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: 1, spatialDims: spatialDims)
                }
            }
            if let out = try depthwiseConvolutionIfApplicable(op, input, weight: weight, bias: bias, stride: stride, padding: padding,
                                                              dilation: dilation, groups: groups, spatialDims: spatialDims, grouped: grouped) {
                return out
            }
            return try grouped(input, weight, bias)
        }
        let (x, unbatched) = try batchedInput(op, input, spatialDims: spatialDims)
        let n = x.shape[0], channels = x.shape[1], outChannels = weight.shape[0]
        guard channels == weight.shape[1] else {
            throw NNError("\(op): input has \(channels) channels (shape \(shapeString(input.shape))), weight \(shapeString(weight.shape)) expects \(weight.shape[1])")
        }
        let kernel = Array(weight.shape[2...])
        let g = try convGeometry(op, input: Array(x.shape[2...]), kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        if let bias, bias.shape != [outChannels] {
            throw NNError("\(op): bias has shape \(shapeString(bias.shape)), expected [\(outChannels)]")
        }
        var out: Tensor
        if x.dtype == weight.dtype, bias == nil || bias?.dtype == x.dtype, x.dtype == .float32 || x.dtype == .float64 {
            out = try fusedConvolution(x, weight: weight, bias: bias, g)                 // [N, O, L]
        } else {
            let columns = try unfold(x, g, padValue: 0)                                  // [N, C·K, L]
            let w2 = try weight.reshape([outChannels, channels * g.kernelCount])
            out = try w2.matmul(columns)                                                 // [N, O, L]
            if let bias { out = try out + (try bias.reshape([1, outChannels, 1])) }
        }
        out = try out.reshape([n, outChannels] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    /// N-d transposed convolution; weight is `[in, out, kernel…]` as in PyTorch.
    public static func convolutionTranspose(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                                            outputPadding: [Int], dilation: [Int], groups: Int, spatialDims: Int) throws -> Tensor {
        let op = "conv_transpose\(spatialDims)d"
        guard weight.ndim == spatialDims + 2 else {
            throw NNError("\(op): weight must be \(spatialDims + 2)-d [in, out / groups, kernel…], got shape \(shapeString(weight.shape))")
        }
        if groups != 1 {
            return try groupedConvolution(op, input, weight: weight, bias: bias, groups: groups, spatialDims: spatialDims,
                                          outChannelsPerGroup: weight.shape[1], weightGroupDim: 0) { x, w, b in
                try convolutionTranspose(x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: outputPadding,
                                         dilation: dilation, groups: 1, spatialDims: spatialDims)
            }
        }
        let (x, unbatched) = try batchedInput(op, input, spatialDims: spatialDims)
        let n = x.shape[0], channels = x.shape[1], outChannels = weight.shape[1]
        guard channels == weight.shape[0] else {
            throw NNError("\(op): input has \(channels) channels (shape \(shapeString(input.shape))), weight \(shapeString(weight.shape)) expects \(weight.shape[0])")
        }
        let kernel = Array(weight.shape[2...])
        let inSize = Array(x.shape[2...])
        let s = try expandArgument(op, "stride", stride, dims: spatialDims)
        let p = try expandArgument(op, "padding", padding, dims: spatialDims)
        let op2 = try expandArgument(op, "output_padding", outputPadding, dims: spatialDims)
        let d = try expandArgument(op, "dilation", dilation, dims: spatialDims)
        for i in 0..<spatialDims where op2[i] >= max(s[i], d[i]) || op2[i] < 0 {
            throw NNError("\(op): output_padding must be smaller than either stride or dilation")
        }
        // L_out = (L_in − 1)·s − 2p + d·(k − 1) + output_padding + 1
        var outSize: [Int] = []
        for i in 0..<spatialDims {
            let span: Int = (inSize[i] - 1) * s[i] - 2 * p[i]
            outSize.append(span + d[i] * (kernel[i] - 1) + op2[i] + 1)
        }
        guard outSize.allSatisfy({ $0 > 0 }) else {
            throw NNError("\(op): output size \(shapeString(outSize)) is not positive")
        }
        let g = UnfoldGeometry(input: outSize, kernel: kernel, stride: s, padBefore: p, padAfter: p, dilation: d)
        guard g.output == inSize else {
            throw NNError("\(op): internal geometry mismatch \(shapeString(g.output)) vs \(shapeString(inSize))")
        }
        let kCount = g.kernelCount
        let wT = try (try weight.reshape([channels, outChannels * kCount])).transpose(0, 1)   // [Cout·K, Cin]
        let columns = try wT.matmul(try x.reshape([n, channels, g.outputCount]))              // [N, Cout·K, L_in]
        var out = try fold(columns, g, channels: outChannels)                                  // [N, Cout, *outSize]
        if let bias {
            guard bias.shape == [outChannels] else {
                throw NNError("\(op): bias has shape \(shapeString(bias.shape)), expected [\(outChannels)]")
            }
            out = try out + (try bias.reshape([1, outChannels] + [Int](repeating: 1, count: spatialDims)))
        }
        return unbatched ? try out.squeeze(0) : out
    }

    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1],
                              padding: ConvPadding = .explicit([0]), dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups, spatialDims: 1)
    }
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1],
                              padding: ConvPadding = .explicit([0]), dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups, spatialDims: 2)
    }
    public static func conv3d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1],
                              padding: ConvPadding = .explicit([0]), dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups, spatialDims: 3)
    }
    public static func convTranspose1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
                                       outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]) throws -> Tensor {
        try convolutionTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                                 dilation: dilation, groups: groups, spatialDims: 1)
    }
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
                                       outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]) throws -> Tensor {
        try convolutionTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                                 dilation: dilation, groups: groups, spatialDims: 2)
    }

    /// 2-d depthwise convolution (groups == in_channels, weight `[m·C, 1, kh, kw]`, float operands of one
    /// dtype) as one direct primitive (Kernels/FusedDepthwiseConv.swift); nil when another path applies.
    private static func depthwiseConvolutionIfApplicable(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int],
                                                         padding: ConvPadding, dilation: [Int], groups: Int, spatialDims: Int,
                                                         grouped: @escaping (Tensor, Tensor, Tensor?) throws -> Tensor) throws -> Tensor? {
        guard spatialDims == 2, input.ndim == 3 || input.ndim == 4, weight.shape[1] == 1, groups > 1,
              input.dtype == .float32 || input.dtype == .float64, weight.dtype == input.dtype,
              bias == nil || bias?.dtype == input.dtype else { return nil }
        let (x, unbatched) = try batchedInput(op, input, spatialDims: spatialDims)
        let channels = x.shape[1], outChannels = weight.shape[0]
        guard channels == groups, outChannels % groups == 0, bias == nil || bias?.shape == [outChannels] else { return nil }
        let g = try convGeometry(op, input: Array(x.shape[2...]), kernel: Array(weight.shape[2...]), stride: stride, padding: padding,
                                 dilation: dilation)
        var out = try fusedDepthwiseConvolution(x, weight: weight, bias: bias, g, composed: grouped)
        out = try out.reshape([x.shape[0], outChannels] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    /// `groups > 1`: input channels, weight rows (dimension 0 in both conventions) and bias split
    /// into `groups` equal blocks, one ungrouped convolution per block, outputs concatenated on C.
    private static func groupedConvolution(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?, groups: Int, spatialDims: Int,
                                           outChannelsPerGroup: Int, weightGroupDim: Int,
                                           _ convolve: (Tensor, Tensor, Tensor?) throws -> Tensor) throws -> Tensor {
        guard groups > 0 else { throw NNError("\(op): non-positive groups is not supported") }
        let (x, unbatched) = try batchedInput(op, input, spatialDims: spatialDims)
        let channels = x.shape[1]
        guard channels % groups == 0, weight.shape[0] % groups == 0 else {
            throw NNError("\(op): expected input channels (\(channels)) and weight dimension 0 (\(weight.shape[0])) to be divisible by groups=\(groups)")
        }
        let inPerGroup = channels / groups, weightRows = weight.shape[0] / groups
        if let bias, bias.shape != [outChannelsPerGroup * groups] {
            throw NNError("\(op): bias has shape \(shapeString(bias.shape)), expected [\(outChannelsPerGroup * groups)]")
        }
        var outputs: [Tensor] = []
        for g in 0..<groups {
            let xg = try narrow(x, dim: 1, start: g * inPerGroup, length: inPerGroup)
            let wg = try narrow(weight, dim: weightGroupDim, start: g * weightRows, length: weightRows)
            let bg = try bias.map { try narrow($0, dim: 0, start: g * outChannelsPerGroup, length: outChannelsPerGroup) }
            outputs.append(try convolve(xg, wg, bg))
        }
        let out = try Tensor.cat(outputs, dim: 1)
        return unbatched ? try out.squeeze(0) : out
    }
}
