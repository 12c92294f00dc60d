import Autograd
import Foundation
import Tensor

/// Converts an error of the tensor engine or the NN library to a language error.
func languageError(_ error: Error) -> Error {
    switch error {
    case is LangError, is TimeoutSignal: return error
    case let e as TensorError: return LangError(e.message)
    case let e as CustomStringConvertible: return LangError(e.description)
    default: return LangError("\(error)")
    }
}

/// `torch.float32` and friends.
final class DTypeObject: NativeObject {
    let dtype: DType
    init(_ dtype: DType) { self.dtype = dtype }
    override var typeName: String { "torch.dtype" }
    override func repr(_ interpreter: Interpreter) throws -> String { dtype.torchName }
    override func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        if case .object(let o) = other, let d = o as? DTypeObject { return d.dtype == dtype }
        return false
    }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        name == "is_floating_point" ? .bool(dtype.isFloatingPoint) : nil
    }
}

/// `torch.Tensor`: answers `isinstance(x, Tensor)`; calling it makes a float tensor.
final class TensorType: NativeObject, InstanceChecking, HelpProviding {
    override var typeName: String { "type" }
    override func repr(_ interpreter: Interpreter) throws -> String { "<class 'torch.Tensor'>" }
    func isInstance(_ v: Value) -> Bool { if case .tensor = v { return true } else { return false } }
    var helpText: String { "Tensor: an n-dimensional array with autograd (see tensor(), zeros(), …)" }
    override func call(_ args: [Value], _ kwargs: [(String, Value)], _ interpreter: Interpreter) throws -> Value {
        guard args.count == 1 else { throw LangError("Tensor() takes one argument (the data)") }
        return .tensor(try interpreter.tensorFromData(args[0], dtype: .float32))
    }
}

/// What `t.grad_fn` returns: the node's name, and its inputs' nodes.
final class GradFnObject: NativeObject {
    let node: Node
    init(_ node: Node) { self.node = node }
    override var typeName: String { node.name }
    override func repr(_ interpreter: Interpreter) throws -> String { "<\(node.name)>" }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        switch name {
        case "name": return .builtin(BuiltinFunction(name: "name", signature: Signature(names: [], positionalCount: 0), defaults: [], doc: "") { [node] _ in .str(node.name) })
        case "next_functions":
            return .tuple(node.next.map { t in .tuple([t.gradFn.map { .object(GradFnObject($0)) } ?? Value.none, .int(0)]) })
        default: return nil
        }
    }
}

/// `(values, indices)` from `max(dim=…)`: a tuple that also answers `.values` / `.indices`.
final class NamedTupleObject: NativeObject {
    let typeLabel: String
    let names: [String]
    let items: [Value]
    init(_ typeLabel: String, names: [String], items: [Value]) {
        self.typeLabel = typeLabel
        self.names = names
        self.items = items
    }
    override var typeName: String { typeLabel }
    override func repr(_ interpreter: Interpreter) throws -> String {
        let fields = try zip(names, items).map { "\($0)=\(try interpreter.repr($1))" }
        return "\(typeLabel)(\n" + fields.joined(separator: ",\n") + ")"
    }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        names.firstIndex(of: name).map { items[$0] }
    }
    override var attributeNames: [String] { names }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { ArrayIterator(items) }
    override func length(_ interpreter: Interpreter) throws -> Int? { items.count }
    override func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        try interpreter.getItem(.tuple(items), index)
    }
}

extension Interpreter {
    // MARK: Conversions

    func tensorValue(_ v: Value, _ what: String) throws -> Tensor {
        switch v {
        case .tensor(let t): return t
        case .int(let i): return Tensor.constant(try NDArray.scalar(.int(Int64(i)), dtype: .int64))
        case .bool(let b): return Tensor.constant(try NDArray.scalar(.bool(b), dtype: .bool))
        case .float(let d): return Tensor.constant(try NDArray.scalar(.float(d), dtype: .float32))
        case .list, .tuple: return try tensorFromData(v, dtype: nil)
        default: throw LangError("\(what) must be a Tensor, not \(v.typeName)")
        }
    }

    /// A Python number as a 0-d tensor whose dtype follows PyTorch's promotion with `t`.
    func scalarTensor(_ v: Value, like t: Tensor) throws -> Tensor? {
        let s: Scalar
        switch v {
        case .int(let i): s = .int(Int64(i))
        case .float(let d): s = .float(d)
        case .bool(let b): s = .bool(b)
        default: return nil
        }
        return Tensor.constant(try NDArray.scalar(s, dtype: s.resultType(with: t.dtype)))
    }

