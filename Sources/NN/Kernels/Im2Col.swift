import Tensor

// The NN layer's view of an unfold (convolution and pooling windows). The im2col / col2im loops
// themselves are Tensor's (Kernels/Im2Col.swift: whole-row copies of the valid span of every
// column line); the functions below adapt this geometry to Tensor's `ConvolutionGeometry`.

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

extension UnfoldGeometry {
    /// Tensor's geometry for `planes` channels, or nil when the unfold is empty (no planes or no output positions).
    func convolutionGeometry(planes: Int) -> ConvolutionGeometry? {
        ConvolutionGeometry(channels: planes, inputSize: input, kernelSize: kernel, stride: stride,
                            paddingBefore: padBefore, paddingAfter: padAfter, dilation: dilation)
    }
}

/// Element types of the unfold kernels.
protocol UnfoldScalar: BinaryFloatingPoint {
    static func unfold(_ g: ConvolutionGeometry, _ input: UnsafePointer<Self>, _ columns: UnsafeMutablePointer<Self>, padValue: Self)
    static func fold(_ g: ConvolutionGeometry, _ columns: UnsafePointer<Self>, _ input: UnsafeMutablePointer<Self>)
}

extension Float: UnfoldScalar {
    static func unfold(_ g: ConvolutionGeometry, _ input: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>, padValue: Float) {
        im2col(g, input: input, columns: columns, padValue: padValue)
    }
    static func fold(_ g: ConvolutionGeometry, _ columns: UnsafePointer<Float>, _ input: UnsafeMutablePointer<Float>) {
        col2im(g, columns: columns, input: input, accumulate: false)
    }
}

extension Double: UnfoldScalar {
    static func unfold(_ g: ConvolutionGeometry, _ input: UnsafePointer<Double>, _ columns: UnsafeMutablePointer<Double>, padValue: Double) {
        im2col(g, input: input, columns: columns, padValue: padValue)
    }
    static func fold(_ g: ConvolutionGeometry, _ columns: UnsafePointer<Double>, _ input: UnsafeMutablePointer<Double>) {
        col2im(g, columns: columns, input: input, accumulate: false)
    }
}

/// Unfolds `planes` planes of `geometry.input` into rows of `kernelCount × outputCount`:
/// `columns[(plane·K + k)·L + l] = input[plane, coordinate(k, l)]` or `padValue` outside.
func im2col<T: UnfoldScalar>(_ input: UnsafePointer<T>, planes: Int, _ g: UnfoldGeometry,
                             padValue: T, into columns: UnsafeMutablePointer<T>) {
    guard let geometry = g.convolutionGeometry(planes: planes) else { return }
    T.unfold(geometry, input, columns, padValue: padValue)
}

/// The adjoint of `im2col`: adds every column entry back into its input position (zeroing `output` first).
func col2im<T: UnfoldScalar>(_ columns: UnsafePointer<T>, planes: Int, _ g: UnfoldGeometry,
                             into output: UnsafeMutablePointer<T>) {
    guard let geometry = g.convolutionGeometry(planes: planes) else {
        output.initialize(repeating: 0, count: planes * g.inputCount)
        return
    }
    T.fold(geometry, columns, output)
}
