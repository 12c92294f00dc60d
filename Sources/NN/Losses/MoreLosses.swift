import Autograd
import Tensor

// Module forms of the regression and divergence losses; like PyTorch their repr shows no arguments.

/// `L1Loss(reduction='mean')`.
public final class L1Loss: Loss {
    public override init(reduction: Reduction = .mean) { super.init(reduction: reduction) }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.l1Loss(input, target, reduction: reduction)
    }
}

/// `SmoothL1Loss(reduction='mean', beta=1.0)`.
public final class SmoothL1Loss: Loss {
    public let beta: Double
    public init(reduction: Reduction = .mean, beta: Double = 1) {
        self.beta = beta
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// `HuberLoss(reduction='mean', delta=1.0)`.
public final class HuberLoss: Loss {
    public let delta: Double
    public init(reduction: Reduction = .mean, delta: Double = 1) {
        self.delta = delta
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.huberLoss(input, target, reduction: reduction, delta: delta)
    }
}

/// `KLDivLoss(reduction='mean', log_target=False)`; `reduction` may also be `'batchmean'`.
public final class KLDivLoss: Loss {
    public let klReduction: KLDivReduction, logTarget: Bool
    public init(reduction: KLDivReduction = .mean, logTarget: Bool = false) {
        self.klReduction = reduction
        self.logTarget = logTarget
        // the base class's reduction is unused here ('batchmean' is not one of its cases)
        super.init(reduction: reduction == .none ? .none : reduction == .sum ? .sum : .mean)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.klDiv(input, target, reduction: klReduction, logTarget: logTarget)
    }
}
