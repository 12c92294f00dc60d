import Autograd
import Foundation
import NN
import Tensor
import Testing

// Behaviour of the layers added after the spec's set that PyTorch fixtures cannot pin down
// (random masks, training switches, containers); their values are in the parity fixtures.

@Test func channelDropoutZeroesWholeChannels() throws {
    let g = Generator(seed: 3)
    let d = try ChannelDropout(p: 0.5, spatialDims: 2, generator: g)
    let x = try Tensor.ones([4, 6, 3, 3], dtype: .float64)
    let y = try d.forward(x).data.toDoubles()
    var kept = 0
    for channel in 0..<24 {
        let values = Set(y[(channel * 9)..<((channel + 1) * 9)])
        #expect(values == [0] || values == [2], "channel \(channel) is not uniformly dropped: \(values)")
        if values == [2] { kept += 1 }
    }
    #expect(kept > 0 && kept < 24)
    d.eval()
    #expect(try d.forward(x).data.toDoubles() == x.data.toDoubles())
    // dropout2d on a 3-d input is channel-wise over (N, C, L), as PyTorch
    let y3 = try F.channelDropout(try Tensor.ones([5, 4, 7], dtype: .float64), p: 0.5, spatialDims: 2, generator: g).data.toDoubles()
    for row in 0..<20 { #expect(Set(y3[(row * 7)..<((row + 1) * 7)]).count == 1) }
}

@Test func recurrentDropoutOnlyInTrainingAndBetweenLayers() throws {
    let g = Generator(seed: 5)
    let lstm = try LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5, bidirectional: true, dtype: .float64, generator: g)
    let x = try Tensor.randn([6, 2, 3], generator: g, dtype: .float64)
    lstm.eval()
    let (a, _) = try lstm.forward(x, nil)
    let (b, _) = try lstm.forward(x, nil)
    #expect(a.data.toDoubles() == b.data.toDoubles())
    lstm.train()
    let (c, _) = try lstm.forward(x, nil)
    #expect(c.data.toDoubles() != a.data.toDoubles())
    #expect(c.shape == [6, 2, 8])
    // a single layer has no inter-layer dropout: training and eval agree
    let one = try GRU(inputSize: 3, hiddenSize: 4, dropout: 0.5, bidirectional: true, dtype: .float64, generator: g)
    let (t, _) = try one.forward(x, nil)
    one.eval()
    let (e, _) = try one.forward(x, nil)
    #expect(t.data.toDoubles() == e.data.toDoubles())
}

@Test func bidirectionalParameterNamesFollowPyTorch() throws {
    let rnn = try RNN(inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, generator: Generator(seed: 1))
    let names = rnn.namedParameters().map { "\($0.0)\($0.1.shape)" }
    #expect(names == ["weight_ih_l0[3, 2]", "weight_hh_l0[3, 3]", "bias_ih_l0[3]", "bias_hh_l0[3]",
                      "weight_ih_l0_reverse[3, 2]", "weight_hh_l0_reverse[3, 3]", "bias_ih_l0_reverse[3]", "bias_hh_l0_reverse[3]",
                      "weight_ih_l1[3, 6]", "weight_hh_l1[3, 3]", "bias_ih_l1[3]", "bias_hh_l1[3]",
                      "weight_ih_l1_reverse[3, 6]", "weight_hh_l1_reverse[3, 3]", "bias_ih_l1_reverse[3]", "bias_hh_l1_reverse[3]"])
    #expect(throws: NNError.self) { try rnn.forward(try Tensor.zeros([4, 2, 2]), try Tensor.zeros([2, 2, 3])) }
    #expect(throws: NNError.self) { try LSTM(inputSize: 2, hiddenSize: 3, dropout: -0.1, generator: Generator(seed: 1)) }
}