    /// `tensor(data)`: nested lists of numbers (or tensors) to a tensor; the dtype is
    /// inferred as PyTorch does (bool, int64, or float32) unless given.
    func tensorFromData(_ data: Value, dtype: DType?, requiresGrad: Bool = false) throws -> Tensor {
        if case .tensor(let t) = data {
            let copy = Tensor.constant(try t.data.to(dtype ?? t.dtype).clone())
            return requiresGrad ? try copy.requiresGrad_(true) : copy
        }
        var shape: [Int] = []
        var values: [Double] = []
        var sawFloat = false, sawInt = false, sawBool = false
        func walk(_ v: Value, depth: Int) throws {
            switch v {
            case .list, .tuple:
                let items = try iterateToArray(v)
                if depth == shape.count { shape.append(items.count) } else if depth > shape.count || shape[depth] != items.count {
                    throw LangError("tensor(): expected sequence of length \(depth < shape.count ? shape[depth] : 0) at dim \(depth) (got \(items.count))")
                }
                for item in items { try walk(item, depth: depth + 1) }
            case .tensor(let t):
                let doubles = t.data.toDoubles()
                if t.ndim == 0 {
                    if depth != shape.count { throw LangError("tensor(): inconsistent nesting of tensors and numbers") }
                    values.append(doubles[0])
                } else {
                    if depth == shape.count { shape.append(contentsOf: t.shape) }
                    values.append(contentsOf: doubles)
                }
                if t.dtype.isFloatingPoint { sawFloat = true } else if t.dtype == .bool { sawBool = true } else { sawInt = true }
            case .int(let i):
                if depth != shape.count { throw LangError("tensor(): expected a sequence at dim \(depth), got int") }
                values.append(Double(i)); sawInt = true
            case .float(let d):
                if depth != shape.count { throw LangError("tensor(): expected a sequence at dim \(depth), got float") }
                values.append(d); sawFloat = true
            case .bool(let b):
                if depth != shape.count { throw LangError("tensor(): expected a sequence at dim \(depth), got bool") }
                values.append(b ? 1 : 0); sawBool = true
            default:
                throw LangError("tensor(): could not convert \(v.typeName) to a tensor element")
            }
        }
        try walk(data, depth: 0)
        let inferred: DType = sawFloat ? .float32 : sawInt ? .int64 : sawBool ? .bool : .float32
        let t = try Tensor.from(values, shape: shape, dtype: dtype ?? inferred)
        return requiresGrad ? try t.requiresGrad_(true) : t
    }

    /// A dtype argument: `float32`, `torch.int64`, or Python's `float`/`int`/`bool`.
    func dtypeValue(_ v: Value) throws -> DType? {
        switch v {
        case .none: return nil
        case .object(let o as DTypeObject): return o.dtype
        case .builtin(let b):
            switch b.name {
            case "float": return .float64
            case "int": return .int64
            case "bool": return .bool
            default: break
            }
        case .str(let s):
            switch s {
            case "float32", "float": return .float32
            case "float64", "double": return .float64
            case "int64", "long": return .int64
            case "bool": return .bool
            default: break
            }
        default: break
        }
        throw LangError("expected a dtype such as float32, float64 or int64, not \(v.typeName)")
    }

    /// `zeros(2, 3)`, `zeros((2, 3))`, `zeros([2, 3])`, `x.view(-1)`.
    func shapeValue(_ args: [Value], _ function: String) throws -> [Int] {
        var items = args
        if args.count == 1 {
            switch args[0] {
            case .list, .tuple: items = try iterateToArray(args[0])
            case .object(let o as NamedTupleObject): items = o.items
            default: break
            }
        }
        return try items.map { v in
            switch v {
            case .int(let i): return i
            case .tensor(let t) where t.numel() == 1 && !t.dtype.isFloatingPoint: return Int(try t.data.intItem())
            default: throw LangError("\(function)(): size must be a tuple of ints, but found element of type \(v.typeName)")
            }
        }
    }

    /// `dim=None | int | tuple`.
    func dimsValue(_ v: Value) throws -> [Int]? {
        switch v {
        case .none: return nil
        case .int(let i): return [i]
        case .list, .tuple: return try iterateToArray(v).map { try intValue($0) }
        default: throw LangError("dim must be an int, a tuple of ints or None, not \(v.typeName)")
        }
    }

    func tensorList(_ v: Value, _ what: String) throws -> [Tensor] {
        try iterateToArray(v).map { try tensorValue($0, what) }
    }

    // MARK: Language protocol for tensors

    func tensorRepr(_ t: Tensor) -> String {
        let text = t.formatted(options: printOptions)
        return isMarkedParameter(t) ? "Parameter containing:\n" + text : text
    }

