import Autograd

/// A value of the nn language. Plain values are stored inline; containers and
/// objects are reference types, shared as in Python.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case str(String)
    case list(ListObject)
    case tuple([Value])
    case dict(DictObject)
    case function(FunctionObject)
    case builtin(BuiltinFunction)
    case boundMethod(BoundMethod)
    case classObject(ClassObject)
    case instance(Instance)
    /// A tensor of the autograd engine.
    case tensor(Tensor)
    /// Library and helper objects: ranges, slices, namespaces, iterators, modules, …
    case object(NativeObject)
    /// Marks a slot that has not been assigned yet; never visible to programs.
    case undefined

    /// Python's name for the value's type, as used in error messages.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .function: return "function"
        case .builtin: return "builtin_function_or_method"
        case .boundMethod: return "method"
        case .classObject: return "type"
        case .instance(let i): return i.cls.name
        case .object(let o): return o.typeName
        case .tensor: return "Tensor"
        case .undefined: return "undefined"
        }
    }

    var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// A Python list: shared and mutable.
public final class ListObject {
    @exclusivity(unchecked) public var items: [Value]
    public init(_ items: [Value]) { self.items = items }

    /// `a = [a]` a million times builds a chain whose ordinary release recurses once per
    /// level and overflows the stack; see `DeepRelease`.
    deinit {
        guard items.contains(where: \.isContainer) else { return }
        DeepRelease.release(&items)
    }
}

/// The hashable form of a dict key, with Python's equalities: `1 == 1.0 == True`.
enum DictKey: Hashable {
    case none
    case int(Int)
    case float(Double)
    case str(String)
    case tuple([DictKey])
    case identity(ObjectIdentifier)

    init(_ value: Value) throws {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .float(let d):
            if d == d.rounded(), abs(d) < 9.2e18 { self = .int(Int(d)) } else { self = .float(d) }
        case .str(let s): self = .str(s)
        case .tuple(let items): self = .tuple(try items.map(DictKey.init))
        case .function(let f): self = .identity(ObjectIdentifier(f))
        case .builtin(let f): self = .identity(ObjectIdentifier(f))
        case .classObject(let c): self = .identity(ObjectIdentifier(c))
        case .instance(let i): self = .identity(ObjectIdentifier(i))
        case .tensor(let t): self = .identity(ObjectIdentifier(t))
        case .object(let o):
            guard o.isHashable else { throw LangError("unhashable type: '\(o.typeName)'") }
            self = .identity(ObjectIdentifier(o))
        default:
            throw LangError("unhashable type: '\(value.typeName)'")
        }
    }
}

/// A Python dict: insertion-ordered, shared and mutable.
public final class DictObject {
    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    private var index: [DictKey: Int] = [:]

    public init() {}

    /// Dicts nested a million deep are released without recursion (see `DeepRelease`).
    deinit {
        guard values.contains(where: \.isContainer) else { return }
        DeepRelease.release(&values)
    }

    /// Moves the values out (the dict is being released by `DeepRelease`).
    func takeValues() -> [Value] {
        defer { removeAll() }
        return values
    }

    var count: Int { keys.count }

    func get(_ key: Value) throws -> Value? {
        guard let i = index[try DictKey(key)] else { return nil }
        return values[i]
    }

    func set(_ key: Value, _ value: Value) throws {
        let k = try DictKey(key)
        if let i = index[k] {
            values[i] = value
        } else {
            index[k] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    func contains(_ key: Value) throws -> Bool { index[try DictKey(key)] != nil }

    @discardableResult
    func remove(_ key: Value) throws -> Value? {
        let k = try DictKey(key)
        guard let i = index.removeValue(forKey: k) else { return nil }
        let old = values[i]
        keys.remove(at: i)
        values.remove(at: i)
        for j in i..<keys.count { index[try DictKey(keys[j])] = j }
        return old
    }

    func removeAll() {
        keys = []
        values = []
        index = [:]
    }

    func copy() -> DictObject {
        let d = DictObject()
        d.keys = keys
        d.values = values
        d.index = index
        return d
    }
}

/// A method bound to its receiver (`xs.append`, `model.forward`).
public final class BoundMethod {
    let receiver: Value
    let function: Value
    init(receiver: Value, function: Value) {
        self.receiver = receiver
        self.function = function
    }
}

/// Base class of library objects exposed to programs. Subclasses override what they
/// support; the defaults raise Python's errors.
open class NativeObject {
    public init() {}
    open var typeName: String { "object" }
    open var isHashable: Bool { true }
    open func repr(_ interpreter: Interpreter) throws -> String { "<\(typeName) object>" }
    open func str(_ interpreter: Interpreter) throws -> String { try repr(interpreter) }
    /// Attribute lookup; return nil when the attribute does not exist.
    open func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? { nil }
    open func setAttribute(_ name: String, _ value: Value, _ interpreter: Interpreter) throws {
        throw LangError("'\(typeName)' object attribute '\(name)' is read-only")
    }
    open var attributeNames: [String] { [] }
    open func call(_ args: [Value], _ kwargs: [(String, Value)], _ interpreter: Interpreter) throws -> Value {
        throw LangError("'\(typeName)' object is not callable")
    }
    /// An iterator over the object, or nil when it is not iterable.
    open func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { nil }
    open func length(_ interpreter: Interpreter) throws -> Int? { nil }
    open func truthy(_ interpreter: Interpreter) throws -> Bool { true }
    open func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        throw LangError("'\(typeName)' object is not subscriptable")
    }
    open func setItem(_ index: Value, _ value: Value, _ interpreter: Interpreter) throws {
        throw LangError("'\(typeName)' object does not support item assignment")
    }
    /// `self op other` (or `other op self` when `reversed`); nil when unsupported.
    open func binary(_ op: BinaryOp, _ other: Value, reversed: Bool, _ interpreter: Interpreter) throws -> Value? { nil }
    /// `item in self`; nil to fall back to iteration.
    open func contains(_ item: Value, _ interpreter: Interpreter) throws -> Bool? { nil }
    open func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        if case .object(let o) = other { return o === self }
        return false
    }
}