@Test func batchNormTwoDimensionalTrainThenEval() throws {
    let bn = try BatchNorm2d(numFeatures: 2, dtype: .float64)
    let x = try Tensor(NDArray(doubles: (0..<16).map(Double.init), shape: [2, 2, 2, 2], dtype: .float64))
    _ = try bn.forward(x)
    // channel 0 holds 0,1,2,3,8,9,10,11: mean 5.5, unbiased variance 18.857…
    let mean = try #require(bn.buffer("running_mean")).data.toDoubles()
    #expect(abs(mean[0] - 0.55) < 1e-12)
    #expect(try bn.buffer("num_batches_tracked")!.item() == 1)
    bn.eval()
    let y = try bn.forward(try Tensor.ones([1, 2, 1, 1], dtype: .float64)).data.toDoubles()
    let runningVar = try #require(bn.buffer("running_var")).data.toDoubles()
    #expect(abs(y[0] - (1 - 0.55) / (runningVar[0] + 1e-5).squareRoot()) < 1e-12)
    #expect(throws: NNError.self) { try bn.forward(try Tensor.zeros([2, 2, 3], dtype: .float64)) }
    #expect(throws: NNError.self) { try GroupNorm(numGroups: 3, numChannels: 4) }
}

@Test func moduleDictKeepsOrderAndRegistersParameters() throws {
    let g = Generator(seed: 2)
    let dict = try ModuleDict([("enc", try Linear(inFeatures: 2, outFeatures: 3, generator: g)), ("act", ReLU())])
    try dict.set("dec", try Linear(inFeatures: 3, outFeatures: 1, generator: g))
    #expect(dict.keys == ["enc", "act", "dec"])
    #expect(dict.namedParameters().map(\.0) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"])
    _ = try dict.remove("act")
    #expect(dict.keys == ["enc", "dec"])
    #expect(throws: NNError.self) { try dict.module(forKey: "act") }
    #expect(throws: NNError.self) { try dict.set("a.b", ReLU()) }
}

@Test func poolingCeilModeSizesMatchPyTorchRule() throws {
    // sizes as torch 2.13 computes them: out = ⌈(in + 2p − k) / s⌉ + 1, minus one if the last
    // window would start at or after in + p (inside the right padding)
    let x = try Tensor.zeros([1, 1, 5, 6], dtype: .float64)
    #expect(try F.maxPool2d(x, kernelSize: [2], ceilMode: true).shape == [1, 1, 3, 3])
    #expect(try F.maxPool2d(x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true).shape == [1, 1, 3, 4])
    #expect(try F.avgPool1d(try Tensor.zeros([1, 7], dtype: .float64), kernelSize: [2], ceilMode: true).shape == [1, 4])
    #expect(try F.adaptiveAvgPool(x, outputSize: [nil, 4], spatialDims: 2).shape == [1, 1, 5, 4])
    #expect(throws: NNError.self) { try F.adaptiveAvgPool(x, outputSize: [0], spatialDims: 2) }
    #expect(throws: NNError.self) { try F.maxPool1d(x, kernelSize: [2]) }
}

@Test func inPlaceInitialisersFollowTorchNnInit() throws {
    let g = Generator(seed: 11)
    let w = try Tensor.zeros([512, 256], dtype: .float64, requiresGrad: true)
    let storage = ObjectIdentifier(w.data.storage)
    try InitInPlace.kaimingNormal(w, nonlinearity: "relu", generator: g)
    #expect(ObjectIdentifier(w.data.storage) == storage, "initialisers overwrite in place")
    let v = w.data.toDoubles()
    let std = (v.map { $0 * $0 }.reduce(0, +) / Double(v.count)).squareRoot()
    #expect(abs(std - (2.0 / 256).squareRoot()) < 0.02 * (2.0 / 256).squareRoot())
    try InitInPlace.xavierUniform(w, generator: g)
    let bound = (6.0 / 768).squareRoot()
    #expect(w.data.toDoubles().allSatisfy { abs($0) <= bound })
    try InitInPlace.kaimingUniform(w, mode: "fan_out", generator: g)    // a = 0: gain √2, fan_out 512
    #expect(w.data.toDoubles().allSatisfy { abs($0) <= (6.0 / 512).squareRoot() })
    #expect(try InitInPlace.gain("tanh") == 5.0 / 3)
    #expect(throws: NNError.self) { try InitInPlace.xavierUniform(try Tensor.zeros([3]), generator: g) }
    #expect(throws: NNError.self) { try InitInPlace.gain("swish") }
    #expect(throws: NNError.self) { try InitInPlace.kaimingNormal(w, mode: "fan_avg", generator: g) }
    #expect(throws: NNError.self) { try InitInPlace.constant(try Tensor.zeros([2], dtype: .int64), 1) }
}

