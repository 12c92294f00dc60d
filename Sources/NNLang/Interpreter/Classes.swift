/// A user class (or the built-in `Module`). Single inheritance.
public final class ClassObject {
    let name: String
    let base: ClassObject?
    var attributes: [String: Value] = [:]
    /// True for the built-in `Module` class itself.
    let isModuleRoot: Bool
    /// True for `Module` and every class derived from it.
    let isModule: Bool

    init(name: String, base: ClassObject?, isModuleRoot: Bool = false) {
        self.name = name
        self.base = base
        self.isModuleRoot = isModuleRoot
        self.isModule = isModuleRoot || base?.isModule == true
    }

    /// Looks an attribute up along the inheritance chain.
    func lookup(_ name: String) -> Value? {
        var cls: ClassObject? = self
        while let c = cls {
            if let v = c.attributes[name] { return v }
            cls = c.base
        }
        return nil
    }

    func isSubclass(of other: ClassObject) -> Bool {
        var cls: ClassObject? = self
        while let c = cls {
            if c === other { return true }
            cls = c.base
        }
        return false
    }

    var allAttributeNames: [String] {
        var names: [String] = []
        var cls: ClassObject? = self
        while let c = cls {
            names.append(contentsOf: c.attributes.keys)
            cls = c.base
        }
        return names
    }
}

/// An instance of a user class. Attributes keep their assignment order, which is the
/// order in which a module's parameters and sub-modules are registered.
public final class Instance {
    let cls: ClassObject
    private(set) var attributeNames: [String] = []
    private(set) var attributeValues: [Value] = []
    private var indexByName: [String: Int] = [:]
    /// `model.train()` / `model.eval()` state of a module.
    var training = true

    init(cls: ClassObject) { self.cls = cls }

    /// Small instances are searched linearly: comparing short strings is cheaper than
    /// hashing them, and most objects have a handful of attributes.
    @inline(__always)
    private func index(of name: String) -> Int? {
        if attributeNames.count <= 8 {
            for i in attributeNames.indices where attributeNames[i] == name { return i }
            return nil
        }
        return indexByName[name]
    }

    func attribute(_ name: String) -> Value? {
        guard let i = index(of: name) else { return nil }
        return attributeValues[i]
    }

    func setAttribute(_ name: String, _ value: Value) {
        if let i = index(of: name) {
            attributeValues[i] = value
        } else {
            indexByName[name] = attributeNames.count
            attributeNames.append(name)
            attributeValues.append(value)
        }
    }

    @discardableResult
    func removeAttribute(_ name: String) -> Bool {
        guard let i = indexByName.removeValue(forKey: name) else { return false }
        attributeNames.remove(at: i)
        attributeValues.remove(at: i)
        for j in i..<attributeNames.count { indexByName[attributeNames[j]] = j }
        return true
    }
}

/// What `super()` returns: attribute lookup starting above the defining class.
final class SuperProxy: NativeObject {
    let start: ClassObject?
    let receiver: Value
    init(start: ClassObject?, receiver: Value) {
        self.start = start
        self.receiver = receiver
    }
    override var typeName: String { "super" }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        if let v = start?.lookup(name) {
            if case .function = v { return .boundMethod(BoundMethod(receiver: receiver, function: v)) }
            return v
        }
        // Module.__init__ (and object.__init__) exist and do nothing.
        if name == "__init__" {
            return .builtin(BuiltinFunction(name: "__init__", signature: Signature(names: [], positionalCount: 0),
                                            defaults: [], doc: "") { _ in .none })
        }
        if case .instance(let inst) = receiver, inst.cls.isModule,
            let method = interpreter.library.moduleMethod(name) {
            return .boundMethod(BoundMethod(receiver: receiver, function: .builtin(method)))
        }
        return nil
    }
}
