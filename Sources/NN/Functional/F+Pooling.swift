import Autograd
import Tensor

extension F {
    /// 2-d max pooling over `[N, C, H, W]` or `[C, H, W]` (padding counts as −∞, as in PyTorch).
    /// `ceilMode` rounds the output size up (a last window may hang over the end, never start in the right padding).
    public static func maxPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
        try maxPool("max_pool2d", input, spatialDims: 2, kernelSize, stride, padding, dilation, ceilMode)
    }

    /// 1-d max pooling over `[N, C, L]` or `[C, L]`.
    public static func maxPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
        try maxPool("max_pool1d", input, spatialDims: 1, kernelSize, stride, padding, dilation, ceilMode)
    }

    /// 2-d average pooling; `countIncludePad: false` divides by the in-bounds cells only.
    public static func avgPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        try avgPool("avg_pool2d", input, spatialDims: 2, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)
    }

    /// 1-d average pooling over `[N, C, L]` or `[C, L]`.
    public static func avgPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true) throws -> Tensor {
        try avgPool("avg_pool1d", input, spatialDims: 1, kernelSize, stride, padding, ceilMode, countIncludePad, nil)
    }

    private static func maxPool(_ op: String, _ input: Tensor, spatialDims: Int, _ kernelSize: [Int], _ stride: [Int]?,
                                _ padding: [Int], _ dilation: [Int], _ ceilMode: Bool) throws -> Tensor {
        let (x, unbatched, g, _) = try poolSetup(op, input, spatialDims, kernelSize, stride, padding, dilation, ceilMode)
        let n = x.shape[0], c = x.shape[1]
        let columns = try unfold(x, g, padValue: -.infinity)                           // [N, C·K, L]
        let windows = try columns.reshape([n, c, g.kernelCount, g.outputCount])
        let out = try (try windows.amax(dims: [2])).reshape([n, c] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    private static func avgPool(_ op: String, _ input: Tensor, spatialDims: Int, _ kernelSize: [Int], _ stride: [Int]?,
                                _ padding: [Int], _ ceilMode: Bool, _ countIncludePad: Bool, _ divisorOverride: Int?) throws -> Tensor {
        if let d = divisorOverride, d == 0 { throw NNError("\(op): divisor must be not zero") }
        let (x, unbatched, g, pad) = try poolSetup(op, input, spatialDims, kernelSize, stride, padding, [1], ceilMode)
        let n = x.shape[0], c = x.shape[1]
        let columns = try unfold(x, g, padValue: 0)
        let sums = try (try columns.reshape([n, c, g.kernelCount, g.outputCount])).sum(dims: [2])   // [N, C, L]
        var out: Tensor
        if let divisorOverride {
            out = try sums / Double(divisorOverride)
        } else {
            out = try sums / (try Tensor.constant(poolDivisors(g, padding: pad, countIncludePad: countIncludePad),
                                                  shape: [g.outputCount], dtype: input.dtype))
        }
        out = try out.reshape([n, c] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    /// Checks the arguments and returns the batched input, whether it was unbatched, the unfold
    /// geometry (ceil mode widens the right padding so the extra window exists) and the padding.
    private static func poolSetup(_ op: String, _ input: Tensor, _ dims: Int, _ kernelSize: [Int], _ stride: [Int]?,
                                  _ padding: [Int], _ dilation: [Int], _ ceilMode: Bool) throws -> (Tensor, Bool, UnfoldGeometry, [Int]) {
        let (x, unbatched) = try batchedInput(op, input, spatialDims: dims)
        let kernel = try expandArgument(op, "kernel_size", kernelSize, dims: dims)
        let pad = try expandArgument(op, "padding", padding, dims: dims)
        let step = try expandArgument(op, "stride", stride ?? kernel, dims: dims)
        let dil = try expandArgument(op, "dilation", dilation, dims: dims)
        guard kernel.allSatisfy({ $0 > 0 }), step.allSatisfy({ $0 > 0 }), dil.allSatisfy({ $0 > 0 }) else {
            throw NNError("\(op): kernel size, stride and dilation must be positive")
        }
        guard pad.allSatisfy({ $0 >= 0 }) else { throw NNError("\(op): negative padding is not supported") }
        for i in 0..<dims where pad[i] * 2 > kernel[i] {
            throw NNError("\(op): padding should be at most half of the kernel size, got padding \(shapeString(pad)) for kernel \(shapeString(kernel))")
        }
        let size = Array(x.shape[2...])
        var after = pad
        for i in 0..<dims {
            // torch's pooling_output_shape: with ceil_mode round up, but drop a last window that would start in the right padding
            let span = size[i] + 2 * pad[i] - dil[i] * (kernel[i] - 1) - 1
            guard span >= 0 else {
                throw NNError("\(op): input of spatial size \(shapeString(size)) is too small for kernel \(shapeString(kernel)) (dilation \(shapeString(dil)), padding \(shapeString(pad)))")
            }
            var out = (ceilMode ? span + step[i] - 1 : span) / step[i] + 1
            if ceilMode && (out - 1) * step[i] >= size[i] + pad[i] { out -= 1 }
            after[i] = max(pad[i], (out - 1) * step[i] + dil[i] * (kernel[i] - 1) + 1 - size[i] - pad[i])
        }
        let g = UnfoldGeometry(input: size, kernel: kernel, stride: step, padBefore: pad, padAfter: after, dilation: dil)
        return (x, unbatched, g, pad)
    }

    /// Average pooling's divisor per output position, as PyTorch's kernel: the window clipped to
    /// the padded input (count_include_pad) or to the input itself; separable over the dimensions.
    private static func poolDivisors(_ g: UnfoldGeometry, padding: [Int], countIncludePad: Bool) -> [Double] {
        let out = g.output
        var divisors = [1.0]
        for d in 0..<out.count {
            let perPosition: [Double] = (0..<out[d]).map { o in
                let start = o * g.stride[d] - padding[d]
                let end = min(start + g.kernel[d], g.input[d] + padding[d])
                if countIncludePad { return Double(end - start) }
                return Double(min(end, g.input[d]) - max(start, 0))
            }
            divisors = divisors.flatMap { a in perPosition.map { a * $0 } }
        }
        return divisors
    }

    /// Adaptive average pooling to `outputSize` (nil keeps that dimension) over `[N, C, *S]` or
    /// `[C, *S]`: output cell i of a dimension averages input cells ⌊i·in/out⌋ ..< ⌈(i+1)·in/out⌉,
    /// as PyTorch; one constant averaging matrix per dimension, applied with matmul.
    public static func adaptiveAvgPool(_ input: Tensor, outputSize: [Int?], spatialDims: Int) throws -> Tensor {
        let op = "adaptive_avg_pool\(spatialDims)d"
        guard input.ndim == spatialDims + 1 || input.ndim == spatialDims + 2 else {
            throw NNError("\(op): expected \(spatialDims + 1)-d or \(spatialDims + 2)-d input, got shape \(shapeString(input.shape))")
        }
        let sizes: [Int?] = outputSize.count == 1 ? [Int?](repeating: outputSize[0], count: spatialDims) : outputSize
        guard sizes.count == spatialDims else {
            throw NNError("\(op): output_size must have 1 or \(spatialDims) values, got \(outputSize.count)")
        }
        let spatial = Array(input.shape.suffix(spatialDims))
        guard spatial.allSatisfy({ $0 > 0 }) else {
            throw NNError("\(op): expected non-empty spatial dimensions, got input of shape \(shapeString(input.shape))")
        }
        var x = input
        let first = input.ndim - spatialDims
        for d in 0..<spatialDims {
            let inSize = spatial[d], outSize = sizes[d] ?? inSize
            guard outSize > 0 else { throw NNError("\(op): output_size must be positive, got \(outSize)") }
            var matrix = [Double](repeating: 0, count: try checkedCount([inSize, outSize], op))   // [in, out]
            for o in 0..<outSize {
                let start = (o * inSize) / outSize, end = ((o + 1) * inSize + outSize - 1) / outSize
                for i in start..<end { matrix[i * outSize + o] = 1 / Double(end - start) }
            }
            let averaging = try Tensor.constant(matrix, shape: [inSize, outSize], dtype: input.dtype)
            // bring dimension d last, contract it, put it back
            let axis = first + d, last = input.ndim - 1
            if axis != last { x = try x.transpose(axis, last) }
            x = try x.matmul(averaging)
            if axis != last { x = try x.transpose(axis, last) }
        }
        return x
    }

    /// Adaptive max pooling to `outputSize` (nil keeps that dimension) over `[N, C, *S]` or
    /// `[C, *S]`, with the same bins as adaptive average pooling: one `amax` per output cell
    /// over its window (gradients go to the window's maximum, split evenly between ties).
    public static func adaptiveMaxPool(_ input: Tensor, outputSize: [Int?], spatialDims: Int) throws -> Tensor {
        let op = "adaptive_max_pool\(spatialDims)d"
        guard input.ndim == spatialDims + 1 || input.ndim == spatialDims + 2 else {
            throw NNError("\(op): expected \(spatialDims + 1)-d or \(spatialDims + 2)-d input, got shape \(shapeString(input.shape))")
        }
        let sizes: [Int?] = outputSize.count == 1 ? [Int?](repeating: outputSize[0], count: spatialDims) : outputSize
        guard sizes.count == spatialDims else {
            throw NNError("\(op): output_size must have 1 or \(spatialDims) values, got \(outputSize.count)")
        }
        let first = input.ndim - spatialDims
        let spatial = Array(input.shape.suffix(spatialDims))
        guard spatial.allSatisfy({ $0 > 0 }) else {
            throw NNError("\(op): expected non-empty spatial dimensions, got input of shape \(shapeString(input.shape))")
        }
        let out = try (0..<spatialDims).map { d -> Int in
            let o = sizes[d] ?? spatial[d]
            guard o > 0 else { throw NNError("\(op): output_size must be positive, got \(o)") }
            return o
        }
        func bin(_ d: Int, _ o: Int) -> (Int, Int) {
            let start = (o * spatial[d]) / out[d], end = ((o + 1) * spatial[d] + out[d] - 1) / out[d]
            return (start, end - start)
        }
        // every output cell, in row-major order of the output grid (one amax each, so keep the grid sane)
        var cells: [Tensor] = []
        let count = try checkedCount(out, op)
        guard count <= 1 << 20 else { throw NNError("\(op): output_size \(shapeString(out)) is too large") }
        let reduceDims = Array(first..<input.ndim)
        for flat in 0..<count {
            var window = input, rest = flat
            for d in stride(from: spatialDims - 1, through: 0, by: -1) {
                let o = rest % out[d]
                rest /= out[d]
                let (start, length) = bin(d, o)
                window = try narrow(window, dim: first + d, start: start, length: length)
            }
            cells.append(try window.amax(dims: reduceDims))
        }
        return try (try Tensor.stack(cells, dim: -1)).reshape(Array(input.shape.prefix(first)) + out)
    }
}
