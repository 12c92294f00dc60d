import Autograd
import Tensor

/// `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)`;
/// `AdamW` is the same class with decoupled weight decay (default 0.01). PyTorch's update:
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
public class Adam: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double, amsgrad: Bool
    let decoupled: Bool
    private struct State { var step = 0; var expAvg: NDArray; var expAvgSq: NDArray; var maxExpAvgSq: NDArray? }
    private var states: [ObjectIdentifier: State] = [:]

    init(name: String, _ parameters: [Tensor], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double,
         amsgrad: Bool, decoupled: Bool) throws {
        guard lr >= 0 else { throw NNError("\(name): invalid learning rate: \(lr)") }
        guard eps >= 0 else { throw NNError("\(name): invalid epsilon value: \(eps)") }
        guard betas.0 >= 0 && betas.0 < 1 else { throw NNError("\(name): invalid beta parameter at index 0: \(betas.0)") }
        guard betas.1 >= 0 && betas.1 < 1 else { throw NNError("\(name): invalid beta parameter at index 1: \(betas.1)") }
        guard weightDecay >= 0 else { throw NNError("\(name): invalid weight_decay value: \(weightDecay)") }
        try validateParameters(name, parameters)
        self.parameters = parameters
        self.lr = lr
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupled = decoupled
    }

    public convenience init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, amsgrad: Bool = false) throws {
        try self.init(name: "Adam", parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, decoupled: false)
    }

    public func step() throws {
        for p in parameters {
            try withBuffers(p) { value, grad in
                let id = ObjectIdentifier(p)
                var state = try states[id] ?? State(expAvg: try zeroState(like: p), expAvgSq: try zeroState(like: p),
                                                     maxExpAvgSq: amsgrad ? try zeroState(like: p) : nil)
                state.step += 1
                states[id] = state
                switch value.dtype {
                case .float32:
                    adamUpdate(param: value.pointer(Float.self), grad: UnsafePointer(grad.pointer(Float.self)), count: value.count,
                               expAvg: state.expAvg.pointer(Float.self), expAvgSq: state.expAvgSq.pointer(Float.self),
                               maxExpAvgSq: state.maxExpAvgSq?.pointer(Float.self), step: state.step, lr: lr, beta1: beta1,
                               beta2: beta2, eps: eps, weightDecay: weightDecay, decoupled: decoupled)
                case .float64:
                    adamUpdate(param: value.pointer(Double.self), grad: UnsafePointer(grad.pointer(Double.self)), count: value.count,
                               expAvg: state.expAvg.pointer(Double.self), expAvgSq: state.expAvgSq.pointer(Double.self),
                               maxExpAvgSq: state.maxExpAvgSq?.pointer(Double.self), step: state.step, lr: lr, beta1: beta1,
                               beta2: beta2, eps: eps, weightDecay: weightDecay, decoupled: decoupled)
                default: break
                }
            }
        }
    }
}

/// `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False)`:
/// p ← p·(1 − lr·wd) before the Adam step (Loshchilov & Hutter 2019).
public final class AdamW: Adam {
    public init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0.01, amsgrad: Bool = false) throws {
        try super.init(name: "AdamW", parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, decoupled: true)
    }
}

/// `StepLR(optimizer, step_size, gamma=0.1)`: multiplies the learning rate by γ every
/// `step_size` calls of `step()` (lr = base·γ^⌊epoch/step_size⌋).
public final class StepLR {
    public let optimizer: Optimizer
    public let stepSize: Int, gamma: Double
    public private(set) var lastEpoch = 0
    private let baseLR: Double

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize > 0 else { throw NNError("StepLR: step_size must be positive, got \(stepSize)") }
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
        self.baseLR = optimizer.lr
    }

    public func step() {
        lastEpoch += 1
        // PyTorch's chainable form: multiply by γ when the epoch crosses a multiple of step_size
        if lastEpoch % stepSize == 0 { optimizer.lr *= gamma }
    }

    /// `get_last_lr()`.
    public var lastLR: Double { optimizer.lr }
}
