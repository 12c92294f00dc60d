import Autograd
import Tensor

/// `y = x Wᵀ + b`; weight `[out, in]` and bias `[out]` drawn from U(±1/√in) as PyTorch does.
///
/// ```swift
/// let layer = try Linear(inFeatures: 3, outFeatures: 2, generator: g)
/// let y = try layer(x)          // x: [batch, 3] → [batch, 2]
/// ```
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator) throws {
        guard inFeatures >= 0, outFeatures >= 0 else { throw NNError("Linear: feature counts must be non-negative") }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let bound = inFeatures > 0 ? 1 / Double(inFeatures).squareRoot() : 0
        registerParameter("weight", try Init.uniform([outFeatures, inFeatures], bound: bound, dtype: dtype, generator: generator))
        registerParameter("bias", bias ? try Init.uniform([outFeatures], bound: bound, dtype: dtype, generator: generator) : nil)
    }

    public var weight: Tensor { parameter("weight")! }
    public var bias: Tensor? { parameter("bias") }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")"
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.linear(input, weight: weight, bias: bias)
    }
}

/// `Identity()`: returns its input.
public final class Identity: Module {
    public override func forward(_ input: Tensor) throws -> Tensor { input }
}

/// `Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: Module {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try input.flatten(startDim: startDim, endDim: endDim)
    }
}

/// `MLP(sizes, activation=relu)`: Linear layers between consecutive sizes with the activation
/// between them (not after the last), as a Sequential — parameter names `0.weight`, `2.weight`, …
public final class MLP: Sequential {
    public init(sizes: [Int], activation: @autoclosure () -> Module = ReLU(), dtype: DType = .float32, generator: Generator) throws {
        guard sizes.count >= 2 else { throw NNError("MLP: sizes needs at least an input and an output size, got \(sizes)") }
        var layers: [Module] = []
        for i in 0..<(sizes.count - 1) {
            if i > 0 { layers.append(activation()) }
            layers.append(try Linear(inFeatures: sizes[i], outFeatures: sizes[i + 1], dtype: dtype, generator: generator))
        }
        super.init(layers)
    }
    public override var typeName: String { "Sequential" }
}
