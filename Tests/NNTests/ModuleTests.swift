import Autograd
import Foundation
import NN
import Tensor
import Testing

// Module API: names, reassignment, train/eval, zero_grad, default initialisation bounds, errors.

@Test func namedParametersFollowPyTorch() throws {
    let g = Generator(seed: 0)
    let mlp = try MLP(sizes: [2, 4, 1], generator: g)
    #expect(mlp.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    #expect(try mlp.layer(at: -1) is Linear)
    #expect(throws: NNError.self) { try mlp.layer(at: 3) }
    let mha = try MultiheadAttention(embedDim: 4, numHeads: 2, generator: g)
    #expect(mha.namedParameters().map(\.0) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
    let lstm = try LSTM(inputSize: 3, hiddenSize: 2, numLayers: 2, generator: g)
    #expect(lstm.namedParameters().map(\.0) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                                 "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"])
    #expect(lstm.parameter("weight_ih_l0")!.shape == [8, 3])
    let bn = try BatchNorm1d(numFeatures: 3)
    #expect(bn.namedBuffers().map(\.0) == ["running_mean", "running_var", "num_batches_tracked"])
    #expect(String(describing: mlp) == """
    Sequential(
      (0): Linear(in_features=2, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=1, bias=True)
    )
    """)
}

@Test func parametersCanBeReassigned() throws {
    let layer = try Linear(inFeatures: 2, outFeatures: 1, generator: Generator(seed: 1))
    let w = try Tensor.from([3, 4], shape: [1, 2])
    try layer.setParameter("weight", try Parameter(w))
    try layer.setParameter("bias", try Parameter(try Tensor.from([0.5], shape: [1])))
    let y = try layer(try Tensor.from([1, 1], shape: [1, 2]))
    #expect(y.data.toDoubles() == [7.5])
    #expect(throws: NNError.self) { try layer.setParameter("weight", try Parameter(try Tensor.zeros([2, 2]))) }
    // a user module may hold anything
    let user = Module()
    user.registerParameter("b", try Parameter(try Tensor.zeros([3])))
    user.registerModule("inner", layer)
    #expect(user.namedParameters().map(\.0) == ["b", "inner.weight", "inner.bias"])
    try user.setParameter("b", try Parameter(try Tensor.zeros([5])))
    #expect(user.parameter("b")!.shape == [5])
}

@Test func trainEvalAndZeroGrad() throws {
    let g = Generator(seed: 2)
    let net = Sequential([try Linear(inFeatures: 3, outFeatures: 3, generator: g), try Dropout(p: 0.5, generator: g)])
    #expect(net.training && net.children[1].1.training)
    net.eval()
    #expect(!net.training && !net.children[1].1.training)
    let x = try Tensor.ones([4, 3])
    let y = try net(x)
    try (try y.sum()).backward()
    #expect(net.parameters().allSatisfy { $0.grad != nil })
    net.zeroGrad()
    #expect(net.parameters().allSatisfy { $0.grad == nil })
}

@Test func dropoutIsSeededAndScaled() throws {
    let x = try Tensor.ones([1000])
    let a = try F.dropout(x, p: 0.3, training: true, generator: Generator(seed: 5)).data.toDoubles()
    let b = try F.dropout(x, p: 0.3, training: true, generator: Generator(seed: 5)).data.toDoubles()
    #expect(a == b)
    let kept = a.filter { $0 != 0 }
    #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
    #expect(abs(Double(kept.count) / 1000 - 0.7) < 0.05)
    #expect(try F.dropout(x, p: 0.3, training: false, generator: Generator(seed: 5)).data.toDoubles() == [Double](repeating: 1, count: 1000))
}

/// PyTorch's default initialisation: the bound each parameter must respect, and that draws
/// spread over most of it.
@Test func defaultInitialisationMatchesPyTorchBounds() throws {
    let g = Generator(seed: 3)
    func check(_ t: Tensor, bound: Double, _ what: String) {
        let v = t.data.toDoubles()
        #expect(v.allSatisfy { abs($0) <= bound }, "\(what) exceeds ±\(bound)")
        #expect((v.map(abs).max() ?? 0) > 0.8 * bound, "\(what) does not span ±\(bound)")
    }
    let lin = try Linear(inFeatures: 16, outFeatures: 32, generator: g)
    check(lin.weight, bound: 0.25, "Linear.weight"); check(lin.bias!, bound: 0.25, "Linear.bias")
    let conv = try Conv2d(inChannels: 4, outChannels: 8, kernelSize: [3], generator: g)
    check(conv.weight, bound: 1 / 6, "Conv2d.weight")
    let convT = try ConvTranspose2d(inChannels: 4, outChannels: 2, kernelSize: [2], generator: g)
    check(convT.weight, bound: 1 / (8.0).squareRoot(), "ConvTranspose2d.weight")
    let lstm = try LSTM(inputSize: 5, hiddenSize: 16, generator: g)
    for (name, p) in lstm.namedParameters() { check(p, bound: 0.25, "LSTM.\(name)") }
    let mha = try MultiheadAttention(embedDim: 8, numHeads: 2, generator: g)
    check(mha.parameter("in_proj_weight")!, bound: (6.0 / 32).squareRoot(), "in_proj_weight")
    #expect(mha.parameter("in_proj_bias")!.data.toDoubles().allSatisfy { $0 == 0 })
    #expect(mha.module("out_proj")!.parameter("bias")!.data.toDoubles().allSatisfy { $0 == 0 })
    let emb = try Embedding(numEmbeddings: 100, embeddingDim: 10, paddingIdx: 0, generator: g)
    let values = emb.weight.data.toDoubles()
    #expect(values[0..<10].allSatisfy { $0 == 0 })
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
    #expect(abs(mean) < 0.1 && abs(variance - 1) < 0.15)
    let ln = try LayerNorm(normalizedShape: [3])
    #expect(ln.parameter("weight")!.data.toDoubles() == [1, 1, 1] && ln.parameter("bias")!.data.toDoubles() == [0, 0, 0])
}

@Test func shapeErrorsAreThrownNotTrapped() throws {
    let g = Generator(seed: 4)
    let lin = try Linear(inFeatures: 3, outFeatures: 2, generator: g)
    #expect(throws: (any Error).self) { try lin(try Tensor.zeros([4, 5])) }
    let conv = try Conv2d(inChannels: 3, outChannels: 2, kernelSize: [3], generator: g)
    #expect(throws: NNError.self) { try conv(try Tensor.zeros([1, 2, 8, 8])) }
    #expect(throws: NNError.self) { try conv(try Tensor.zeros([1, 3, 2, 2])) }
    #expect(throws: NNError.self) { try Conv2d(inChannels: 3, outChannels: 2, kernelSize: [3], stride: [2], padding: .same, generator: g) }
    #expect(throws: NNError.self) { try F.crossEntropy(try Tensor.zeros([2, 3]), try Tensor.from([0, 5], shape: [2], dtype: .int64)) }
    #expect(throws: NNError.self) { try F.crossEntropy(try Tensor.zeros([2, 3]), try Tensor.from([0], shape: [1], dtype: .int64)) }
    #expect(throws: NNError.self) { try F.mseLoss(try Tensor.zeros([2]), try Tensor.zeros([3])) }
    let emb = try Embedding(numEmbeddings: 4, embeddingDim: 2, generator: g)
    #expect(throws: NNError.self) { try emb(try Tensor.from([4], shape: [1], dtype: .int64)) }
    let lstm = try LSTM(inputSize: 3, hiddenSize: 2, generator: g)
    #expect(throws: NNError.self) { try lstm.forward(try Tensor.zeros([5, 1, 4]), nil) }
    let gn = GraphNetwork(edgeModel: .function { $0 }, nodeModel: .function { $0 }, globalModel: .function { $0 })
    #expect(throws: NNError.self) {
        try gn.forward(nodes: try Tensor.zeros([2, 1]), edges: try Tensor.zeros([1, 1]), senders: try Tensor.from([0], shape: [1], dtype: .int64),
                       receivers: try Tensor.from([2], shape: [1], dtype: .int64), globals: try Tensor.zeros([1, 1]))
    }
    // ceil_mode is supported now; padding beyond half the kernel is still refused, as PyTorch
    #expect(throws: NNError.self) { try MaxPool2d(kernelSize: [2], padding: [2], ceilMode: true)(try Tensor.zeros([1, 1, 4, 4])) }
    #expect(throws: NNError.self) { try Reduction(parsing: "avg") }
}

@Test func graphNetworkWithFunctionsAndEmptyNeighbourhoods() throws {
    // identity models: node 2 receives nothing, so its aggregated edges are zeros
    let gn = GraphNetwork(edgeModel: .function { try $0.narrowColumns(0, 1) }, nodeModel: .function { $0 },
                          globalModel: .function { $0 }, aggregation: .max)
    let nodes = try Tensor.from([1, 2, 3], shape: [3, 1], dtype: .float64)
    let edges = try Tensor.from([-5, 7], shape: [2, 1], dtype: .float64)
    let (v, e, u) = try gn.forward(nodes: nodes, edges: edges, senders: try Tensor.from([0, 1], shape: [2], dtype: .int64),
                                   receivers: try Tensor.from([1, 1], shape: [2], dtype: .int64),
                                   globals: try Tensor.from([0], shape: [1, 1], dtype: .float64))
    #expect(e.data.toDoubles() == [-5, 7])
    #expect(v.shape == [3, 3])
    #expect(v.data.toDoubles() == [0, 1, 0, 7, 2, 0, 0, 3, 0])
    #expect(u.data.toDoubles() == [7, 7, 3, 0, 0])
}

extension Tensor {
    /// Columns [start, start + count) of a 2-d tensor (test helper built from public indexing).
    func narrowColumns(_ start: Int, _ count: Int) throws -> Tensor {
        try index([.all, .slice(start: start, end: start + count, step: nil)])
    }
}

@Test func linearSupportsSecondDerivatives() throws {
    // the fused linear primitive falls back to differentiable ops under create_graph
    let g = Generator(seed: 11)
    let x = try Tensor.randn([3, 4], generator: g, dtype: .float64, requiresGrad: true)
    let w = try Tensor.randn([2, 4], generator: g, dtype: .float64, requiresGrad: true)
    let b = try Tensor.randn([2], generator: g, dtype: .float64, requiresGrad: true)
    func secondOrder(_ f: (Tensor) throws -> Tensor) throws -> [Double] {
        let y = try f(x)
        let z = try (try (try y * y) * y).sum()
        let dx = try Tensor.grad(outputs: [z], inputs: [x], createGraph: true)[0]!
        return try Tensor.grad(outputs: [try (try dx * dx).sum()], inputs: [w])[0]!.data.toDoubles()
    }
    let fused = try secondOrder { try F.linear($0, weight: w, bias: b) }
    let composite = try secondOrder { try (try $0.matmul(try w.transpose(0, 1))) + b }
    #expect(relativeMismatch(fused, composite, rtol: 1e-10, atol: 1e-12) == nil)
}

@Test func fusedConvolutionAndAttentionSupportSecondDerivatives() throws {
    // the fused conv and attention primitives fall back to differentiable ops under create_graph;
    // compared with the same functions written from public ops (shifted slices + einsum, softmax)
    let g = Generator(seed: 12)
    let x = try Tensor.randn([2, 2, 4, 4], generator: g, dtype: .float64, requiresGrad: true)
    let w = try Tensor.randn([3, 2, 2, 2], generator: g, dtype: .float64, requiresGrad: true)
    let b = try Tensor.randn([3], generator: g, dtype: .float64, requiresGrad: true)
    func secondOrder(_ f: (Tensor) throws -> Tensor, _ wrt: Tensor) throws -> [Double] {
        let y = try f(x)
        let z = try (try (try y * y) * y).sum()
        let dx = try Tensor.grad(outputs: [z], inputs: [x], createGraph: true)[0]!
        return try Tensor.grad(outputs: [try (try dx * dx).sum()], inputs: [wrt])[0]!.data.toDoubles()
    }
    func slidingConv(_ input: Tensor) throws -> Tensor {
        var out: Tensor? = nil
        for kh in 0..<2 { for kw in 0..<2 {
            let patch = try input.index([.all, .all, .slice(start: kh, end: kh + 3, step: nil), .slice(start: kw, end: kw + 3, step: nil)])
            let tap = try w.index([.all, .all, .int(kh), .int(kw)])
            let term = try Tensor.einsum("nchw,oc->nohw", [patch, tap])
            out = try out.map { try $0 + term } ?? term
        } }
        return try out! + (try b.reshape([1, 3, 1, 1]))
    }
    let fusedConv = try secondOrder({ try F.conv2d($0, weight: w, bias: b) }, w)
    let compositeConv = try secondOrder(slidingConv, w)
    #expect(relativeMismatch(fusedConv, compositeConv, rtol: 1e-9, atol: 1e-11) == nil)

    let k = try Tensor.randn([2, 2, 5, 4], generator: g, dtype: .float64, requiresGrad: true)
    let v = try Tensor.randn([2, 2, 5, 3], generator: g, dtype: .float64, requiresGrad: true)
    func attentionOf(_ input: Tensor, mask: Tensor?) throws -> Tensor {
        try F.scaledDotProductAttention(try input.reshape([2, 2, 4, 4]), k, v, attnMask: mask)
    }
    let zeroMask = try Tensor.zeros([4, 5], dtype: .float64)   // a float mask takes the composite path
    for wrt in [k, v] {
        let fused = try secondOrder({ try attentionOf($0, mask: nil) }, wrt)
        let composite = try secondOrder({ try attentionOf($0, mask: zeroMask) }, wrt)
        #expect(relativeMismatch(fused, composite, rtol: 1e-9, atol: 1e-11) == nil)
    }
}
