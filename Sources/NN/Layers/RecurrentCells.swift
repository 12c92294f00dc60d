import Autograd
import Tensor

// RNNCell, GRUCell, LSTMCell with PyTorch's parameters (weight_ih [G·H, in], weight_hh [G·H, H],
// bias_ih, bias_hh; all U(±1/√H)) and gate order: LSTM i, f, g, o; GRU r, z, n.

/// Shared parameter set-up of the cells and of each layer of RNN/GRU/LSTM.
func recurrentParameters(_ module: Module, suffix: String, gates: Int, inputSize: Int, hiddenSize: Int, bias: Bool,
                         dtype: DType, generator: Generator) throws {
    let bound = hiddenSize > 0 ? 1 / Double(hiddenSize).squareRoot() : 0
    module.registerParameter("weight_ih" + suffix, try Init.uniform([gates * hiddenSize, inputSize], bound: bound, dtype: dtype, generator: generator))
    module.registerParameter("weight_hh" + suffix, try Init.uniform([gates * hiddenSize, hiddenSize], bound: bound, dtype: dtype, generator: generator))
    if bias {
        module.registerParameter("bias_ih" + suffix, try Init.uniform([gates * hiddenSize], bound: bound, dtype: dtype, generator: generator))
        module.registerParameter("bias_hh" + suffix, try Init.uniform([gates * hiddenSize], bound: bound, dtype: dtype, generator: generator))
    }
}

/// The kinds of recurrence, with their number of gates.
public enum RecurrenceKind: Sendable {
    case rnnTanh, rnnRelu, gru, lstm
    var gates: Int {
        switch self {
        case .rnnTanh, .rnnRelu: return 1
        case .gru: return 3
        case .lstm: return 4
        }
    }
}

/// One step of a recurrence given the input projection `xw = x W_ihᵀ + b_ih` (precomputed for
/// all steps at once by the layers) and the previous state. Returns (h, c) (c only for LSTM).
func recurrentStep(_ kind: RecurrenceKind, xw: Tensor, h: Tensor, c: Tensor?, weightHH: Tensor, biasHH: Tensor?,
                   hiddenSize: Int) throws -> (Tensor, Tensor?) {
    let hw = try F.linear(h, weight: weightHH, bias: biasHH)
    let last = xw.ndim - 1
    func chunk(_ t: Tensor, _ i: Int) throws -> Tensor {
        try t.slice(dim: last, start: i * hiddenSize, end: (i + 1) * hiddenSize)
    }
    switch kind {
    case .rnnTanh: return (try (try xw + hw).tanh(), nil)
    case .rnnRelu: return (try (try xw + hw).relu(), nil)
    case .gru:
        // r = σ(x_r + h_r); z = σ(x_z + h_z); n = tanh(x_n + r ⊙ h_n); h' = (1 − z) ⊙ n + z ⊙ h
        let r = try (try (try chunk(xw, 0)) + (try chunk(hw, 0))).sigmoid()
        let z = try (try (try chunk(xw, 1)) + (try chunk(hw, 1))).sigmoid()
        let nGate = try (try (try chunk(xw, 2)) + (try r * (try chunk(hw, 2)))).tanh()
        let hNew = try nGate + (try z * (try h - nGate))
        return (hNew, nil)
    case .lstm:
        let gates = try xw + hw
        let i = try (try chunk(gates, 0)).sigmoid()
        let f = try (try chunk(gates, 1)).sigmoid()
        let g = try (try chunk(gates, 2)).tanh()
        let o = try (try chunk(gates, 3)).sigmoid()
        guard let c else { throw NNError("LSTM: missing cell state") }
        let cNew = try (try f * c) + (try i * g)
        return (try o * (try cNew.tanh()), cNew)
    }
}

/// Base of the three cells: input `[N, in]` (or `[in]`), state `[N, H]`.
public class RecurrentCell: Module {
    public let inputSize: Int, hiddenSize: Int, kind: RecurrenceKind

    init(kind: RecurrenceKind, inputSize: Int, hiddenSize: Int, bias: Bool, dtype: DType, generator: Generator) throws {
        guard inputSize > 0, hiddenSize > 0 else { throw NNError("\(kind): sizes must be positive") }
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        super.init()
        try recurrentParameters(self, suffix: "", gates: kind.gates, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                                dtype: dtype, generator: generator)
    }

    public override var extraRepr: String { "\(inputSize), \(hiddenSize)" + (parameter("bias_ih") == nil ? ", bias=False" : "") }

    func step(_ input: Tensor, _ h: Tensor?, _ c: Tensor?) throws -> (Tensor, Tensor?) {
        let unbatched = input.ndim == 1
        guard input.ndim == 1 || input.ndim == 2, input.shape.last == inputSize else {
            throw NNError("\(typeName): expected input [N, \(inputSize)] or [\(inputSize)], got \(shapeString(input.shape))")
        }
        let x = unbatched ? try input.unsqueeze(0) : input
        let n = x.shape[0]
        func state(_ s: Tensor?) throws -> Tensor {
            guard let s else { return try Tensor.constant([Double](repeating: 0, count: n * hiddenSize), shape: [n, hiddenSize], dtype: x.dtype) }
            let b = unbatched ? try s.unsqueeze(0) : s
            guard b.shape == [n, hiddenSize] else {
                throw NNError("\(typeName): expected hidden state [\(n), \(hiddenSize)], got \(shapeString(s.shape))")
            }
            return b
        }
        let h0 = try state(h)
        let c0 = kind == .lstm ? try state(c) : nil
        let xw = try F.linear(x, weight: parameter("weight_ih")!, bias: parameter("bias_ih"))
        var (hN, cN) = try recurrentStep(kind, xw: xw, h: h0, c: c0, weightHH: parameter("weight_hh")!, biasHH: parameter("bias_hh"),
                                         hiddenSize: hiddenSize)
        if unbatched {
            hN = try hN.squeeze(0)
            cN = try cN.map { try $0.squeeze(0) }
        }
        return (hN, cN)
    }
}

/// `RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).
public final class RNNCell: RecurrentCell {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: String = "tanh", dtype: DType = .float32,
                generator: Generator) throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw NNError("RNNCell: unknown nonlinearity '\(nonlinearity)' (expected 'tanh' or 'relu')")
        }
        try super.init(kind: nonlinearity == "tanh" ? .rnnTanh : .rnnRelu, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                       dtype: dtype, generator: generator)
    }
    public func forward(_ input: Tensor, _ hx: Tensor?) throws -> Tensor { try step(input, hx, nil).0 }
    public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, nil) }
}

public final class GRUCell: RecurrentCell {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype, generator: generator)
    }
    public func forward(_ input: Tensor, _ hx: Tensor?) throws -> Tensor { try step(input, hx, nil).0 }
    public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, nil) }
}

/// `LSTMCell`: returns `(h', c')`.
public final class LSTMCell: RecurrentCell {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator) throws {
        try super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype, generator: generator)
    }
    public func forward(_ input: Tensor, _ state: (Tensor, Tensor)?) throws -> (Tensor, Tensor) {
        let (h, c) = try step(input, state?.0, state?.1)
        return (h, c!)
    }
}
