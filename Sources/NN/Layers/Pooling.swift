import Autograd
import Tensor

/// `MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1)`.
public final class MaxPool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int], ceilMode: Bool
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false) throws {
        guard !ceilMode else { throw NNError("MaxPool2d: ceil_mode=True is not supported") }
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        super.init()
    }
    public override var extraRepr: String {
        func v(_ a: [Int]) -> String { a.count == 1 ? String(a[0]) : tupleString(a) }
        return "kernel_size=\(v(kernelSize)), stride=\(v(stride)), padding=\(v(padding)), dilation=\(v(dilation)), ceil_mode=False"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }
}

/// `AvgPool2d(kernel_size, stride=kernel_size, padding=0, count_include_pad=True)`.
public final class AvgPool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], countIncludePad: Bool, divisorOverride: Int?
    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) throws {
        guard !ceilMode else { throw NNError("AvgPool2d: ceil_mode=True is not supported") }
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }
    public override var extraRepr: String {
        func v(_ a: [Int]) -> String { a.count == 1 ? String(a[0]) : tupleString(a) }
        return "kernel_size=\(v(kernelSize)), stride=\(v(stride)), padding=\(v(padding))"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad,
                        divisorOverride: divisorOverride)
    }
}
