import Autograd
import Tensor

/// `RMSprop(params, lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=False)`,
/// PyTorch's single-tensor update (torch/optim/rmsprop.py):
/// g ← g + wd·p; v ← αv + (1−α)g²; (centered: ḡ ← ḡ + (1−α)(g − ḡ), v̂ = v − ḡ²) d = √v̂ + ε;
/// momentum: b ← μb + g/d, p ← p − lr·b; else p ← p − lr·g/d.
public final class RMSprop: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let alpha: Double, eps: Double, weightDecay: Double, momentum: Double, centered: Bool
    private struct State { var squareAvg: NDArray; var gradAvg: NDArray?; var momentumBuffer: NDArray? }
    private var states: [ObjectIdentifier: State] = [:]

    public init(_ parameters: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false) throws {
        guard lr >= 0 else { throw NNError("RMSprop: invalid learning rate: \(lr)") }
        guard eps >= 0 else { throw NNError("RMSprop: invalid epsilon value: \(eps)") }
        guard momentum >= 0 else { throw NNError("RMSprop: invalid momentum value: \(momentum)") }
        guard weightDecay >= 0 else { throw NNError("RMSprop: invalid weight_decay value: \(weightDecay)") }
        guard alpha >= 0 else { throw NNError("RMSprop: invalid alpha value: \(alpha)") }
        try validateParameters("RMSprop", parameters)
        self.parameters = parameters
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    public func step() throws {
        for p in parameters {
            try withBuffers(p) { value, grad in
                let id = ObjectIdentifier(p)
                let state = try states[id] ?? State(squareAvg: try zeroState(like: p), gradAvg: centered ? try zeroState(like: p) : nil,
                                                     momentumBuffer: momentum > 0 ? try zeroState(like: p) : nil)
                states[id] = state
                switch value.dtype {
                case .float32:
                    rmspropUpdate(param: value.pointer(Float.self), grad: UnsafePointer(grad.pointer(Float.self)), count: value.count,
                                  squareAvg: state.squareAvg.pointer(Float.self), gradAvg: state.gradAvg?.pointer(Float.self),
                                  momentumBuffer: state.momentumBuffer?.pointer(Float.self))
                case .float64:
                    rmspropUpdate(param: value.pointer(Double.self), grad: UnsafePointer(grad.pointer(Double.self)), count: value.count,
                                  squareAvg: state.squareAvg.pointer(Double.self), gradAvg: state.gradAvg?.pointer(Double.self),
                                  momentumBuffer: state.momentumBuffer?.pointer(Double.self))
                default: break
                }
            }
        }
    }

    private func rmspropUpdate<T: BinaryFloatingPoint>(param: UnsafeMutablePointer<T>, grad: UnsafePointer<T>, count: Int,
                                                       squareAvg: UnsafeMutablePointer<T>, gradAvg: UnsafeMutablePointer<T>?,
                                                       momentumBuffer: UnsafeMutablePointer<T>?) {
        let a = T(alpha), oneMinusA = 1 - T(alpha), wd = T(weightDecay), mu = T(momentum), lrT = T(lr), epsT = T(eps)
        for i in 0..<count {
            var g = grad[i]
            if wd != 0 { g = g + wd * param[i] }
            squareAvg[i] = squareAvg[i] * a + oneMinusA * g * g
            var variance = squareAvg[i]
            if let gradAvg {
                // torch.lerp with weight 1−α (< 0.5 for usual α): start + w·(end − start)
                gradAvg[i] = gradAvg[i] + oneMinusA * (g - gradAvg[i])
                variance = variance - gradAvg[i] * gradAvg[i]
            }
            let denominator = variance.squareRoot() + epsT
            if let momentumBuffer {
                momentumBuffer[i] = momentumBuffer[i] * mu + g / denominator
                param[i] = param[i] - lrT * momentumBuffer[i]
            } else {
                param[i] = param[i] - lrT * (g / denominator)
            }
        }
    }
}
