import Autograd
import NN
import Tensor
import Testing

// The fused primitives run float32 through their own SIMD kernels (in-place products, the LSTM's
// vector gate code) and float64 through the engine's GEMM and libm — the float64 path is what the
// PyTorch parity fixtures check. These tests run the same functions in both dtypes on ragged sizes
// (not multiples of the 16/32-lane tiles, odd batch and head counts) and expect the float32 values
// and gradients to agree with float64 to float32 accuracy.

/// `body` on float64 leaves and on float32 copies of them; compares outputs and every leaf gradient.
private func expectFloat32Agrees(_ name: String, shapes: [[Int]], seed: UInt64 = 7,
                                 _ body: ([Tensor]) throws -> Tensor) throws {
    let g = Generator(seed: seed)
    let leaves64 = try shapes.map { try Tensor.randn($0, generator: g, dtype: .float64, requiresGrad: true) }
    let leaves32 = try leaves64.map { try Tensor(try $0.data.to(.float32), requiresGrad: true) }
    let out64 = try body(leaves64), out32 = try body(leaves32)
    // a non-uniform upstream gradient, so every output element's gradient path is exercised
    let weights = try Tensor.randn(out64.shape, generator: g, dtype: .float64)
    try (try (out64 * weights).sum()).backward()
    try (try (out32 * (try weights.to(.float32))).sum()).backward()
    func compare(_ what: String, _ a: Tensor?, _ b: Tensor?) {
        let x = a?.data.toDoubles() ?? [], y = b?.data.toDoubles() ?? []
        #expect(x.count == y.count, "\(name) \(what): sizes differ")
        let scale = max(1e-3, x.map { Swift.abs($0) }.max() ?? 0)
        let worst = zip(x, y).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(worst <= 2e-4 * scale, "\(name) \(what): float32 differs from float64 by \(worst) (scale \(scale))")
    }
    compare("output", out64, out32)
    for (i, (a, b)) in zip(leaves64, leaves32).enumerated() { compare("grad \(i)", a.grad, b.grad) }
}

@Test func float32ConvolutionAgreesWithFloat64() throws {
    // batch 5 (blocks of 4 images + 1), 3 → 5 channels, 7 × 37 input (37 output columns: one full strip + tail)
    try expectFloat32Agrees("conv2d", shapes: [[5, 3, 7, 37], [5, 3, 3, 3], [5]]) { t in
        try F.conv2d(t[0], weight: t[1], bias: t[2], padding: .explicit([1]))
    }
    try expectFloat32Agrees("conv2d stride 2", shapes: [[2, 2, 9, 11], [3, 2, 2, 3]]) { t in
        try F.conv2d(t[0], weight: t[1], stride: [2])
    }
}

@Test func float32AttentionAgreesWithFloat64() throws {
    // 3 heads, L = 13, S = 45, E = 10, Ev = 7
    try expectFloat32Agrees("sdpa", shapes: [[3, 13, 10], [3, 45, 10], [3, 45, 7]]) { t in
        try F.scaledDotProductAttention(t[0], t[1], t[2])
    }
    try expectFloat32Agrees("sdpa causal", shapes: [[2, 19, 8], [2, 19, 8], [2, 19, 33]]) { t in
        try F.scaledDotProductAttention(t[0], t[1], t[2], isCausal: true)
    }
}

@Test func float32LinearAgreesWithFloat64() throws {
    // 37 rows (8-row tiles + 4 + 1), 20 → 19 and 19 → 40 features (in-place kernel), 40 → 3 (narrow: engine GEMM)
    try expectFloat32Agrees("linear", shapes: [[37, 20], [19, 20], [19], [40, 19], [3, 40]]) { t in
        let h = try F.linear(try F.linear(t[0], weight: t[1], bias: t[2]).tanh(), weight: t[3])
        return try F.linear(h, weight: t[4])
    }
}

@Test func float32LSTMAgreesWithFloat64() throws {
    // batch 7 (two parts, 4- and 1-row tiles), T = 6, hidden 20 (one vector + a ragged tail)
    let g = Generator(seed: 3)
    let lstm64 = try LSTM(inputSize: 5, hiddenSize: 20, dtype: .float64, generator: g)
    let lstm32 = try LSTM(inputSize: 5, hiddenSize: 20, dtype: .float32, generator: g)
    for ((_, p64), (_, p32)) in zip(lstm64.namedParameters(), lstm32.namedParameters()) {
        let converted = try p64.data.to(.float32)
        p32.data.pointer(Float.self).update(from: converted.pointer(Float.self), count: p64.numel())
        withExtendedLifetime(converted) {}
    }
    try expectFloat32Agrees("lstm", shapes: [[6, 7, 5]]) { t in
        let lstm = t[0].dtype == .float64 ? lstm64 : lstm32
        let (out, (h, c)) = try lstm.forward(t[0], nil)
        return try (try out.sum()) + (try h.sum()) * 0.5 + (try c.sum()) * 0.25
    }
    for ((name, p64), (_, p32)) in zip(lstm64.namedParameters(), lstm32.namedParameters()) {
        let x = p64.grad?.data.toDoubles() ?? [], y = p32.grad?.data.toDoubles() ?? []
        let scale = max(1e-3, x.map { Swift.abs($0) }.max() ?? 0)
        let worst = zip(x, y).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(x.count == y.count && worst <= 2e-4 * scale, "lstm \(name) grad: float32 differs by \(worst)")
    }
}
