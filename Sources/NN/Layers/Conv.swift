import Autograd
import Tensor

/// `Conv1d`, `Conv2d`, `Conv3d` share this class (PyTorch's `_ConvNd`): weight
/// `[out, in / groups, kernel…]`, bias `[out]`, both U(±1/√((in / groups)·∏kernel)).
///
/// ```swift
/// let conv = try Conv2d(inChannels: 3, outChannels: 16, kernelSize: [3], padding: .same, generator: g)
/// ```
public class ConvNd: Module {
    public let spatialDims: Int
    public let inChannels: Int, outChannels: Int
    public let kernelSize: [Int], stride: [Int], padding: ConvPadding, dilation: [Int], groups: Int
    /// `'zeros'` (the convolution pads), or `'reflect'`, `'replicate'`, `'circular'` (F.pad first).
    public let paddingMode: String

    init(spatialDims: Int, inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int], padding: ConvPadding,
         dilation: [Int], groups: Int, bias: Bool, paddingMode: String = "zeros", dtype: DType, generator: Generator) throws {
        let op = "Conv\(spatialDims)d"
        guard ["zeros", "reflect", "replicate", "circular"].contains(paddingMode) else {
            throw NNError("padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='\(paddingMode)'")
        }
        self.paddingMode = paddingMode
        guard inChannels > 0, outChannels > 0 else { throw NNError("\(op): channel counts must be positive") }
        guard groups > 0 else { throw NNError("\(op): groups must be a positive integer") }
        guard inChannels % groups == 0 else { throw NNError("\(op): in_channels must be divisible by groups") }
        guard outChannels % groups == 0 else { throw NNError("\(op): out_channels must be divisible by groups") }
        self.spatialDims = spatialDims
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = try expandArgument(op, "kernel_size", kernelSize, dims: spatialDims)
        self.stride = try expandArgument(op, "stride", stride, dims: spatialDims)
        self.dilation = try expandArgument(op, "dilation", dilation, dims: spatialDims)
        if case .explicit(let p) = padding {
            self.padding = .explicit(try expandArgument(op, "padding", p, dims: spatialDims))
        } else {
            if padding == .same && self.stride.contains(where: { $0 != 1 }) {
                throw NNError("\(op): padding='same' is not supported for strided convolutions")
            }
            self.padding = padding
        }
        self.groups = groups
        super.init()
        let shape = [outChannels, inChannels / groups] + self.kernelSize
        let bound = Init.fanInBound(shape)
        registerParameter("weight", try Init.uniform(shape, bound: bound, dtype: dtype, generator: generator))
        registerParameter("bias", bias ? try Init.uniform([outChannels], bound: bound, dtype: dtype, generator: generator) : nil)
    }

    public var weight: Tensor { parameter("weight")! }
    public var bias: Tensor? { parameter("bias") }
    public override var typeName: String { "Conv\(spatialDims)d" }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(tupleString(kernelSize)), stride=\(tupleString(stride))"
        switch padding {
        case .same: s += ", padding=same"
        case .valid: s += ", padding=valid"
        case .explicit(let p) where p.contains(where: { $0 != 0 }): s += ", padding=\(tupleString(p))"
        default: break
        }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(tupleString(dilation))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        if paddingMode != "zeros" { s += ", padding_mode=\(paddingMode)" }
        return s
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        if paddingMode != "zeros" {
            // PyTorch's _reversed_padding_repeated_twice: (left, right) per dimension, last dimension first
            var pads: [Int] = []
            for d in (0..<spatialDims).reversed() {
                switch padding {
                case .explicit(let p): pads += [p[d], p[d]]
                case .valid: pads += [0, 0]
                case .same:
                    let total = dilation[d] * (kernelSize[d] - 1)
                    pads += [total / 2, total - total / 2]
                }
            }
            return try F.convolution(try F.pad(input, pads, mode: paddingMode), weight: weight, bias: bias, stride: stride,
                                     padding: .explicit([0]), dilation: dilation, groups: groups, spatialDims: spatialDims)
        }
        return try F.convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                          groups: groups, spatialDims: spatialDims)
    }
}

