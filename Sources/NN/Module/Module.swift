import Autograd
import Tensor

/// The base of every layer, as `torch.nn.Module`: ordered tables of parameters, buffers and
/// sub-modules (in assignment order, like PyTorch's `__setattr__`), a training flag, and
/// traversal (`namedParameters()`, `parameters()`, `zeroGrad()`, `train()`, `eval()`).
///
/// Built-in layers register their tensors under PyTorch's names, so a user can reassign them:
/// ```swift
/// let layer = try Linear(inFeatures: 2, outFeatures: 1, generator: g)
/// try layer.setParameter("weight", Parameter(w))
/// ```
/// The language's `class Net(Module)` instances are plain `Module`s whose attributes the
/// interpreter registers with `registerParameter` / `registerModule` as they are assigned.
open class Module {
    /// `true` after `train()`, `false` after `eval()`; read by Dropout and BatchNorm.
    public private(set) var training = true
    private var parameterTable = OrderedTable<Tensor?>()
    private var bufferTable = OrderedTable<Tensor?>()
    private var moduleTable = OrderedTable<Module?>()

    public init() {}

    /// PyTorch's class name, used by `repr` and `summary`.
    open var typeName: String { String(describing: type(of: self)) }

    /// The arguments shown inside `Linear(in_features=2, out_features=3, bias=True)`.
    open var extraRepr: String { "" }

    /// Applies a one-input module. Modules with other signatures (attention, recurrent
    /// layers, graph networks, losses) have typed `forward` methods and throw here.
    open func forward(_ input: Tensor) throws -> Tensor {
        throw NNError("\(typeName).forward does not take a single tensor")
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

    // MARK: registration

    /// Adds or replaces a parameter (nil keeps the name, as PyTorch's `register_parameter(name, None)`).
    public func registerParameter(_ name: String, _ parameter: Tensor?) {
        parameterTable[name] = .some(parameter)
    }

    public func registerBuffer(_ name: String, _ buffer: Tensor?) {
        bufferTable[name] = .some(buffer)
    }

    public func registerModule(_ name: String, _ module: Module?) {
        moduleTable[name] = .some(module)
    }

    /// Removes a name from every table (the language's `del`-free reassignment of an attribute
    /// from a parameter to a plain value goes through this).
    public func unregister(_ name: String) {
        parameterTable.remove(name)
        bufferTable.remove(name)
        moduleTable.remove(name)
    }

    public func parameter(_ name: String) -> Tensor? { parameterTable[name] ?? nil }
    public func buffer(_ name: String) -> Tensor? { bufferTable[name] ?? nil }
    public func module(_ name: String) -> Module? { moduleTable[name] ?? nil }
    public func hasParameter(_ name: String) -> Bool { parameterTable[name] != nil }
    public func hasBuffer(_ name: String) -> Bool { bufferTable[name] != nil }
    public func hasModule(_ name: String) -> Bool { moduleTable[name] != nil }

    /// Reassigns a registered parameter (`layer.weight = Parameter(W)`). Built-in layers check
    /// the shape in `validateParameter`, so a wrong shape fails here rather than in `forward`.
    public func setParameter(_ name: String, _ parameter: Tensor?) throws {
        if let parameter, let old = self.parameter(name), old.shape != parameter.shape, !allowsReshape(name) {
            throw NNError("\(typeName).\(name): cannot assign a parameter of shape \(shapeString(parameter.shape)) where \(shapeString(old.shape)) is expected")
        }
        registerParameter(name, parameter)
    }

    /// Whether `setParameter` may change the shape of `name` (user modules: always).
    open func allowsReshape(_ name: String) -> Bool { type(of: self) == Module.self }

    /// Names of the direct parameters, in registration order.
    public var parameterNames: [String] { parameterTable.keys }
    public var bufferNames: [String] { bufferTable.keys }

    /// The direct sub-modules, in registration order (nil entries skipped).
    public var children: [(String, Module)] {
        moduleTable.entries.compactMap { name, m in m.map { (name, $0) } }
    }

    // MARK: traversal

    /// Every parameter with its dotted path (`0.weight`, `out_proj.bias`), each tensor once,
    /// in PyTorch's order: own parameters first, then each child's, depth first.
    public func namedParameters() -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Tensor)] = []
        collect(prefix: "", into: &out, seen: &seen, buffers: false)
        return out
    }

    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    public func namedBuffers() -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Tensor)] = []
        collect(prefix: "", into: &out, seen: &seen, buffers: true)
        return out
    }

    /// Every module below this one (itself first) with its dotted path, as `named_modules()`.
    public func namedModules() -> [(String, Module)] {
        var out: [(String, Module)] = [("", self)]
        for (name, child) in children {
            for (sub, m) in child.namedModules() { out.append((sub.isEmpty ? name : name + "." + sub, m)) }
        }
        return out
    }

    private func collect(prefix: String, into out: inout [(String, Tensor)], seen: inout Set<ObjectIdentifier>, buffers: Bool) {
        for (name, t) in (buffers ? bufferTable : parameterTable).entries {
            guard let t, seen.insert(ObjectIdentifier(t)).inserted else { continue }
            out.append((prefix + name, t))
        }
        for (name, child) in children {
            child.collect(prefix: prefix + name + ".", into: &out, seen: &seen, buffers: buffers)
        }
    }

    /// Sets the training flag here and in every sub-module.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        training = mode
        for (_, child) in children { child.train(mode) }
        return self
    }

    @discardableResult
    public func eval() -> Self { train(false) }

    /// Clears every parameter's gradient (PyTorch's default `set_to_none=True`).
    public func zeroGrad() {
        for p in parameters() { p.grad = nil }
    }

    /// Number of scalar parameters (for `summary`).
    public func parameterCount() -> Int { parameters().reduce(0) { $0 + $1.shape.reduce(1, *) } }
}

extension Module: CustomStringConvertible {
    /// PyTorch's module repr: `Sequential(\n  (0): Linear(in_features=2, …)\n)`.
    public var description: String {
        let kids = children
        if kids.isEmpty { return "\(typeName)(\(extraRepr))" }
        var lines = ["\(typeName)(" + (extraRepr.isEmpty ? "" : extraRepr)]
        if !extraRepr.isEmpty { lines[0] = "\(typeName)(\n  \(extraRepr)" }
        for (name, child) in kids {
            let body = child.description.split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().map { $0.offset == 0 ? String($0.element) : "  " + $0.element }.joined(separator: "\n")
            lines.append("  (\(name)): \(body)")
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }
}

/// A small insertion-ordered dictionary (names are few; linear lookup keeps order trivial).
struct OrderedTable<Value> {
    private(set) var entries: [(String, Value)] = []

    var keys: [String] { entries.map(\.0) }

    subscript(key: String) -> Value? {
        get { entries.first { $0.0 == key }?.1 }
        set {
            if let i = entries.firstIndex(where: { $0.0 == key }) {
                if let newValue { entries[i].1 = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    mutating func remove(_ key: String) { entries.removeAll { $0.0 == key } }
}
