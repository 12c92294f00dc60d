import Autograd
import Tensor

extension F {
    /// 2-d max pooling over `[N, C, H, W]` or `[C, H, W]` (padding counts as −∞, as in PyTorch).
    public static func maxPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
        let (x, unbatched, g) = try poolSetup("max_pool2d", input, kernelSize, stride, padding, dilation, ceilMode)
        let n = x.shape[0], c = x.shape[1]
        let columns = try unfold(x, g, padValue: -.infinity)                           // [N, C·K, L]
        let windows = try columns.reshape([n, c, g.kernelCount, g.outputCount])
        let out = try (try windows.amax(dims: [2])).reshape([n, c] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    /// 2-d average pooling; `countIncludePad: false` divides by the in-bounds cells only.
    public static func avgPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        let (x, unbatched, g) = try poolSetup("avg_pool2d", input, kernelSize, stride, padding, [1], ceilMode)
        let n = x.shape[0], c = x.shape[1]
        let columns = try unfold(x, g, padValue: 0)
        let sums = try (try columns.reshape([n, c, g.kernelCount, g.outputCount])).sum(dims: [2])   // [N, C, L]
        var out: Tensor
        if let divisorOverride {
            out = try sums / Double(divisorOverride)
        } else if countIncludePad {
            out = try sums / Double(g.kernelCount)
        } else {
            out = try sums / (try Tensor.constant(inBoundsCounts(g), shape: [g.outputCount], dtype: input.dtype))
        }
        out = try out.reshape([n, c] + g.output)
        return unbatched ? try out.squeeze(0) : out
    }

    private static func poolSetup(_ op: String, _ input: Tensor, _ kernelSize: [Int], _ stride: [Int]?, _ padding: [Int],
                                  _ dilation: [Int], _ ceilMode: Bool) throws -> (Tensor, Bool, UnfoldGeometry) {
        guard !ceilMode else { throw NNError("\(op): ceil_mode=True is not supported") }
        let (x, unbatched) = try batchedInput(op, input, spatialDims: 2)
        let kernel = try expandArgument(op, "kernel_size", kernelSize, dims: 2)
        let pad = try expandArgument(op, "padding", padding, dims: 2)
        for i in 0..<2 where pad[i] * 2 > kernel[i] {
            throw NNError("\(op): padding should be at most half of the kernel size, got padding \(shapeString(pad)) for kernel \(shapeString(kernel))")
        }
        let g = try convGeometry(op, input: Array(x.shape[2...]), kernel: kernel, stride: stride ?? kernel,
                                 padding: .explicit(pad), dilation: dilation)
        return (x, unbatched, g)
    }

    /// Number of in-bounds cells in each pooling window.
    private static func inBoundsCounts(_ g: UnfoldGeometry) -> [Double] {
        let tables = g.coordinateTables()
        let out = g.lifted(g.output), k = g.lifted(g.kernel)
        var counts: [Double] = []
        for od in 0..<out[0] { for oh in 0..<out[1] { for ow in 0..<out[2] {
            var c = 0
            for kd in 0..<k[0] where tables[0][kd][od] >= 0 {
                for kh in 0..<k[1] where tables[1][kh][oh] >= 0 {
                    for kw in 0..<k[2] where tables[2][kw][ow] >= 0 { c += 1 }
                }
            }
            counts.append(Double(c))
        } } }
        return counts
    }
}
