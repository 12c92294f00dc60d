import Autograd
import NN
import Tensor
import Testing

/// MLP runs each Linear + ReLU pair as one fused node; its values and gradients must be
/// bit for bit those of the layers applied one at a time.
@Suite struct FusedLinearReLUTests {
    func bits(_ t: Tensor) -> [UInt64] { t.data.toDoubles().map(\.bitPattern) }

    func check(_ dtype: DType) throws {
        let g = Generator(seed: 7)
        let model = try MLP(sizes: [3, 20, 17, 2], dtype: dtype, generator: g)
        // Zeros and negative zeros in the input, so some pre-activations are exactly 0.
        var x = try Tensor.randn([33, 3], generator: g, dtype: dtype)
        x = try Tensor.constant(x.data.binary(.mul, scalar: .float(4)).unary(.round))
        let fused = try model(x)
        try (fused * fused).sum().backward()
        let fusedGrads = model.parameters().map { bits($0.grad!) }
        #expect(fused.gradFn?.name == "AddmmBackward0")

        model.zeroGrad()
        var h = x
        for layer in model.layers { h = try layer.forward(h) }
        try (h * h).sum().backward()
        #expect(bits(fused) == bits(h))
        #expect(fusedGrads == model.parameters().map { bits($0.grad!) })
    }

    @Test func float32MatchesLayerByLayer() throws { try check(.float32) }
    @Test func float64MatchesLayerByLayer() throws { try check(.float64) }
}
