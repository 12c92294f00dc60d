import Autograd
import Tensor

// Activation modules; each forwards to the functional form in F.

public final class ReLU: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.relu(input) }
}
public final class Sigmoid: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.sigmoid(input) }
}
public final class Tanh: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.tanh(input) }
}
public final class SiLU: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { try F.silu(input) }
}
public final class LeakyReLU: Module {
    public let negativeSlope: Double
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope; super.init() }
    public override var extraRepr: String { "negative_slope=\(negativeSlope)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.leakyRelu(input, negativeSlope: negativeSlope) }
}
public final class GELU: Module {
    public let approximate: String
    public init(approximate: String = "none") { self.approximate = approximate; super.init() }
    public override var extraRepr: String { "approximate='\(approximate)'" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.gelu(input, approximate: approximate) }
}
public final class Softplus: Module {
    public let beta: Double, threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold; super.init() }
    public override var extraRepr: String { "beta=\(beta), threshold=\(threshold)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.softplus(input, beta: beta, threshold: threshold) }
}
public final class ELU: Module {
    public let alpha: Double
    public init(alpha: Double = 1) { self.alpha = alpha; super.init() }
    public override var extraRepr: String { "alpha=\(alpha)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.elu(input, alpha: alpha) }
}
public final class Softmax: Module {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.softmax(input, dim: dim) }
}
public final class LogSoftmax: Module {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim)" }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.logSoftmax(input, dim: dim) }
}

/// A module wrapping a function (how the language turns `relu` into an MLP activation).
public final class Lambda: Module {
    private let name: String
    private let function: (Tensor) throws -> Tensor
    public init(name: String, _ function: @escaping (Tensor) throws -> Tensor) {
        self.name = name
        self.function = function
        super.init()
    }
    public override var typeName: String { name }
    public override func forward(_ input: Tensor) throws -> Tensor { try function(input) }
}
