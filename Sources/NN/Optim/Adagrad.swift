import Autograd
import Tensor

/// `Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)`,
/// PyTorch's single-tensor update (torch/optim/adagrad.py) at step t (1-based):
/// g ← g + wd·p; clr = lr / (1 + (t − 1)·lr_decay); s ← s + g²; p ← p − clr·g / (√s + ε).
public final class Adagrad: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let lrDecay: Double, weightDecay: Double, initialAccumulatorValue: Double, eps: Double
    private struct State { var step = 0; var sum: NDArray }
    private var states: [ObjectIdentifier: State] = [:]

    public init(_ parameters: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) throws {
        guard lr >= 0 else { throw NNError("Adagrad: invalid learning rate: \(lr)") }
        guard lrDecay >= 0 else { throw NNError("Adagrad: invalid lr_decay value: \(lrDecay)") }
        guard weightDecay >= 0 else { throw NNError("Adagrad: invalid weight_decay value: \(weightDecay)") }
        guard initialAccumulatorValue >= 0 else {
            throw NNError("Adagrad: invalid initial_accumulator_value value: \(initialAccumulatorValue)")
        }
        guard eps >= 0 else { throw NNError("Adagrad: invalid epsilon value: \(eps)") }
        try validateParameters("Adagrad", parameters)
        self.parameters = parameters
        self.lr = lr
        self.lrDecay = lrDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
        // PyTorch creates the accumulators in the constructor, filled with initial_accumulator_value
        for p in parameters {
            states[ObjectIdentifier(p)] = State(sum: try NDArray.full(p.shape, initialAccumulatorValue, dtype: p.dtype))
        }
    }

    public func step() throws {
        for p in parameters {
            try withBuffers(p) { value, grad in
                let id = ObjectIdentifier(p)
                guard var state = states[id] else { return }
                state.step += 1
                states[id] = state
                let clr = lr / (1 + Double(state.step - 1) * lrDecay)
                switch value.dtype {
                case .float32:
                    adagradUpdate(param: value.pointer(Float.self), grad: UnsafePointer(grad.pointer(Float.self)), count: value.count,
                                  sum: state.sum.pointer(Float.self), clr: clr)
                case .float64:
                    adagradUpdate(param: value.pointer(Double.self), grad: UnsafePointer(grad.pointer(Double.self)), count: value.count,
                                  sum: state.sum.pointer(Double.self), clr: clr)
                default: break
                }
            }
        }
    }

    private func adagradUpdate<T: BinaryFloatingPoint>(param: UnsafeMutablePointer<T>, grad: UnsafePointer<T>, count: Int,
                                                       sum: UnsafeMutablePointer<T>, clr: Double) {
        let wd = T(weightDecay), clrT = T(clr), epsT = T(eps)
        for i in 0..<count {
            var g = grad[i]
            if wd != 0 { g = g + wd * param[i] }
            sum[i] = sum[i] + g * g
            param[i] = param[i] - clrT * (g / (sum[i].squareRoot() + epsT))
        }
    }
}
