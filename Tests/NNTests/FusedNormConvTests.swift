import Autograd
import Foundation
import NN
import Tensor
import Testing

// The fused batch-norm and depthwise-convolution primitives against the same maths written
// with plain differentiable ops (float64), values, gradients and second derivatives.

private func doubles(_ t: Tensor?) throws -> [Double] { try #require(t).data.toDoubles() }

private func expectClose(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-10, _ what: String) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst <= tolerance, "\(what): worst relative difference \(worst)")
}

/// Batch norm over every dimension but 1, written with reductions (the reference).
private func composedBatchNorm(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, eps: Double) throws -> Tensor {
    var statShape = [Int](repeating: 1, count: x.ndim)
    statShape[1] = x.shape[1]
    let dims = [0] + Array(2..<x.ndim)
    let mean = try x.mean(dims: dims, keepdim: true)
    let centered = try x - mean
    let variance = try (try centered * centered).mean(dims: dims, keepdim: true)
    return try (try (try centered * (try (try variance + eps).pow(-0.5))) * (try gamma.reshape(statShape))) + (try beta.reshape(statShape))
}

@Test(arguments: [[6, 3, 5, 4], [7, 2], [3, 4, 9]])
func fusedBatchNormMatchesComposedForm(shape: [Int]) throws {
    let g = Generator(seed: 11)
    let c = shape[1]
    let x = try Tensor((try Tensor.randn(shape, generator: g, dtype: .float64) * 3.0 + 1.5).data, requiresGrad: true)
    let gamma = try Tensor.randn([c], generator: g, dtype: .float64, requiresGrad: true)
    let beta = try Tensor.randn([c], generator: g, dtype: .float64, requiresGrad: true)
    let r = try Tensor.randn(shape, generator: g, dtype: .float64)
    let runningMean = try Tensor.zeros([c], dtype: .float64), runningVar = try Tensor.ones([c], dtype: .float64)

    let fused = try F.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: gamma, bias: beta, training: true, eps: 1e-5)
    let reference = try composedBatchNorm(x, gamma, beta, eps: 1e-5)
    expectClose(try doubles(fused), try doubles(reference), 1e-12, "output")

    let fusedGrads = try Tensor.grad(outputs: [try (try fused * r).sum()], inputs: [x, gamma, beta], createGraph: true)
    let referenceGrads = try Tensor.grad(outputs: [try (try reference * r).sum()], inputs: [x, gamma, beta], createGraph: true)
    for i in 0..<3 { expectClose(try doubles(fusedGrads[i]), try doubles(referenceGrads[i]), 1e-10, "gradient \(i)") }
    // second derivatives through the create_graph pullback
    let fusedSecond = try Tensor.grad(outputs: [try (try fusedGrads[0]! * fusedGrads[0]!).sum()], inputs: [x, gamma])
    let referenceSecond = try Tensor.grad(outputs: [try (try referenceGrads[0]! * referenceGrads[0]!).sum()], inputs: [x, gamma])
    for i in 0..<2 { expectClose(try doubles(fusedSecond[i]), try doubles(referenceSecond[i]), 1e-9, "second derivative \(i)") }

    // running statistics: momentum 0.1 towards the batch mean and the unbiased variance
    let count = Double(x.numel() / c)
    let batchMean = try doubles(try x.mean(dims: [0] + Array(2..<x.ndim)))
    let centered = try x - (try x.mean(dims: [0] + Array(2..<x.ndim), keepdim: true))
    let batchVar = try doubles(try (try centered * centered).mean(dims: [0] + Array(2..<x.ndim)))
    expectClose(try doubles(runningMean), batchMean.map { 0.1 * $0 }, 1e-12, "running mean")
    expectClose(try doubles(runningVar), batchVar.map { 0.9 + 0.1 * $0 * count / (count - 1) }, 1e-12, "running var")

    // eval: the running statistics, gradient γ·invstd·dy
    let evaluated = try F.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: gamma, bias: beta, training: false)
    var statShape = [Int](repeating: 1, count: x.ndim)
    statShape[1] = c
    let evalReference = try (try (try (try x - (try runningMean.reshape(statShape))) * (try (try (try runningVar.reshape(statShape)) + 1e-5).pow(-0.5)))
        * (try gamma.reshape(statShape))) + (try beta.reshape(statShape))
    expectClose(try doubles(evaluated), try doubles(evalReference), 1e-12, "eval output")
    let evalGrads = try Tensor.grad(outputs: [try (try evaluated * r).sum()], inputs: [x, gamma, beta])
    let evalReferenceGrads = try Tensor.grad(outputs: [try (try evalReference * r).sum()], inputs: [x, gamma, beta])
    for i in 0..<3 { expectClose(try doubles(evalGrads[i]), try doubles(evalReferenceGrads[i]), 1e-10, "eval gradient \(i)") }
}

