/// A user class (or the built-in `Module`). Single inheritance.
public final class ClassObject {
    let name: String
    let base: ClassObject?
    var attributes: [String: Value] = [:] {
        didSet { version &+= 1 }
    }
    /// Counts changes to `attributes`, so that call sites can cache method lookups.
    private(set) var version = 0
    /// The layout of an instance with no attributes yet (see `InstanceShape`).
    let rootShape = InstanceShape(names: [])
    /// True for the built-in `Module` class itself.
    let isModuleRoot: Bool
    /// True for `Module` and every class derived from it.
    let isModule: Bool

    /// `base` without reference counting, for `chainVersion` (`base` keeps it alive).
    private let baseReference: Unmanaged<ClassObject>?

    init(name: String, base: ClassObject?, isModuleRoot: Bool = false) {
        self.name = name
        self.base = base
        self.baseReference = base.map { Unmanaged.passUnretained($0) }
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

    /// Changes whenever an attribute of this class or of a base class changes.
    @inline(__always)
    var chainVersion: Int {
        var v = version
        var next = baseReference
        while let c = next {
            (v, next) = c._withUnsafeGuaranteedRef { (v &+ $0.version, $0.baseReference) }
        }
        return v
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

/// The attribute layout (names in assignment order) shared by instances whose attributes
/// were added in the same order — a "hidden class". A call site that has seen an instance
/// with a layout can find an attribute's position again by comparing layouts.
final class InstanceShape {
    let names: [String]
    private let indexByName: [String: Int]
    /// The layouts reached by adding one attribute.
    private var transitions: [String: InstanceShape] = [:]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        indexByName = index
    }

    /// Small layouts are searched linearly: comparing short strings is cheaper than
    /// hashing them, and most objects have a handful of attributes.
    @inline(__always)
    func index(of name: String) -> Int? {
        if names.count <= 8 {
            for i in names.indices where names[i] == name { return i }
            return nil
        }
        return indexByName[name]
    }

    func adding(_ name: String) -> InstanceShape {
        if let next = transitions[name] { return next }
        let next = InstanceShape(names: names + [name])
        // Bound the tree for programs that add many distinct names (dict-like use).
        if transitions.count < 64 { transitions[name] = next }
        return next
    }
}

/// An instance of a user class. Attributes keep their assignment order, which is the
/// order in which a module's parameters and sub-modules are registered.
public final class Instance {
    let cls: ClassObject
    private(set) var shape: InstanceShape {
        didSet { shapeID = ObjectIdentifier(shape) }
    }
    /// The identity of `shape`, compared by inline caches without reference counting.
    private(set) var shapeID: ObjectIdentifier
    /// Attribute values, in the order of `shape.names`, in a buffer owned by the instance:
    /// call sites with a cached position read and write it without copy-on-write checks.
    private var storage: UnsafeMutablePointer<Value>
    private var capacity: Int
    /// `model.train()` / `model.eval()` state of a module.
    var training = true

    /// `cls` without reference counting, for inline caches (`cls` keeps it alive).
    let classReference: Unmanaged<ClassObject>

    init(cls: ClassObject) {
        self.cls = cls
        self.classReference = Unmanaged.passUnretained(cls)
        // The built-in Module class is shared between sessions (threads): its instances get
        // their own layouts, so that no layout tree is shared.
        let initial = cls.isModuleRoot ? InstanceShape(names: []) : cls.rootShape
        shape = initial
        shapeID = ObjectIdentifier(initial)
        capacity = 4
        storage = .allocate(capacity: capacity)
    }

    deinit {
        if UnsafeBufferPointer(start: storage, count: shape.names.count).contains(where: \.isContainer) {
            var values = takeAttributeValues()
            DeepRelease.release(&values)
        }
        storage.deinitialize(count: shape.names.count)
        storage.deallocate()
    }

    /// Moves the attribute values out, leaving `None` (the instance is being released by
    /// `DeepRelease`, so nothing reads them again).
    func takeAttributeValues() -> [Value] {
        (0..<shape.names.count).map { i in
            defer { storage[i] = .none }
            return storage[i]
        }
    }

    var attributeNames: [String] { shape.names }
    var attributeValues: [Value] { Array(UnsafeBufferPointer(start: storage, count: shape.names.count)) }

    /// The value at a position of the current layout (callers checked the layout).
    @inline(__always) func value(at index: Int) -> Value { storage[index] }
    @inline(__always) func setValue(_ value: Value, at index: Int) { storage[index] = value }

    func attribute(_ name: String) -> Value? {
        guard let i = shape.index(of: name) else { return nil }
        return storage[i]
    }

    func setAttribute(_ name: String, _ value: Value) {
        if let i = shape.index(of: name) {
            storage[i] = value
            return
        }
        let count = shape.names.count
        if count == capacity {
            let grown = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        (storage + count).initialize(to: value)
        shape = shape.adding(name)
    }

    @discardableResult
    func removeAttribute(_ name: String) -> Bool {
        guard let i = shape.index(of: name) else { return false }
        let count = shape.names.count
        var names = shape.names
        names.remove(at: i)
        (storage + i).deinitialize(count: 1)
        (storage + i).moveInitialize(from: storage + i + 1, count: count - i - 1)
        shape = InstanceShape(names: names)  // a fresh layout: caches keyed on the old one miss
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
