import Autograd
import Tensor

/// Modules applied in order; indexable (`seq[0]`, negative indices count from the end).
///
/// ```swift
/// let net = Sequential([try Linear(inFeatures: 2, outFeatures: 8, generator: g), ReLU(),
///                       try Linear(inFeatures: 8, outFeatures: 1, generator: g)])
/// ```
open class Sequential: Module {
    public init(_ modules: [Module]) {
        super.init()
        for (i, m) in modules.enumerated() { registerModule(String(i), m) }
    }

    public var count: Int { children.count }
    public var layers: [Module] { children.map(\.1) }

    /// The i-th layer; negative counts from the end. Throws when out of range.
    public func layer(at index: Int) throws -> Module {
        let all = layers
        let i = index < 0 ? index + all.count : index
        guard i >= 0 && i < all.count else { throw NNError("index \(index) is out of range for Sequential of length \(all.count)") }
        return all[i]
    }

    public func append(_ module: Module) { registerModule(String(count), module) }

    /// The layers in order, with each Linear followed by a ReLU run as one fused node
    /// (`F.linearReLU`: same values and gradients bit for bit, one pass and one buffer fewer
    /// each way). `MLP` and a hand-built `nn.Sequential(Linear, ReLU, …)` both get it.
    open override func forward(_ input: Tensor) throws -> Tensor {
        let all = layers
        var x = input
        var i = 0
        while i < all.count {
            if i + 1 < all.count, let linear = all[i] as? Linear, all[i + 1] is ReLU {
                x = try F.linearReLU(x, weight: linear.weight, bias: linear.bias)
                i += 2
            } else {
                x = try all[i].forward(x)
                i += 1
            }
        }
        return x
    }
}

/// A list of modules whose parameters are registered (`layers.0.weight`, …); not callable.
public final class ModuleList: Module {
    public init(_ modules: [Module] = []) {
        super.init()
        for (i, m) in modules.enumerated() { registerModule(String(i), m) }
    }
    public var count: Int { children.count }
    public func append(_ module: Module) { registerModule(String(count), module) }
    public func module(at index: Int) throws -> Module {
        let all = children.map(\.1)
        let i = index < 0 ? index + all.count : index
        guard i >= 0 && i < all.count else { throw NNError("index \(index) is out of range for ModuleList of length \(all.count)") }
        return all[i]
    }
}

/// A dictionary of modules with registered parameters (`blocks.conv.weight`), in insertion
/// order, as `torch.nn.ModuleDict`; not callable.
public final class ModuleDict: Module {
    public init(_ modules: [(String, Module)] = []) throws {
        super.init()
        for (key, m) in modules { try set(key, m) }
    }
    public var count: Int { children.count }
    public var keys: [String] { children.map(\.0) }

    /// Adds or replaces the module under `key` (keys are attribute names, as in PyTorch).
    public func set(_ key: String, _ module: Module) throws {
        guard !key.isEmpty, !key.contains(".") else {
            throw NNError("ModuleDict: module name can't be empty or contain \".\", got \"\(key)\"")
        }
        registerModule(key, module)
    }

    public func module(forKey key: String) throws -> Module {
        guard let m = module(key) else { throw NNError("KeyError: '\(key)'") }
        return m
    }

    public func remove(_ key: String) throws -> Module {
        let m = try module(forKey: key)
        unregister(key)
        return m
    }
}

/// A list of parameters registered under `0`, `1`, … (`params.0` in a model), as
/// `torch.nn.ParameterList`; not callable.
public final class ParameterList: Module {
    public init(_ parameters: [Tensor] = []) {
        super.init()
        for p in parameters { append(p) }
    }
    public var count: Int { parameterNames.count }
    public func append(_ parameter: Tensor) { registerParameter(String(count), parameter) }

    /// The i-th parameter; negative counts from the end. Throws when out of range.
    public func parameter(at index: Int) throws -> Tensor {
        let i = index < 0 ? index + count : index
        guard i >= 0 && i < count, let p = parameter(String(i)) else {
            throw NNError("index \(index) is out of range for ParameterList of length \(count)")
        }
        return p
    }

    public func setParameter(at index: Int, _ value: Tensor) throws {
        let i = index < 0 ? index + count : index
        guard i >= 0 && i < count else { throw NNError("index \(index) is out of range for ParameterList of length \(count)") }
        registerParameter(String(i), value)
    }

    /// PyTorch lists the entries inside the parentheses, one per line.
    public override var extraRepr: String {
        guard count > 0 else { return "" }
        let lines = parameterNames.compactMap { name in
            parameter(name).map { p in
                "    (\(name)): Parameter containing: [torch.\(p.dtype.rawValue) of size \(p.shape.map(String.init).joined(separator: "x"))]"
            }
        }
        return "\n" + lines.joined(separator: "\n") + "\n"
    }
}