/// Iteration state; `next()` returns nil when exhausted.
open class ValueIterator {
    public init() {}
    open func next() throws -> Value? { nil }
    /// The number of items, when known up front (for `progress`).
    open var count: Int? { nil }
}

final class ArrayIterator: ValueIterator {
    let items: [Value]
    var position = 0
    init(_ items: [Value]) { self.items = items }
    override func next() throws -> Value? {
        guard position < items.count else { return nil }
        position += 1
        return items[position - 1]
    }
    override var count: Int? { items.count }
}

/// Iterates a list by index, so that appends during the loop are seen as in Python.
final class ListIterator: ValueIterator {
    let list: ListObject
    var position = 0
    init(_ list: ListObject) { self.list = list }
    override func next() throws -> Value? {
        guard position < list.items.count else { return nil }
        position += 1
        return list.items[position - 1]
    }
    override var count: Int? { list.items.count }
}

/// `range(start, stop, step)`.
final class RangeObject: NativeObject {
    let start: Int, stop: Int, step: Int
    init(start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    override var typeName: String { "range" }
    var count: Int {
        if step > 0 { return start < stop ? (stop - start - 1) / step + 1 : 0 }
        return start > stop ? (start - stop - 1) / (-step) + 1 : 0
    }
    override func repr(_ interpreter: Interpreter) throws -> String {
        step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
    }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { RangeIterator(self) }
    override func length(_ interpreter: Interpreter) throws -> Int? { count }
    override func truthy(_ interpreter: Interpreter) throws -> Bool { count > 0 }
    override func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        guard case .int(var i) = index else {
            if case .bool(let b) = index { return try getItem(.int(b ? 1 : 0), interpreter) }
            throw LangError("range indices must be integers, not \(index.typeName)")
        }
        if i < 0 { i += count }
        guard i >= 0 && i < count else { throw LangError("range object index out of range") }
        return .int(start + i * step)
    }
    override func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        guard case .object(let o) = other, let r = o as? RangeObject else { return false }
        return r.start == start && r.stop == stop && r.step == step
    }
}

final class RangeIterator: ValueIterator {
    var current: Int
    let stop: Int, step: Int
    let total: Int
    init(_ range: RangeObject) {
        current = range.start
        stop = range.stop
        step = range.step
        total = range.count
    }
    override func next() throws -> Value? {
        if step > 0 ? current >= stop : current <= stop { return nil }
        defer { current += step }
        return .int(current)
    }
    override var count: Int? { total }
}

/// `a:b:c` inside a subscript.
final class SliceObject: NativeObject {
    let start: Value, stop: Value, step: Value
    init(start: Value, stop: Value, step: Value) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    override var typeName: String { "slice" }
    override var isHashable: Bool { false }
    override func repr(_ interpreter: Interpreter) throws -> String {
        "slice(\(try interpreter.repr(start)), \(try interpreter.repr(stop)), \(try interpreter.repr(step)))"
    }

    /// Python's `slice.indices(length)`: concrete start, stop, step and count.
    func indices(length: Int) throws -> (start: Int, stop: Int, step: Int, count: Int) {
        func int(_ v: Value, _ what: String) throws -> Int? {
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: throw LangError("slice indices must be integers or None, not \(v.typeName)")
            }
        }
        let step = try int(self.step, "step") ?? 1
        if step == 0 { throw LangError("slice step cannot be zero") }
        var start: Int, stop: Int
        if step > 0 {
            start = try int(self.start, "start").map { $0 < 0 ? max(0, $0 + length) : min($0, length) } ?? 0
            stop = try int(self.stop, "stop").map { $0 < 0 ? max(0, $0 + length) : min($0, length) } ?? length
        } else {
            start = try int(self.start, "start").map { $0 < 0 ? max(-1, $0 + length) : min($0, length - 1) } ?? length - 1
            stop = try int(self.stop, "stop").map { $0 < 0 ? max(-1, $0 + length) : min($0, length - 1) } ?? -1
        }
        let count: Int
        if step > 0 { count = start < stop ? (stop - start - 1) / step + 1 : 0 }
        else { count = start > stop ? (start - stop - 1) / (-step) + 1 : 0 }
        return (start, stop, step, count)
    }
}

/// The `...` constant.
final class EllipsisObject: NativeObject {
    override var typeName: String { "ellipsis" }
    override func repr(_ interpreter: Interpreter) throws -> String { "Ellipsis" }
}
