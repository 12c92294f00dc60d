import Autograd
import Tensor

/// Multi-layer `RNN`, `GRU`, `LSTM`, optionally bidirectional: input `[T, N, in]` (`[N, T, in]`
/// with batch_first, or unbatched `[T, in]`), initial state `[num_layers·D, N, H]` (D = 2 when
/// bidirectional, ordered layer 0 forward, layer 0 reverse, layer 1 forward, …). Returns the last
/// layer's outputs for every step (`[.., D·H]`, forward then reverse halves) and the final state
/// of every layer and direction, as PyTorch does. `dropout` applies to every layer's output but
/// the last, in training only.
public class RecurrentLayer: Module {
    public let kind: RecurrenceKind
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, batchFirst: Bool, hasBias: Bool
    public let dropout: Double, bidirectional: Bool
    /// Draws the inter-layer dropout masks (the session's generator).
    private let generator: Generator

    /// 2 when bidirectional, else 1.
    public var directions: Int { bidirectional ? 2 : 1 }

    init(kind: RecurrenceKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool, dropout: Double,
         bidirectional: Bool, dtype: DType, generator: Generator) throws {
        guard inputSize > 0, hiddenSize > 0, numLayers > 0 else { throw NNError("\(kind): sizes and num_layers must be positive") }
        guard dropout >= 0 && dropout <= 1 else {
            throw NNError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        }
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.batchFirst = batchFirst
        self.hasBias = bias
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.generator = generator
        super.init()
        // PyTorch's order: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the *_l0_reverse set, then l1, …
        for layer in 0..<numLayers {
            for direction in 0..<(bidirectional ? 2 : 1) {
                try recurrentParameters(self, suffix: Self.suffix(layer, direction), gates: kind.gates,
                                        inputSize: layer == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1),
                                        hiddenSize: hiddenSize, bias: bias, dtype: dtype, generator: generator)
            }
        }
    }

    static func suffix(_ layer: Int, _ direction: Int) -> String { "_l\(layer)" + (direction == 1 ? "_reverse" : "") }

    public override var extraRepr: String {
        var s = "\(inputSize), \(hiddenSize)"
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !hasBias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        if dropout != 0 { s += ", dropout=\(dropout)" }
        if bidirectional { s += ", bidirectional=True" }
        return s
    }

    /// Runs every layer over the sequence; `h0`/`c0` are `[num_layers·D, N, H]` (or `[num_layers·D, H]` unbatched).
    func run(_ input: Tensor, h0: Tensor?, c0: Tensor?) throws -> (Tensor, Tensor, Tensor?) {
        let unbatched = input.ndim == 2
        guard input.ndim == 2 || input.ndim == 3, input.shape.last == inputSize else {
            throw NNError("\(typeName): expected input [T, N, \(inputSize)] (or batch_first [N, T, \(inputSize)]), got \(shapeString(input.shape))")
        }
        // time-major [T, N, in]
        var x = unbatched ? try input.unsqueeze(1) : (batchFirst ? try input.transpose(0, 1) : input)
        let n = x.shape[1], stateCount = numLayers * directions
        func initial(_ s: Tensor?, _ name: String) throws -> Tensor? {
            guard let s else { return nil }
            let expected = unbatched ? [stateCount, hiddenSize] : [stateCount, n, hiddenSize]
            guard s.shape == expected else {
                throw NNError("\(typeName): expected \(name) of shape \(shapeString(expected)), got \(shapeString(s.shape))")
            }
            return unbatched ? try s.unsqueeze(1) : s
        }
        let hInit = try initial(h0, "hidden state"), cInit = try initial(c0, "cell state")
        let zeros = try Tensor.constant([Double](repeating: 0, count: n * hiddenSize), shape: [n, hiddenSize], dtype: x.dtype)
        var finalH: [Tensor] = [], finalC: [Tensor] = []
        for layer in 0..<numLayers {
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let h = try hInit.map { try $0.select(dim: 0, index: index) } ?? zeros
                let c = try cInit.map { try $0.select(dim: 0, index: index) } ?? zeros
                // the reverse direction runs the same recurrence over the time-reversed sequence
                let source = direction == 1 ? try reversedTime(x) : x
                let (sequence, hLast, cLast) = try runDirection(source, suffix: Self.suffix(layer, direction), h0: h, c0: c)
                outputs.append(direction == 1 ? try reversedTime(sequence) : sequence)
                finalH.append(hLast)
                if let cLast { finalC.append(cLast) }
            }
            x = outputs.count == 1 ? outputs[0] : try Tensor.cat(outputs, dim: 2)
            if dropout > 0 && training && layer < numLayers - 1 {
                x = try F.dropout(x, p: dropout, training: true, generator: generator)
            }
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

    /// `x[T−1], …, x[0]` along the time axis (differentiable row gather).
    private func reversedTime(_ x: Tensor) throws -> Tensor {
        try gatherRows(x, Array((0..<x.shape[0]).reversed()))
    }

    /// One layer in one direction over time-major `x` `[T, N, in]`: all steps' hidden states
    /// `[T, N, H]` and the final (h, c).
    private func runDirection(_ x: Tensor, suffix sfx: String, h0: Tensor, c0: Tensor) throws -> (Tensor, Tensor, Tensor?) {
        let steps = x.shape[0]
        guard let wIH = parameter("weight_ih" + sfx), let wHH = parameter("weight_hh" + sfx) else {
            throw NNError("\(typeName): weight_ih\(sfx) and weight_hh\(sfx) must be tensors, not None")
        }
        if kind == .lstm {
            // both biases go into the input GEMM (b_ih + b_hh is a [4H] add; its pullback hands
            // each bias the same column sum), then the whole layer is one primitive (Kernels/FusedLSTM.swift)
            let bIH = parameter("bias_ih" + sfx), bHH = parameter("bias_hh" + sfx)
            let bias: Tensor?
            if let bIH, let bHH { bias = try bIH + bHH } else { bias = bIH ?? bHH }
            let gatesInput = try F.linear(x, weight: wIH, bias: bias)
            let states = try fusedLSTMLayer(xw: gatesInput, h0: h0, c0: c0, weightHH: wHH)
            let last = try narrow(states, dim: 0, start: steps - 1, length: 1)
            let hLast = try (try narrow(last, dim: 2, start: 0, length: hiddenSize)).squeeze(dim: 0)
            let cLast = try (try narrow(last, dim: 2, start: hiddenSize, length: hiddenSize)).squeeze(dim: 0)
            return (try narrow(states, dim: 2, start: 0, length: hiddenSize), hLast, cLast)
        }
        // one GEMM for the input projection of all steps: [T, N, G·H]
        let xw = try F.linear(x, weight: wIH, bias: parameter("bias_ih" + sfx))
        var h = h0
        var outputs: [Tensor] = []
        outputs.reserveCapacity(steps)
        let bHH = parameter("bias_hh" + sfx)
        for t in 0..<steps {
            (h, _) = try recurrentStep(kind, xw: try xw.select(dim: 0, index: t), h: h, c: nil, weightHH: wHH, biasHH: bHH,
                                       hiddenSize: hiddenSize)
            outputs.append(h)
        }
        return (try Tensor.stack(outputs, dim: 0), h, nil)
    }
}