@Test func fusedBatchNormFloat32AgreesWithFloat64() throws {
    let g = Generator(seed: 4)
    let x64 = try Tensor.randn([8, 5, 6, 7], generator: g, dtype: .float64)
    let r64 = try Tensor.randn([8, 5, 6, 7], generator: g, dtype: .float64)
    func run(_ dtype: DType) throws -> [[Double]] {
        let x = try Tensor(try x64.data.to(dtype), requiresGrad: true)
        let bn = try BatchNorm2d(numFeatures: 5, dtype: dtype)
        let y = try bn.forward(x)
        try (try y * (try Tensor(try r64.data.to(dtype)))).sum().backward()
        return [try doubles(y), try doubles(x.grad), try doubles(bn.parameter("weight")?.grad), try doubles(bn.buffer("running_var"))]
    }
    let single = try run(.float32), double = try run(.float64)
    for i in 0..<4 { expectClose(single[i], double[i], 1e-4, "float32 result \(i)") }
}

/// A depthwise weight `[m·C, 1, kh, kw]` as the equivalent dense `[m·C, C, kh, kw]` (zeros off the block diagonal).
private func denseWeight(_ w: Tensor, channels: Int) throws -> Tensor {
    let o = w.shape[0], kh = w.shape[2], kw = w.shape[3], m = o / channels
    var mask = [Double](repeating: 0, count: o * channels * kh * kw)
    for out in 0..<o { for k in 0..<(kh * kw) { mask[(out * channels + out / m) * kh * kw + k] = 1 } }
    let maskTensor = try Tensor(try NDArray(doubles: mask, shape: [o, channels, kh, kw], dtype: w.dtype))
    return try w * maskTensor                                     // broadcast over dimension 1
}

@Test(arguments: [(1, 1, 1, 1), (2, 2, 1, 1), (1, 1, 0, 2), (2, 2, 3, 2), (1, 3, 1, 3)])
func depthwiseConvolutionMatchesDenseEquivalent(multiplier: Int, stride: Int, padding: Int, dilation: Int) throws {
    let g = Generator(seed: 7)
    let channels = 3, o = multiplier * channels
    let x = try Tensor.randn([2, channels, 9, 8], generator: g, dtype: .float64, requiresGrad: true)
    let w = try Tensor.randn([o, 1, 3, 2], generator: g, dtype: .float64, requiresGrad: true)
    let b = try Tensor.randn([o], generator: g, dtype: .float64, requiresGrad: true)
    let y = try F.conv2d(x, weight: w, bias: b, stride: [stride], padding: .explicit([padding]), dilation: [dilation], groups: channels)
    let reference = try F.conv2d(x, weight: try denseWeight(w, channels: channels), bias: b, stride: [stride], padding: .explicit([padding]),
                                 dilation: [dilation], groups: 1)
    #expect(y.shape == reference.shape)
    expectClose(try doubles(y), try doubles(reference), 1e-12, "output")
    let r = try Tensor.randn(y.shape, generator: g, dtype: .float64)
    let grads = try Tensor.grad(outputs: [try (try y * r).sum()], inputs: [x, w, b], createGraph: true)
    let referenceGrads = try Tensor.grad(outputs: [try (try reference * r).sum()], inputs: [x, w, b], createGraph: true)
    for i in 0..<3 { expectClose(try doubles(grads[i]), try doubles(referenceGrads[i]), 1e-11, "gradient \(i)") }
    let second = try Tensor.grad(outputs: [try (try grads[0]! * grads[0]!).sum()], inputs: [w])
    let referenceSecond = try Tensor.grad(outputs: [try (try referenceGrads[0]! * referenceGrads[0]!).sum()], inputs: [w])
    expectClose(try doubles(second[0]), try doubles(referenceSecond[0]), 1e-10, "second derivative")
    // unbatched input and float32 take the same kernel
    let single = try F.conv2d(try Tensor(try x.data.to(.float32)).reshape([2, channels, 9, 8]), weight: try Tensor(try w.data.to(.float32)),
                              bias: try Tensor(try b.data.to(.float32)), stride: [stride], padding: .explicit([padding]),
                              dilation: [dilation], groups: channels)
    expectClose(try doubles(single), try doubles(reference), 1e-5, "float32 output")
    let first = try Tensor(try NDArray(doubles: Array(try doubles(x).prefix(channels * 72)), shape: [channels, 9, 8], dtype: .float64))
    let unbatched = try F.conv2d(first, weight: w.detach(), bias: b.detach(), stride: [stride],
                                 padding: .explicit([padding]), dilation: [dilation], groups: channels)
    #expect(unbatched.shape == Array(reference.shape.dropFirst()))
}

