import Autograd
import Tensor

// More activation modules (and the two-input distance modules); each forwards to its F form.
// Reprs follow PyTorch's extra_repr.

/// `Hardtanh(min_val=-1.0, max_val=1.0)`.
public final class Hardtanh: Module {
    public let minVal: Double, maxVal: Double
    public init(minVal: Double = -1, maxVal: Double = 1) throws {
        guard maxVal > minVal else { throw NNError("Hardtanh: max_val (\(maxVal)) must be greater than min_val (\(minVal))") }
        self.minVal = minVal
        self.maxVal = maxVal
        super.init()
    }
    public override var extraRepr: String { "min_val=\(minVal), max_val=\(maxVal)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.hardtanh(input, minVal: minVal, maxVal: maxVal) }
}
public final class ReLU6: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.relu6(input) }
}
public final class SELU: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.selu(input) }
}
public final class Mish: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.mish(input) }
}
public final class Softsign: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.softsign(input) }
}
public final class Hardswish: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.hardswish(input) }
}
public final class Hardsigmoid: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.hardsigmoid(input) }
}
public final class LogSigmoid: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.logsigmoid(input) }
}
public final class Tanhshrink: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.tanhshrink(input) }
}
/// `Softshrink(lambd=0.5)`.
public final class Softshrink: Module {
    public let lambd: Double
    public init(lambd: Double = 0.5) throws {
        guard lambd >= 0 else { throw NNError("lambda must be greater or equal to 0, but found to be \(lambd).") }
        self.lambd = lambd
        super.init()
    }
    public override var extraRepr: String { "\(lambd)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.softshrink(input, lambd: lambd) }
}
/// `Hardshrink(lambd=0.5)`.
public final class Hardshrink: Module {
    public let lambd: Double
    public init(lambd: Double = 0.5) { self.lambd = lambd; super.init() }
    public override var extraRepr: String { "\(lambd)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.hardshrink(input, lambd: lambd) }
}
/// `PReLU(num_parameters=1, init=0.25)`: a learnable negative slope, one or one per channel.
public final class PReLU: Module {
    public let numParameters: Int
    public init(numParameters: Int = 1, initialValue: Double = 0.25, dtype: DType = .float32) throws {
        guard numParameters >= 1 else { throw NNError("PReLU: num_parameters must be positive, got \(numParameters)") }
        self.numParameters = numParameters
        super.init()
        registerParameter("weight", try Init.constant([numParameters], initialValue, dtype: dtype))
    }
    public override var extraRepr: String { "num_parameters=\(numParameters)" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let weight = parameter("weight") else { throw NNError("PReLU: weight was set to None") }
        return try F.prelu(input, weight: weight)
    }
}

/// `CosineSimilarity(dim=1, eps=1e-08)`, called with two inputs. It is a `Loss` only so that the
/// language calls it with two tensors; `reduction` is unused.
public final class CosineSimilarity: Loss {
    public let dim: Int, eps: Double
    public init(dim: Int = 1, eps: Double = 1e-8) {
        self.dim = dim
        self.eps = eps
        super.init(reduction: .none)
    }
    public override func forward(_ x1: Tensor, _ x2: Tensor) throws -> Tensor { try F.cosineSimilarity(x1, x2, dim: dim, eps: eps) }
}
/// `PairwiseDistance(p=2.0, eps=1e-06, keepdim=False)`, called with two inputs (see `CosineSimilarity`).
public final class PairwiseDistance: Loss {
    public let p: Double, eps: Double, keepdim: Bool
    public init(p: Double = 2, eps: Double = 1e-6, keepdim: Bool = false) {
        self.p = p
        self.eps = eps
        self.keepdim = keepdim
        super.init(reduction: .none)
    }
    public override func forward(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        try F.pairwiseDistance(x1, x2, p: p, eps: eps, keepdim: keepdim)
    }
}
