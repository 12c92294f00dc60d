// The per-element update rules of PyTorch's optimisers (torch/optim/sgd.py, adam.py, adamw.py,
// single-tensor "foreach=False" paths), written over raw buffers so a step costs one pass.

/// SGD with momentum, dampening, Nesterov and L2 weight decay, for one parameter.
/// `momentumBuffer` is nil before the first step (PyTorch then clones the gradient into it).
@inline(__always)
func sgdUpdate<T: BinaryFloatingPoint>(
    param: UnsafeMutablePointer<T>, grad: UnsafePointer<T>, count: Int,
    momentumBuffer: UnsafeMutablePointer<T>?, firstStep: Bool,
    lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool
) {
    let lr = T(lr), mu = T(momentum), damp = 1 - T(dampening), wd = T(weightDecay)
    if momentumBuffer == nil && wd == 0 {
        // Plain SGD (the common case) as its own loop, so it vectorises without the branches.
        for i in 0..<count { param[i] = param[i] - lr * grad[i] }
        return
    }
    for i in 0..<count {
        var g = grad[i]
        if wd != 0 { g = g + wd * param[i] }
        if let buf = momentumBuffer {
            let b = firstStep ? g : mu * buf[i] + damp * g
            buf[i] = b
            g = nesterov ? g + mu * b : b
        }
        param[i] = param[i] - lr * g
    }
}

/// Adam / AdamW for one parameter after `step` steps (1-based). `decoupled` is AdamW:
/// the weight decay multiplies the parameter by (1 − lr·wd) instead of adding wd·p to the gradient.
@inline(__always)
func adamUpdate<T: BinaryFloatingPoint>(
    param: UnsafeMutablePointer<T>, grad: UnsafePointer<T>, count: Int,
    expAvg: UnsafeMutablePointer<T>, expAvgSq: UnsafeMutablePointer<T>, maxExpAvgSq: UnsafeMutablePointer<T>?,
    step: Int, lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool
) {
    let b1 = T(beta1), b2 = T(beta2), wd = T(weightDecay)
    let biasCorrection1 = 1 - pow(beta1, Double(step))
    let biasCorrection2 = 1 - pow(beta2, Double(step))
    let stepSize = T(lr / biasCorrection1)
    let biasCorrection2Sqrt = T(biasCorrection2.squareRoot())
    let decay = T(1 - lr * weightDecay)
    let epsT = T(eps)
    for i in 0..<count {
        var g = grad[i]
        var p = param[i]
        if decoupled { p = p * decay } else if wd != 0 { g = g + wd * p }
        // PyTorch: exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        let m = expAvg[i] + (1 - b1) * (g - expAvg[i])
        let v = b2 * expAvgSq[i] + (1 - b2) * g * g
        expAvg[i] = m
        expAvgSq[i] = v
        var second = v
        if let maxV = maxExpAvgSq {
            let mv = max(maxV[i], v)
            maxV[i] = mv
            second = mv
        }
        let denom = second.squareRoot() / biasCorrection2Sqrt + epsT
        param[i] = p - stepSize * (m / denom)
    }
}

@inline(__always) private func pow(_ x: Double, _ y: Double) -> Double {
    var r = 1.0
    var n = Int(y)
    var b = x
    // integer steps: repeated squaring, exact for the small counts used here
    while n > 0 { if n & 1 == 1 { r *= b }; b *= b; n >>= 1 }
    return r
}
