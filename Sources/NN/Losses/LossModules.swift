import Autograd
import Tensor

/// Loss modules (`MSELoss`, `CrossEntropyLoss`, `BCELoss`, `BCEWithLogitsLoss`, `NLLLoss`):
/// called as `loss(input, target)`.
public class Loss: Module {
    public let reduction: Reduction
    public override var extraRepr: String { "" }
    init(reduction: Reduction) {
        self.reduction = reduction
        super.init()
    }
    public func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        throw NNError("\(typeName) is abstract")
    }
    public func callAsFunction(_ input: Tensor, _ target: Tensor) throws -> Tensor { try forward(input, target) }
}

public final class MSELoss: Loss {
    public override init(reduction: Reduction = .mean) { super.init(reduction: reduction) }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.mseLoss(input, target, reduction: reduction)
    }
}

public final class CrossEntropyLoss: Loss {
    public let weight: Tensor?, ignoreIndex: Int, labelSmoothing: Double
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.labelSmoothing = labelSmoothing
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.crossEntropy(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
    }
}

public final class NLLLoss: Loss {
    public let weight: Tensor?, ignoreIndex: Int
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

public final class BCELoss: Loss {
    public let weight: Tensor?
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

public final class BCEWithLogitsLoss: Loss {
    public let weight: Tensor?, posWeight: Tensor?
    public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
        self.weight = weight
        self.posWeight = posWeight
        super.init(reduction: reduction)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try F.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}
