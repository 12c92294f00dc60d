// im2col / col2im: turn a convolution into a GEMM (Chellapilla et al. 2006, as in Caffe and
// PyTorch's unfold/fold). For one image of C channels, the column matrix has one row per
// (channel, kernel offset) — C·∏kernel rows, ordered channel, then kernel depth, height,
// width — and one column per output position (∏output, ordered depth, height, width).
// Then a convolution is `weight[Cout, C·∏kernel] · columns`, its input gradient is
// col2im(weightᵀ · gradOut), and col2im is the adjoint of im2col.

/// The shape of a 1-d, 2-d or 3-d convolution or pooling window over one channel-first image
/// (C × [D ×] [H ×] W, contiguous), with per-dimension stride, padding (before and after, which
/// differ for PyTorch's `padding='same'` with an even kernel) and dilation.
///
/// ```swift
/// let g = ConvolutionGeometry(channels: 3, inputSize: [32, 32], kernelSize: [3, 3],
///                             stride: [1, 1], padding: [1, 1], dilation: [1, 1])
/// // g.outputSize == [32, 32]; g.columnRows == 27; g.columnCount == 1024
/// ```
public struct ConvolutionGeometry: Sendable, Equatable {
    public var channels: Int
    public var inputSize: [Int]
    public var kernelSize: [Int]
    public var stride: [Int]
    /// Padding before the first element of each spatial dimension.
    public var padding: [Int]
    /// Padding after the last element (equal to `padding` unless given separately).
    public var paddingAfter: [Int]
    public var dilation: [Int]

    /// All arrays have one entry per spatial dimension (1 to 3). Returns nil when they
    /// disagree in length or the output would be empty or negative-sized.
    public init?(channels: Int, inputSize: [Int], kernelSize: [Int],
                 stride: [Int], padding: [Int], dilation: [Int]) {
        self.init(channels: channels, inputSize: inputSize, kernelSize: kernelSize, stride: stride,
                  paddingBefore: padding, paddingAfter: padding, dilation: dilation)
    }

    /// As `init(channels:inputSize:kernelSize:stride:padding:dilation:)` with different padding
    /// before and after each spatial dimension.
    public init?(channels: Int, inputSize: [Int], kernelSize: [Int],
                 stride: [Int], paddingBefore: [Int], paddingAfter: [Int], dilation: [Int]) {
        let rank = inputSize.count
        guard (1...3).contains(rank), channels >= 1,
              [kernelSize.count, stride.count, paddingBefore.count, paddingAfter.count, dilation.count].allSatisfy({ $0 == rank }),
              inputSize.allSatisfy({ $0 >= 0 }), kernelSize.allSatisfy({ $0 >= 1 }),
              stride.allSatisfy({ $0 >= 1 }), paddingBefore.allSatisfy({ $0 >= 0 }), paddingAfter.allSatisfy({ $0 >= 0 }),
              dilation.allSatisfy({ $0 >= 1 })
        else { return nil }
        self.channels = channels
        self.inputSize = inputSize
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = paddingBefore
        self.paddingAfter = paddingAfter
        self.dilation = dilation
        guard outputSize.allSatisfy({ $0 >= 1 }) else { return nil }
    }

    /// Output extent per spatial dimension: ⌊(in + pad before + pad after − dil·(k − 1) − 1) / stride⌋ + 1.
    public var outputSize: [Int] {
        (0..<inputSize.count).map { d in
            let span = inputSize[d] + padding[d] + paddingAfter[d] - dilation[d] * (kernelSize[d] - 1) - 1
            return span < 0 ? 0 : span / stride[d] + 1
        }
    }

    /// Rows of the column matrix: channels · ∏kernelSize.
    public var columnRows: Int { channels * kernelSize.reduce(1, *) }
    /// Columns of the column matrix: ∏outputSize.
    public var columnCount: Int { outputSize.reduce(1, *) }
    /// Elements of one input image: channels · ∏inputSize.
    public var inputCount: Int { channels * inputSize.reduce(1, *) }

    /// The geometry padded to three spatial dimensions (leading size-1 dimensions).
    var asThreeDimensional: (input: [Int], kernel: [Int], stride: [Int], padding: [Int], dilation: [Int], output: [Int]) {
        let missing = 3 - inputSize.count
        func pad(_ values: [Int], _ filler: Int) -> [Int] { Array(repeating: filler, count: missing) + values }
        return (pad(inputSize, 1), pad(kernelSize, 1), pad(stride, 1), pad(padding, 0), pad(dilation, 1),
                pad(outputSize, 1))
    }
}

/// ⌈a / b⌉ for b > 0 and any sign of a.
@inline(__always)
private func ceilDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? (a + b - 1) / b : -((-a) / b)
}

/// Output positions `o` in `0..<outputCount` whose input index `o·stride − pad + offset`
/// lies in `0..<inputCount`.
@inline(__always)
private func validOutputRange(inputCount: Int, outputCount: Int, stride: Int, pad: Int, offset: Int) -> Range<Int> {
    let low = max(0, ceilDivide(pad - offset, stride))
    let high = min(outputCount, ceilDivide(inputCount + pad - offset, stride))
    return low < high ? low..<high : 0..<0
}