public final class Conv1d: ConvNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: ConvPadding = .explicit([0]),
                dilation: [Int] = [1], groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros", dtype: DType = .float32,
                generator: Generator) throws {
        try super.init(spatialDims: 1, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                       padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, dtype: dtype,
                       generator: generator)
    }
}

public final class Conv2d: ConvNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: ConvPadding = .explicit([0]),
                dilation: [Int] = [1], groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros", dtype: DType = .float32,
                generator: Generator) throws {
        try super.init(spatialDims: 2, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                       padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, dtype: dtype,
                       generator: generator)
    }
}

public final class Conv3d: ConvNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: ConvPadding = .explicit([0]),
                dilation: [Int] = [1], groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros", dtype: DType = .float32,
                generator: Generator) throws {
        try super.init(spatialDims: 3, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                       padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, dtype: dtype,
                       generator: generator)
    }
}

/// `ConvTranspose1d` / `ConvTranspose2d`: weight `[in, out, kernel…]`; PyTorch computes the
/// init bound from the weight's dim 1, so it is 1/√(out·∏kernel).
public class ConvTransposeNd: Module {
    public let spatialDims: Int
    public let inChannels: Int, outChannels: Int
    public let kernelSize: [Int], stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int], groups: Int

    init(spatialDims: Int, inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int], padding: [Int], outputPadding: [Int],
         groups: Int, bias: Bool, dilation: [Int], dtype: DType, generator: Generator) throws {
        let op = "ConvTranspose\(spatialDims)d"
        guard inChannels > 0, outChannels > 0 else { throw NNError("\(op): channel counts must be positive") }
        guard groups > 0 else { throw NNError("\(op): groups must be a positive integer") }
        guard inChannels % groups == 0 else { throw NNError("\(op): in_channels must be divisible by groups") }
        guard outChannels % groups == 0 else { throw NNError("\(op): out_channels must be divisible by groups") }
        self.spatialDims = spatialDims
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = try expandArgument(op, "kernel_size", kernelSize, dims: spatialDims)
        self.stride = try expandArgument(op, "stride", stride, dims: spatialDims)
        self.padding = try expandArgument(op, "padding", padding, dims: spatialDims)
        self.outputPadding = try expandArgument(op, "output_padding", outputPadding, dims: spatialDims)
        self.dilation = try expandArgument(op, "dilation", dilation, dims: spatialDims)
        self.groups = groups
        super.init()
        let shape = [inChannels, outChannels / groups] + self.kernelSize
        let bound = Init.fanInBound(shape)
        registerParameter("weight", try Init.uniform(shape, bound: bound, dtype: dtype, generator: generator))
        registerParameter("bias", bias ? try Init.uniform([outChannels], bound: bound, dtype: dtype, generator: generator) : nil)
    }

    public var weight: Tensor { parameter("weight")! }
    public var bias: Tensor? { parameter("bias") }
    public override var typeName: String { "ConvTranspose\(spatialDims)d" }
    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(tupleString(kernelSize)), stride=\(tupleString(stride))"
        // PyTorch's _ConvNd.extra_repr order: padding, dilation, output_padding, groups, bias
        if padding.contains(where: { $0 != 0 }) { s += ", padding=\(tupleString(padding))" }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(tupleString(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(tupleString(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        return s
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.convolutionTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                                   dilation: dilation, groups: groups, spatialDims: spatialDims)
    }
}

public final class ConvTranspose1d: ConvTransposeNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: [Int] = [0], outputPadding: [Int] = [0],
                groups: Int = 1, bias: Bool = true, dilation: [Int] = [1], dtype: DType = .float32, generator: Generator) throws {
        try super.init(spatialDims: 1, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                       outputPadding: outputPadding, groups: groups, bias: bias, dilation: dilation, dtype: dtype, generator: generator)
    }
}

public final class ConvTranspose2d: ConvTransposeNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: [Int] = [0], outputPadding: [Int] = [0],
                groups: Int = 1, bias: Bool = true, dilation: [Int] = [1], dtype: DType = .float32, generator: Generator) throws {
        try super.init(spatialDims: 2, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                       outputPadding: outputPadding, groups: groups, bias: bias, dilation: dilation, dtype: dtype, generator: generator)
    }
}

/// `(3, 3)` / `(3,)` as PyTorch prints size tuples.
func tupleString(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}
