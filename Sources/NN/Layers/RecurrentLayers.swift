import Autograd
import Tensor

/// Multi-layer `RNN`, `GRU`, `LSTM` (unidirectional): input `[T, N, in]` (`[N, T, in]` with
/// batch_first, or unbatched `[T, in]`), initial state `[num_layers, N, H]`. Returns the last
/// layer's outputs for every step and the final state of every layer, as PyTorch does.
public class RecurrentLayer: Module {
    public let kind: RecurrenceKind
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, batchFirst: Bool, hasBias: Bool

    init(kind: RecurrenceKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool, dtype: DType,
         generator: Generator) throws {
        guard inputSize > 0, hiddenSize > 0, numLayers > 0 else { throw NNError("\(kind): sizes and num_layers must be positive") }
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.batchFirst = batchFirst
        self.hasBias = bias
        super.init()
        for layer in 0..<numLayers {
            try recurrentParameters(self, suffix: "_l\(layer)", gates: kind.gates, inputSize: layer == 0 ? inputSize : hiddenSize,
                                    hiddenSize: hiddenSize, bias: bias, dtype: dtype, generator: generator)
        }
    }

    public override var extraRepr: String {
        var s = "\(inputSize), \(hiddenSize)"
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !hasBias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        return s
    }

    /// Runs every layer over the sequence; `h0`/`c0` are `[num_layers, N, H]` (or `[num_layers, H]` unbatched).
    func run(_ input: Tensor, h0: Tensor?, c0: Tensor?) throws -> (Tensor, Tensor, Tensor?) {
        let unbatched = input.ndim == 2
        guard input.ndim == 2 || input.ndim == 3, input.shape.last == inputSize else {
            throw NNError("\(typeName): expected input [T, N, \(inputSize)] (or batch_first [N, T, \(inputSize)]), got \(shapeString(input.shape))")
        }
        // time-major [T, N, in]
        var x = unbatched ? try input.unsqueeze(1) : (batchFirst ? try input.transpose(0, 1) : input)
        let steps = x.shape[0], n = x.shape[1]
        func initial(_ s: Tensor?, _ name: String) throws -> Tensor? {
            guard let s else { return nil }
            let b = unbatched ? try s.unsqueeze(1) : s
            guard b.shape == [numLayers, n, hiddenSize] else {
                throw NNError("\(typeName): expected \(name) of shape \(shapeString(unbatched ? [numLayers, hiddenSize] : [numLayers, n, hiddenSize])), got \(shapeString(s.shape))")
            }
            return b
        }
        let hInit = try initial(h0, "hidden state"), cInit = try initial(c0, "cell state")
        let zeros = try Tensor.constant([Double](repeating: 0, count: n * hiddenSize), shape: [n, hiddenSize], dtype: x.dtype)
        var finalH: [Tensor] = [], finalC: [Tensor] = []
        for layer in 0..<numLayers {
            let sfx = "_l\(layer)"
            // one GEMM for the input projection of all steps: [T, N, G·H]
            if kind == .lstm {
                // both biases go into the input GEMM (b_ih + b_hh is a [4H] add; its pullback hands
                // each bias the same column sum), then the whole layer is one primitive (Kernels/FusedLSTM.swift)
                let bIH = parameter("bias_ih" + sfx), bHH = parameter("bias_hh" + sfx)
                let bias: Tensor?
                if let bIH, let bHH { bias = try bIH + bHH } else { bias = bIH ?? bHH }
                let gatesInput = try F.linear(x, weight: parameter("weight_ih" + sfx)!, bias: bias)
                let h = try hInit.map { try $0.select(dim: 0, index: layer) } ?? zeros
                let c = try cInit.map { try $0.select(dim: 0, index: layer) } ?? zeros
                let states = try fusedLSTMLayer(xw: gatesInput, h0: h, c0: c, weightHH: parameter("weight_hh" + sfx)!)
                let last = try narrow(states, dim: 0, start: steps - 1, length: 1)
                finalH.append(try (try narrow(last, dim: 2, start: 0, length: hiddenSize)).squeeze(dim: 0))
                finalC.append(try (try narrow(last, dim: 2, start: hiddenSize, length: hiddenSize)).squeeze(dim: 0))
                x = try narrow(states, dim: 2, start: 0, length: hiddenSize)
                continue
            }
            let xw = try F.linear(x, weight: parameter("weight_ih" + sfx)!, bias: parameter("bias_ih" + sfx))
            var h = try hInit.map { try $0.select(dim: 0, index: layer) } ?? zeros
            var c: Tensor? = kind == .lstm ? (try cInit.map { try $0.select(dim: 0, index: layer) } ?? zeros) : nil
            var outputs: [Tensor] = []
            outputs.reserveCapacity(steps)
            let wHH = parameter("weight_hh" + sfx)!, bHH = parameter("bias_hh" + sfx)
            for t in 0..<steps {
                (h, c) = try recurrentStep(kind, xw: try xw.select(dim: 0, index: t), h: h, c: c, weightHH: wHH, biasHH: bHH,
                                           hiddenSize: hiddenSize)
                outputs.append(h)
            }
            finalH.append(h)
            if let c { finalC.append(c) }
            x = try Tensor.stack(outputs, dim: 0)
        }
        var output = x
        var hN = try Tensor.stack(finalH, dim: 0)
        var cN = kind == .lstm ? try Tensor.stack(finalC, dim: 0) : nil
        if unbatched {
            output = try output.squeeze(1)
            hN = try hN.squeeze(1)
            cN = try cN.map { try $0.squeeze(1) }
        } else if batchFirst {
            output = try output.transpose(0, 1)
        }
        return (output, hN, cN)
    }
}

/// `RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False)`.
public final class RNN: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: String = "tanh", bias: Bool = true,
                batchFirst: Bool = false, dtype: DType = .float32, generator: Generator) throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw NNError("RNN: unknown nonlinearity '\(nonlinearity)' (expected 'tanh' or 'relu')")
        }
        try super.init(kind: nonlinearity == "tanh" ? .rnnTanh : .rnnRelu, inputSize: inputSize, hiddenSize: hiddenSize,
                       numLayers: numLayers, bias: bias, batchFirst: batchFirst, dtype: dtype, generator: generator)
    }
    /// Returns `(output, h_n)`.
    public func forward(_ input: Tensor, _ h0: Tensor?) throws -> (Tensor, Tensor) {
        let (out, h, _) = try run(input, h0: h0, c0: nil)
        return (out, h)
    }
}

public final class GRU: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dtype: dtype, generator: generator)
    }
    public func forward(_ input: Tensor, _ h0: Tensor?) throws -> (Tensor, Tensor) {
        let (out, h, _) = try run(input, h0: h0, c0: nil)
        return (out, h)
    }
}

public final class LSTM: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dtype: dtype, generator: generator)
    }
    /// Returns `(output, (h_n, c_n))`.
    public func forward(_ input: Tensor, _ state: (Tensor, Tensor)?) throws -> (Tensor, (Tensor, Tensor)) {
        let (out, h, c) = try run(input, h0: state?.0, c0: state?.1)
        return (out, (h, c!))
    }
}