/// Visits every (column row, output depth, output row) line of the column matrix with the
/// matching input line, calling `line(columnsLine, inputLine, validWidth, inputStepW)` where
/// `inputLine` is the input index of output column 0 (possibly out of range; only
/// `validWidth` positions are valid) — or `nil` input when the whole line is padding.
@inline(__always)
private func forEachColumnLine(
    _ geometry: ConvolutionGeometry,
    _ line: (_ columnOffset: Int, _ inputOffset: Int?, _ valid: Range<Int>, _ step: Int) -> Void
) {
    let g = geometry.asThreeDimensional
    let (inD, inH, inW) = (g.input[0], g.input[1], g.input[2])
    let (outD, outH, outW) = (g.output[0], g.output[1], g.output[2])
    let planeSize = inD * inH * inW
    var columnOffset = 0
    for channel in 0..<geometry.channels {
        for kd in 0..<g.kernel[0] {
            for kh in 0..<g.kernel[1] {
                for kw in 0..<g.kernel[2] {
                    let offD = kd * g.dilation[0], offH = kh * g.dilation[1], offW = kw * g.dilation[2]
                    let validW = validOutputRange(inputCount: inW, outputCount: outW, stride: g.stride[2],
                                                  pad: g.padding[2], offset: offW)
                    for od in 0..<outD {
                        let id = od * g.stride[0] - g.padding[0] + offD
                        for oh in 0..<outH {
                            let ih = oh * g.stride[1] - g.padding[1] + offH
                            if id < 0 || id >= inD || ih < 0 || ih >= inH {
                                line(columnOffset, nil, validW, g.stride[2])
                            } else {
                                let start = channel * planeSize + (id * inH + ih) * inW - g.padding[2] + offW
                                line(columnOffset, start, validW, g.stride[2])
                            }
                            columnOffset += outW
                        }
                    }
                }
            }
        }
    }
}

func im2colGeneric<T: GEMMScalar>(_ geometry: ConvolutionGeometry, _ input: UnsafePointer<T>, _ columns: UnsafeMutablePointer<T>,
                                   padValue: T) {
    let outW = geometry.asThreeDimensional.output[2]
    forEachColumnLine(geometry) { columnOffset, inputOffset, valid, step in
        let out = columns + columnOffset
        guard let inputOffset else {
            out.update(repeating: padValue, count: outW)
            return
        }
        for o in 0..<valid.lowerBound { out[o] = padValue }
        if step == 1 {
            (out + valid.lowerBound).update(from: input + (inputOffset + valid.lowerBound), count: valid.count)
        } else {
            for o in valid { out[o] = input[inputOffset + o * step] }
        }
        for o in valid.upperBound..<outW { out[o] = padValue }
    }
}

func col2imGeneric<T: GEMMScalar>(
    _ geometry: ConvolutionGeometry, _ columns: UnsafePointer<T>, _ input: UnsafeMutablePointer<T>, accumulate: Bool
) {
    if !accumulate { input.update(repeating: 0, count: geometry.inputCount) }
    forEachColumnLine(geometry) { columnOffset, inputOffset, valid, step in
        guard let inputOffset else { return }
        let src = columns + columnOffset
        if step == 1 {
            // contiguous span: a plain loop the compiler vectorises
            let dst = input + inputOffset
            for o in valid { dst[o] = dst[o] + src[o] }
            return
        }
        for o in valid {
            let index = inputOffset + o * step
            input[index] = input[index] + src[o]
        }
    }
}

/// Copies the patches of one image into a column matrix of `geometry.columnRows` ×
/// `geometry.columnCount` elements (row-major, contiguous); padding positions become
/// `padValue` (0 for convolutions, −∞ for max pooling).
///
/// ```swift
/// im2col(geometry, input: image, columns: columns)  // then gemm(weight, columns)
/// ```
public func im2col(_ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>,
                   padValue: Float = 0) {
    im2colGeneric(geometry, input, columns, padValue: padValue)
}

/// Double-precision `im2col`.
public func im2col(_ geometry: ConvolutionGeometry, input: UnsafePointer<Double>, columns: UnsafeMutablePointer<Double>,
                   padValue: Double = 0) {
    im2colGeneric(geometry, input, columns, padValue: padValue)
}

/// The adjoint of `im2col`: adds every column entry back onto the input position it was
/// copied from (padding entries are dropped). The image is zeroed first unless
/// `accumulate`. Sums in a fixed order (column rows, then output positions, ascending).
public func col2im(_ geometry: ConvolutionGeometry, columns: UnsafePointer<Float>, input: UnsafeMutablePointer<Float>,
                   accumulate: Bool) {
    col2imGeneric(geometry, columns, input, accumulate: accumulate)
}

/// Double-precision `col2im`.
public func col2im(_ geometry: ConvolutionGeometry, columns: UnsafePointer<Double>, input: UnsafeMutablePointer<Double>,
                   accumulate: Bool) {
    col2imGeneric(geometry, columns, input, accumulate: accumulate)
}