/// `RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False)`.
public final class RNN: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: String = "tanh", bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32,
                generator: Generator) throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw NNError("RNN: unknown nonlinearity '\(nonlinearity)' (expected 'tanh' or 'relu')")
        }
        try super.init(kind: nonlinearity == "tanh" ? .rnnTanh : .rnnRelu, inputSize: inputSize, hiddenSize: hiddenSize,
                       numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional,
                       dtype: dtype, generator: generator)
    }
    /// Returns `(output, h_n)`.
    public func forward(_ input: Tensor, _ h0: Tensor?) throws -> (Tensor, Tensor) {
        let (out, h, _) = try run(input, h0: h0, c0: nil)
        return (out, h)
    }
}

public final class GRU: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, dtype: dtype, generator: generator)
    }
    public func forward(_ input: Tensor, _ h0: Tensor?) throws -> (Tensor, Tensor) {
        let (out, h, _) = try run(input, h0: h0, c0: nil)
        return (out, h)
    }
}

public final class LSTM: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, dtype: dtype, generator: generator)
    }
    /// Returns `(output, (h_n, c_n))`.
    public func forward(_ input: Tensor, _ state: (Tensor, Tensor)?) throws -> (Tensor, (Tensor, Tensor)) {
        let (out, h, c) = try run(input, h0: state?.0, c0: state?.1)
        return (out, (h, c!))
    }
}
