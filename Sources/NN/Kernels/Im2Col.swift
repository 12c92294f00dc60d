// im2col / col2im for 1-, 2- and 3-d convolutions and pooling (Chellapilla et al. 2006:
// convolution as one GEMM over unfolded patches). Every geometry is lifted to 3 spatial
// dimensions (missing ones have size 1), so one loop nest serves Conv1d, Conv2d and Conv3d.

/// The geometry of an unfold: input spatial size, kernel, stride, padding (before / after, which
/// differ for PyTorch's `padding='same'` with even kernels) and dilation, for 1 to 3 spatial dims.
public struct UnfoldGeometry: Equatable, Sendable {
    public var input: [Int]
    public var kernel: [Int]
    public var stride: [Int]
    public var padBefore: [Int]
    public var padAfter: [Int]
    public var dilation: [Int]

    public init(input: [Int], kernel: [Int], stride: [Int], padBefore: [Int], padAfter: [Int], dilation: [Int]) {
        self.input = input; self.kernel = kernel; self.stride = stride
        self.padBefore = padBefore; self.padAfter = padAfter; self.dilation = dilation
    }

    /// Output size per spatial dimension: ⌊(in + pads − dil·(k−1) − 1) / stride⌋ + 1.
    public var output: [Int] {
        (0..<input.count).map { d in
            let span = input[d] + padBefore[d] + padAfter[d] - dilation[d] * (kernel[d] - 1) - 1
            return span < 0 ? 0 : span / stride[d] + 1
        }
    }

    public var kernelCount: Int { kernel.reduce(1, *) }
    public var outputCount: Int { output.reduce(1, *) }
    public var inputCount: Int { input.reduce(1, *) }

    /// Per lifted dimension (3 of them) and kernel offset, the input coordinate of each output
    /// position, or -1 where it falls in the padding.
    func coordinateTables() -> [[[Int]]] {
        let lift = 3 - input.count
        let out = output
        return (0..<3).map { d3 in
            guard d3 >= lift else { return [[0]] }
            let d = d3 - lift
            return (0..<kernel[d]).map { k in
                (0..<out[d]).map { o in
                    let i = o * stride[d] - padBefore[d] + k * dilation[d]
                    return i >= 0 && i < input[d] ? i : -1
                }
            }
        }
    }

    func lifted(_ a: [Int]) -> [Int] { [Int](repeating: 1, count: 3 - a.count) + a }
}

/// Unfolds `planes` planes of `geometry.input` into rows of `kernelCount × outputCount`:
/// `columns[(plane·K + k)·L + l] = input[plane, coordinate(k, l)]` or `padValue` outside.
func im2col<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, planes: Int, _ g: UnfoldGeometry,
                                    padValue: T, into columns: UnsafeMutablePointer<T>) {
    let tables = g.coordinateTables()
    let inSize = g.lifted(g.input), kSize = g.lifted(g.kernel), outSize = g.lifted(g.output)
    let planeSize = g.inputCount, L = g.outputCount
    var row = 0
    for plane in 0..<planes {
        let base = input + plane * planeSize
        for kd in 0..<kSize[0] { for kh in 0..<kSize[1] { for kw in 0..<kSize[2] {
            let dst = columns + row * L
            let td = tables[0][kd], th = tables[1][kh], tw = tables[2][kw]
            var o = 0
            for od in 0..<outSize[0] {
                let id = td[od]
                for oh in 0..<outSize[1] {
                    let ih = th[oh]
                    if id < 0 || ih < 0 {
                        for _ in 0..<outSize[2] { dst[o] = padValue; o += 1 }
                        continue
                    }
                    let src = base + (id * inSize[1] + ih) * inSize[2]
                    for ow in 0..<outSize[2] {
                        let iw = tw[ow]
                        dst[o] = iw < 0 ? padValue : src[iw]
                        o += 1
                    }
                }
            }
            row += 1
        } } }
    }
}

/// The adjoint of `im2col`: adds every column entry back into its input position (zeroing `output` first).
func col2im<T: BinaryFloatingPoint>(_ columns: UnsafePointer<T>, planes: Int, _ g: UnfoldGeometry,
                                    into output: UnsafeMutablePointer<T>) {
    let tables = g.coordinateTables()
    let inSize = g.lifted(g.input), kSize = g.lifted(g.kernel), outSize = g.lifted(g.output)
    let planeSize = g.inputCount, L = g.outputCount
    output.initialize(repeating: 0, count: planes * planeSize)
    var row = 0
    for plane in 0..<planes {
        let base = output + plane * planeSize
        for kd in 0..<kSize[0] { for kh in 0..<kSize[1] { for kw in 0..<kSize[2] {
            let src = columns + row * L
            let td = tables[0][kd], th = tables[1][kh], tw = tables[2][kw]
            var o = 0
            for od in 0..<outSize[0] {
                let id = td[od]
                for oh in 0..<outSize[1] {
                    let ih = th[oh]
                    if id < 0 || ih < 0 { o += outSize[2]; continue }
                    let dst = base + (id * inSize[1] + ih) * inSize[2]
                    for ow in 0..<outSize[2] {
                        let iw = tw[ow]
                        if iw >= 0 { dst[iw] += src[o] }
                        o += 1
                    }
                }
            }
            row += 1
        } } }
    }
}
