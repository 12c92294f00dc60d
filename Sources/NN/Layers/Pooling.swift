import Autograd
import Tensor

/// An int or tuple argument as PyTorch prints it (`2` or `(2, 3)`).
private func sizeRepr(_ a: [Int]) -> String { a.count == 1 ? String(a[0]) : tupleString(a) }

/// `MaxPool1d/2d(kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=False)`.
public class MaxPool: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int], ceilMode: Bool
    let spatialDims: Int
    init(spatialDims: Int, kernelSize: [Int], stride: [Int]?, padding: [Int], dilation: [Int], ceilMode: Bool) throws {
        self.spatialDims = spatialDims
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        super.init()
    }
    public override var extraRepr: String {
        "kernel_size=\(sizeRepr(kernelSize)), stride=\(sizeRepr(stride)), padding=\(sizeRepr(padding)), dilation=\(sizeRepr(dilation)), ceil_mode=\(ceilMode ? "True" : "False")"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        spatialDims == 1
            ? try F.maxPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            : try F.maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

public final class MaxPool2d: MaxPool {
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false) throws {
        try super.init(spatialDims: 2, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

public final class MaxPool1d: MaxPool {
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false) throws {
        try super.init(spatialDims: 1, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// `AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`.
public final class AvgPool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], ceilMode: Bool, countIncludePad: Bool, divisorOverride: Int?
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) throws {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }
    public override var extraRepr: String {
        "kernel_size=\(sizeRepr(kernelSize)), stride=\(sizeRepr(stride)), padding=\(sizeRepr(padding))"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                        countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }
}

/// `AvgPool1d(kernel_size, stride=kernel_size, padding=0, ceil_mode=False, count_include_pad=True)`.
public final class AvgPool1d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], ceilMode: Bool, countIncludePad: Bool
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                countIncludePad: Bool = true) throws {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        super.init()
    }
    // PyTorch stores AvgPool1d's sizes as 1-tuples, and prints them so
    public override var extraRepr: String {
        "kernel_size=\(tupleString(kernelSize)), stride=\(tupleString(stride)), padding=\(tupleString(padding))"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.avgPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                        countIncludePad: countIncludePad)
    }
}

/// What the adaptive pools share: an output size per spatial dimension (nil keeps the input's
/// size), its checks and PyTorch's repr.
public class AdaptivePool: Module {
    public let outputSize: [Int?], spatialDims: Int
    private let kind: String
    init(kind: String, outputSize: [Int?], spatialDims: Int) throws {
        guard outputSize.count == 1 || outputSize.count == spatialDims else {
            throw NNError("\(kind)\(spatialDims)d: output_size must have 1 or \(spatialDims) values, got \(outputSize.count)")
        }
        for s in outputSize { if let s, s <= 0 { throw NNError("\(kind)\(spatialDims)d: output_size must be positive, got \(s)") } }
        self.kind = kind
        self.outputSize = outputSize
        self.spatialDims = spatialDims
        super.init()
    }
    public override var typeName: String { "\(kind)\(spatialDims)d" }
    public override var extraRepr: String {
        let parts = outputSize.map { $0.map(String.init) ?? "None" }
        return "output_size=" + (parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")")
    }
}

/// `AdaptiveAvgPool1d(output_size)` / `AdaptiveAvgPool2d(output_size)`: average pooling to a fixed
/// output size (nil entries keep the input's size), with PyTorch's bins.
public final class AdaptiveAvgPool: AdaptivePool {
    public init(outputSize: [Int?], spatialDims: Int) throws {
        try super.init(kind: "AdaptiveAvgPool", outputSize: outputSize, spatialDims: spatialDims)
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.adaptiveAvgPool(input, outputSize: outputSize, spatialDims: spatialDims)
    }
}

/// `AdaptiveMaxPool1d(output_size)` / `AdaptiveMaxPool2d(output_size)`: max pooling to a fixed
/// output size over PyTorch's bins (nil entries keep the input's size); `return_indices` is not supported.
public final class AdaptiveMaxPool: AdaptivePool {
    public init(outputSize: [Int?], spatialDims: Int) throws {
        try super.init(kind: "AdaptiveMaxPool", outputSize: outputSize, spatialDims: spatialDims)
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.adaptiveMaxPool(input, outputSize: outputSize, spatialDims: spatialDims)
    }
}