    func tensorTruth(_ t: Tensor) throws -> Bool {
        let n = t.numel()
        if n == 0 { throw LangError("Boolean value of Tensor with no values is ambiguous") }
        if n > 1 { throw LangError("Boolean value of Tensor with more than one value is ambiguous") }
        return try t.item() != 0
    }

    func scalarOf(_ t: Tensor) throws -> Value {
        guard t.numel() == 1 else {
            throw LangError("a Tensor with \(t.numel()) elements cannot be converted to Scalar")
        }
        if t.dtype.isFloatingPoint { return .float(try t.item()) }
        if t.dtype == .bool { return .bool(try t.item() != 0) }
        return .int(Int(try t.data.intItem()))
    }

    func tensorAttribute(_ t: Tensor, _ name: String) throws -> Value? {
        switch name {
        case "shape": return .object(SizeObject(t.shape))
        case "ndim": return .int(t.ndim)
        case "dtype": return .object(DTypeObject(t.dtype))
        case "T", "mT": return .tensor(try engine { try t.T })
        case "grad": return t.grad.map { .tensor($0) } ?? Value.none
        case "requires_grad": return .bool(t.requiresGrad)
        case "is_leaf": return .bool(t.isLeaf)
        case "grad_fn": return t.gradFn.map { .object(GradFnObject($0)) } ?? Value.none
        case "data": return .tensor(Tensor.constant(t.data))
        case "device": return .str("cpu")
        default: return nil
        }
    }

    func setTensorAttribute(_ t: Tensor, _ name: String, _ value: Value) throws {
        switch name {
        case "grad":
            if value.isNone { t.grad = nil; return }
            let g = try tensorValue(value, "grad")
            guard g.shape == t.shape else {
                throw LangError("assigned grad has data of a different size: \(shapeString(g.shape)) vs \(shapeString(t.shape))")
            }
            t.grad = g
        case "requires_grad":
            _ = try engine { try t.requiresGrad_(try truthy(value)) }
        case "data":
            t.data = try tensorValue(value, "data").data
        default:
            throw LangError("'Tensor' object attribute '\(name)' cannot be assigned")
        }
    }

    /// Converts a subscript to the engine's index items.
    func indexItems(_ index: Value) throws -> [IndexItem] {
        let parts: [Value]
        if case .tuple(let t) = index { parts = t } else { parts = [index] }
        return try parts.map { p in
            switch p {
            case .int(let i): return .int(i)
            case .bool(let b): return .tensor(try NDArray.scalar(.bool(b), dtype: .bool))
            case .none: return .newAxis
            case .object(let o as SliceObject):
                func opt(_ v: Value) throws -> Int? { v.isNone ? nil : try intValue(v) }
                return .slice(start: try opt(o.start), end: try opt(o.stop), step: try opt(o.step))
            case .object(let o) where o is EllipsisObject: return .ellipsis
            case .tensor(let t): return .tensor(t.data)
            case .list: return .tensor(try tensorFromData(p, dtype: nil).data)
            default: throw LangError("only integers, slices (`:`), ellipsis (`...`), None and integer or boolean tensors are valid indices (got \(p.typeName))")
            }
        }
    }

    /// Runs engine code, turning its errors into language errors.
    func engine<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch { throw languageError(error) }
    }
}

/// `x.shape`: a tuple of ints that prints as PyTorch's `torch.Size([2, 3])`.
final class SizeObject: NativeObject {
    let dims: [Int]
    init(_ dims: [Int]) { self.dims = dims }
    override var typeName: String { "torch.Size" }
    override func repr(_ interpreter: Interpreter) throws -> String {
        "torch.Size([" + dims.map(String.init).joined(separator: ", ") + "])"
    }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { ArrayIterator(dims.map { .int($0) }) }
    override func length(_ interpreter: Interpreter) throws -> Int? { dims.count }
    override func truthy(_ interpreter: Interpreter) throws -> Bool { !dims.isEmpty }
    override func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        let r = try interpreter.getItem(.tuple(dims.map { .int($0) }), index)
        if case .tuple(let t) = r { return .object(SizeObject(try t.map { try interpreter.intValue($0) })) }
        return r
    }
    override func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        switch other {
        case .object(let o as SizeObject): return o.dims == dims
        case .tuple, .list: return try interpreter.equals(.tuple(dims.map { .int($0) }), .tuple(interpreter.iterateToArray(other)))
        default: return false
        }
    }
    override func binary(_ op: BinaryOp, _ other: Value, reversed: Bool, _ interpreter: Interpreter) throws -> Value? {
        guard op == .add else { return nil }
        let mine = Value.tuple(dims.map { .int($0) })
        return reversed ? try interpreter.binary(.add, other, mine) : try interpreter.binary(.add, mine, other)
    }
}
