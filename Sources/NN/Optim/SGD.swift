import Autograd
import Tensor

/// `SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)` with PyTorch's rule:
/// g ← g + wd·p; b ← μ·b + (1 − τ)·g (b = g at the first step); g ← g + μ·b (Nesterov) or b; p ← p − lr·g.
///
/// ```swift
/// let opt = try SGD(model.parameters(), lr: 0.1, momentum: 0.9)
/// opt.zeroGrad(); try loss.backward(); try opt.step()
/// ```
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool
    private var momentumBuffers: [ObjectIdentifier: NDArray] = [:]

    public init(_ parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                nesterov: Bool = false) throws {
        guard lr >= 0 else { throw NNError("SGD: invalid learning rate: \(lr)") }
        guard momentum >= 0 else { throw NNError("SGD: invalid momentum value: \(momentum)") }
        guard weightDecay >= 0 else { throw NNError("SGD: invalid weight_decay value: \(weightDecay)") }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw NNError("SGD: Nesterov momentum requires a momentum and zero dampening")
        }
        try validateParameters("SGD", parameters)
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func step() throws {
        for p in parameters {
            try withBuffers(p) { value, grad in
                var buffer: NDArray? = nil
                var first = false
                if momentum != 0 {
                    if let b = momentumBuffers[ObjectIdentifier(p)] { buffer = b } else {
                        buffer = try zeroState(like: p)
                        momentumBuffers[ObjectIdentifier(p)] = buffer
                        first = true
                    }
                }
                let count = value.count
                switch value.dtype {
                case .float32:
                    sgdUpdate(param: value.pointer(Float.self), grad: UnsafePointer(grad.pointer(Float.self)), count: count,
                              momentumBuffer: buffer?.pointer(Float.self), firstStep: first, lr: lr, momentum: momentum,
                              dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
                case .float64:
                    sgdUpdate(param: value.pointer(Double.self), grad: UnsafePointer(grad.pointer(Double.self)), count: count,
                              momentumBuffer: buffer?.pointer(Double.self), firstStep: first, lr: lr, momentum: momentum,
                              dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
                default: break
                }
            }
        }
    }
}