@Test func groupedConvolutionChecksChannels() throws {
    let g = Generator(seed: 4)
    #expect(throws: NNError.self) { try Conv2d(inChannels: 3, outChannels: 4, kernelSize: [3], groups: 2, generator: g) }
    #expect(throws: NNError.self) { try Conv2d(inChannels: 4, outChannels: 3, kernelSize: [3], groups: 2, generator: g) }
    let conv = try Conv2d(inChannels: 4, outChannels: 4, kernelSize: [1], groups: 4, bias: false, dtype: .float64, generator: g)
    #expect(conv.weight.shape == [4, 1, 1, 1])
    // depthwise 1×1: each output channel is its input channel scaled by its own weight
    let x = try Tensor.ones([1, 4, 2, 2], dtype: .float64)
    let y = try conv.forward(x).data.toDoubles()
    let w = conv.weight.data.toDoubles()
    for c in 0..<4 { #expect(y[(c * 4)..<(c * 4 + 4)].allSatisfy { abs($0 - w[c]) < 1e-15 }) }
    #expect(throws: NNError.self) { try conv.forward(try Tensor.ones([1, 3, 2, 2], dtype: .float64)) }
}

@Test func transformerAttentionDropoutPathMatchesMultiheadAttention() throws {
    let g = Generator(seed: 8)
    // p > 0 in training takes the layer's own attention (with dropout); with a vanishing p it must
    // agree with the MultiheadAttention path used in eval, masks included
    let layer = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 12, dropout: 1e-13, batchFirst: true, dtype: .float64, generator: g)
    let x = try Tensor.randn([2, 5, 8], generator: g, dtype: .float64)
    let padding = try Tensor(NDArray(doubles: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0], shape: [2, 5], dtype: .bool))
    var causal = [Double](repeating: 0, count: 25)
    for i in 0..<5 { for j in 0..<5 where j > i { causal[i * 5 + j] = -.infinity } }
    let mask = try Tensor(NDArray(doubles: causal, shape: [5, 5], dtype: .float64))
    let trained = try layer.forward(x, srcMask: mask, srcKeyPaddingMask: padding).data.toDoubles()
    layer.eval()
    let evaluated = try layer.forward(x, srcMask: mask, srcKeyPaddingMask: padding).data.toDoubles()
    #expect(relativeMismatch(trained, evaluated, rtol: 1e-9, atol: 1e-9) == nil)
    // real dropout changes the training output; eval is deterministic
    let noisy = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 12, dropout: 0.5, dtype: .float64, generator: g)
    let y = try Tensor.randn([5, 2, 8], generator: g, dtype: .float64)
    let a = try noisy.forward(y).data.toDoubles()
    noisy.eval()
    #expect(try noisy.forward(y).data.toDoubles() == (try noisy.forward(y).data.toDoubles()))
    #expect(try noisy.forward(y).data.toDoubles() != a)
    // TransformerEncoder's layers start as identical copies with their own parameters
    let encoder = try TransformerEncoder(encoderLayer: noisy, numLayers: 2)
    let names = encoder.namedParameters().map(\.0)
    #expect(names.first == "layers.0.self_attn.in_proj_weight" && names.contains("layers.1.norm2.bias"))
    let first = try #require(encoder.namedParameters().first { $0.0 == "layers.0.linear1.weight" }?.1)
    let second = try #require(encoder.namedParameters().first { $0.0 == "layers.1.linear1.weight" }?.1)
    #expect(first.data.toDoubles() == second.data.toDoubles() && first !== second)
    #expect(throws: NNError.self) { try layer.forward(try Tensor.zeros([2, 5, 6], dtype: .float64), srcMask: nil) }
}

@Test func parameterListRegistersInOrder() throws {
    let a = try Tensor.zeros([2], dtype: .float64, requiresGrad: true), b = try Tensor.ones([2, 3], dtype: .float64, requiresGrad: true)
    let list = ParameterList([a])
    list.append(b)
    #expect(list.count == 2 && list.namedParameters().map(\.0) == ["0", "1"])
    #expect(try list.parameter(at: -1) === b)
    #expect(throws: NNError.self) { try list.parameter(at: 2) }
    #expect(list.description == "ParameterList(\n    (0): Parameter containing: [torch.float64 of size 2]\n    (1): Parameter containing: [torch.float64 of size 2x3]\n)")
    #expect(ParameterList().description == "ParameterList()")
}
