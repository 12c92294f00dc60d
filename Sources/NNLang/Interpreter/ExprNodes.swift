/// Executable expression nodes, produced by the resolver from the AST. Each node
/// evaluates itself; names are already bound to frame or global slots.
class ExprNode {
    let location: SourceLocation
    init(_ location: SourceLocation) { self.location = location }
    func eval(_ f: Frame, _ rt: Interpreter) throws -> Value { .none }
    /// The truth of the value, for `if` and `while` (comparisons answer without making a bool).
    func evalCondition(_ f: Frame, _ rt: Interpreter) throws -> Bool {
        let v = try eval(f, rt)
        if case .bool(let b) = v { return b }
        do { return try rt.truthy(v) } catch let e as LangError { throw e.located(location) }
    }
}

/// A child node evaluated without reference counting: the parent also holds the child
/// strongly, so the unmanaged reference is valid for the parent's lifetime.
struct ChildNode<Node: AnyObject> {
    let reference: Unmanaged<Node>
    init(_ node: Node) { reference = Unmanaged.passUnretained(node) }
    @inline(__always)
    func with<R>(_ body: (Node) throws -> R) rethrows -> R { try reference._withUnsafeGuaranteedRef(body) }
}

final class ConstantNode: ExprNode {
    let value: Value
    init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value { value }
}

final class LocalNode: ExprNode {
    let slot: Int
    let name: String
    init(slot: Int, name: String, _ location: SourceLocation) {
        self.slot = slot
        self.name = name
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = f.slots[slot]
        if case .undefined = v {
            throw LangError("cannot access local variable '\(name)' where it is not associated with a value", at: location)
        }
        return v
    }
}

final class EnclosingNode: ExprNode {
    let depth: Int
    let slot: Int
    let name: String
    init(depth: Int, slot: Int, name: String, _ location: SourceLocation) {
        self.depth = depth
        self.slot = slot
        self.name = name
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = f.ancestor(depth).slots[slot]
        if case .undefined = v {
            throw LangError("cannot access free variable '\(name)' where it is not associated with a value in enclosing scope", at: location)
        }
        return v
    }
}

final class GlobalNode: ExprNode {
    let slot: Int
    let name: String
    /// Local names visible where the access is, for "did you mean".
    let visibleLocals: [String]
    init(slot: Int, name: String, visibleLocals: [String], _ location: SourceLocation) {
        self.slot = slot
        self.name = name
        self.visibleLocals = visibleLocals
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = rt.globals.values[slot]
        if case .undefined = v {
            throw LangError(withSuggestion("name '\(name)' is not defined", name: name,
                                           candidates: visibleLocals + rt.globals.definedNames), at: location)
        }
        return v
    }
}

final class AndNode: ExprNode {
    let left: ExprNode, right: ExprNode
    init(_ left: ExprNode, _ right: ExprNode, _ location: SourceLocation) {
        self.left = left
        self.right = right
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let l = try left.eval(f, rt)
        do {
            if !(try rt.truthy(l)) { return l }
        } catch let e as LangError { throw e.located(location) }
        return try right.eval(f, rt)
    }
}

final class OrNode: ExprNode {
    let left: ExprNode, right: ExprNode
    init(_ left: ExprNode, _ right: ExprNode, _ location: SourceLocation) {
        self.left = left
        self.right = right
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let l = try left.eval(f, rt)
        do {
            if try rt.truthy(l) { return l }
        } catch let e as LangError { throw e.located(location) }
        return try right.eval(f, rt)
    }
}

final class NotNode: ExprNode {
    let operand: ExprNode
    init(_ operand: ExprNode, _ location: SourceLocation) {
        self.operand = operand
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = try operand.eval(f, rt)
        do { return .bool(!(try rt.truthy(v))) } catch let e as LangError { throw e.located(location) }
    }
}

final class UnaryNode: ExprNode {
    let negate: Bool
    let operand: ExprNode
    init(negate: Bool, _ operand: ExprNode, _ location: SourceLocation) {
        self.negate = negate
        self.operand = operand
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = try operand.eval(f, rt)
        do { return try rt.unary(negate: negate, v) } catch let e as LangError { throw e.located(location) }
    }
}

/// `~x`: bitwise not of an int, logical not of a bool tensor.
final class InvertNode: ExprNode {
    let operand: ExprNode
    init(_ operand: ExprNode, _ location: SourceLocation) {
        self.operand = operand
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let v = try operand.eval(f, rt)
        do {
            switch v {
            case .int(let i): return .int(~i)
            case .bool(let b): return .int(~(b ? 1 : 0))
            default:
                if let r = try rt.library.tensorInvert?(v, rt) { return r }
                throw LangError("bad operand type for unary ~: '\(v.typeName)'")
            }
        } catch let e as LangError { throw e.located(location) }
    }
}

/// An operand whose int value can be read without evaluating a node (no side effects,
/// no copy): a local or global slot, or an int constant.
enum PeekableOperand {
    case local(Int)
    case global(Int)
    case constant(Int)
    case other

    init(_ node: ExprNode) {
        if let local = node as? LocalNode { self = .local(local.slot) }
        else if let global = node as? GlobalNode { self = .global(global.slot) }
        else if let constant = node as? ConstantNode, case .int(let v) = constant.value { self = .constant(v) }
        else { self = .other }
    }

    var isPeekable: Bool { if case .other = self { return false } else { return true } }

    /// The operand's int value, or nil when it is not an int (or not peekable); the caller
    /// then evaluates the node as usual, which also reports unbound names.
    @inline(__always)
    func peekInt(_ f: Frame, _ rt: Interpreter) -> Int? {
        switch self {
        case .local(let slot):
            if case .int(let v) = f.slots[slot] { return v }
            return nil
        case .global(let slot):
            if case .int(let v) = rt.globals.values[slot] { return v }
            return nil
        case .constant(let v): return v
        case .other: return nil
        }
    }
}

/// A binary operator with inline fast paths for int and float operands.
final class BinaryNode: ExprNode {
    let op: BinaryOp
    // The strong references own the children; the unowned(unsafe) copies are what the
    // hot path reads, so evaluating a child costs no reference counting.
    private let ownedLeft: ExprNode, ownedRight: ExprNode
    let left: ChildNode<ExprNode>
    let right: ChildNode<ExprNode>
    init(_ op: BinaryOp, _ left: ExprNode, _ right: ExprNode, _ location: SourceLocation) {
        self.op = op
        self.ownedLeft = left
        self.ownedRight = right
        self.left = ChildNode(left)
        self.right = ChildNode(right)
        peekLeft = PeekableOperand(left)
        peekRight = PeekableOperand(right)
        peekable = peekLeft.isPeekable && peekRight.isPeekable
        super.init(location)
    }
    private let peekLeft: PeekableOperand, peekRight: PeekableOperand
    private let peekable: Bool

    /// `n - 1`, `s + i`, `i % 3` on ints: no node evaluation, no Value copies.
    @inline(__always)
    private func intFastPath(_ a: Int, _ b: Int) -> Value? {
        switch op {
        case .add:
            let (v, o) = a.addingReportingOverflow(b)
            return o ? nil : .int(v)
        case .subtract:
            let (v, o) = a.subtractingReportingOverflow(b)
            return o ? nil : .int(v)
        case .multiply:
            let (v, o) = a.multipliedReportingOverflow(by: b)
            return o ? nil : .int(v)
        case .modulo where b > 0:
            let m = a % b
            return .int(m < 0 ? m + b : m)
        case .floorDivide where b > 0:
            let q = a / b
            return .int(a % b < 0 ? q - 1 : q)
        default: return nil
        }
    }

    /// The int result when both operands are int locals, globals or constants and the
    /// operation needs no error (`n - 1` as a call argument, without a node call); else nil.
    @inline(__always)
    func peekIntResult(_ f: Frame, _ rt: Interpreter) -> Value? {
        guard peekable, let a = peekLeft.peekInt(f, rt), let b = peekRight.peekInt(f, rt) else { return nil }
        return intFastPath(a, b)
    }

    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        if peekable, let a = peekLeft.peekInt(f, rt), let b = peekRight.peekInt(f, rt), let v = intFastPath(a, b) {
            return v
        }
        let l = try left.with { try $0.eval(f, rt) }
        let r = try right.with { try $0.eval(f, rt) }
        if case .tensor(let a) = l, case .tensor(let b) = r, let t = try tensorArithmetic(a, b) { return .tensor(t) }
        switch (op, l, r) {
        case (.add, .int(let a), .int(let b)):
            let (v, o) = a.addingReportingOverflow(b)
            if !o { return .int(v) }
        case (.subtract, .int(let a), .int(let b)):
            let (v, o) = a.subtractingReportingOverflow(b)
            if !o { return .int(v) }
        case (.multiply, .int(let a), .int(let b)):
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if !o { return .int(v) }
        case (.modulo, .int(let a), .int(let b)) where b > 0:
            // Python's modulo takes the divisor's sign; for b > 0 the result is in 0..<b.
            let m = a % b
            return .int(m < 0 ? m + b : m)
        case (.floorDivide, .int(let a), .int(let b)) where b > 0:
            let q = a / b
            return .int(a % b < 0 ? q - 1 : q)
        case (.add, .float(let a), .float(let b)): return .float(a + b)
        case (.subtract, .float(let a), .float(let b)): return .float(a - b)
        case (.multiply, .float(let a), .float(let b)): return .float(a * b)
        default: break
        }
        do { return try rt.binary(op, l, r) } catch let e as LangError { throw e.located(location) }
    }
}

/// One comparison `a < b` (the common case, with an int fast path).
final class CompareNode: ExprNode {
    let op: CompareOp
    private let ownedLeft: ExprNode, ownedRight: ExprNode
    let left: ChildNode<ExprNode>
    let right: ChildNode<ExprNode>
    init(_ op: CompareOp, _ left: ExprNode, _ right: ExprNode, _ location: SourceLocation) {
        self.op = op
        self.ownedLeft = left
        self.ownedRight = right
        self.left = ChildNode(left)
        self.right = ChildNode(right)
        peekLeft = PeekableOperand(left)
        peekRight = PeekableOperand(right)
        peekable = peekLeft.isPeekable && peekRight.isPeekable
        super.init(location)
    }
    private let peekLeft: PeekableOperand, peekRight: PeekableOperand
    private let peekable: Bool

    @inline(__always)
    private func intCompare(_ a: Int, _ b: Int) -> Bool? {
        switch op {
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        case .equal: return a == b
        case .notEqual: return a != b
        default: return nil
        }
    }

    override func evalCondition(_ f: Frame, _ rt: Interpreter) throws -> Bool {
        if peekable, let a = peekLeft.peekInt(f, rt), let b = peekRight.peekInt(f, rt), let v = intCompare(a, b) {
            return v
        }
        let v = try eval(f, rt)
        if case .bool(let b) = v { return b }
        do { return try rt.truthy(v) } catch let e as LangError { throw e.located(location) }
    }

    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        if peekable, let a = peekLeft.peekInt(f, rt), let b = peekRight.peekInt(f, rt), let v = intCompare(a, b) {
            return .bool(v)
        }
        let l = try left.with { try $0.eval(f, rt) }
        let r = try right.with { try $0.eval(f, rt) }
        if case .int(let a) = l, case .int(let b) = r {
            switch op {
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            default: break
            }
        }
        do { return try rt.compare(op, l, r) } catch let e as LangError { throw e.located(location) }
    }
}

/// A chain `a < b <= c`: each operand is evaluated once and the chain stops at the
/// first false link, as in Python.
final class CompareChainNode: ExprNode {
    let first: ExprNode
    let rest: [(CompareOp, ExprNode)]
    init(_ first: ExprNode, _ rest: [(CompareOp, ExprNode)], _ location: SourceLocation) {
        self.first = first
        self.rest = rest
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        var l = try first.eval(f, rt)
        var result = Value.bool(true)
        for (op, node) in rest {
            let r = try node.eval(f, rt)
            do {
                result = try rt.compare(op, l, r)
                if !(try rt.truthy(result)) { return result }
            } catch let e as LangError { throw e.located(location) }
            l = r
        }
        return result
    }
}

final class ConditionalNode: ExprNode {
    let condition: ExprNode, then: ExprNode, otherwise: ExprNode
    init(_ condition: ExprNode, _ then: ExprNode, _ otherwise: ExprNode, _ location: SourceLocation) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let c = try condition.eval(f, rt)
        let truth: Bool
        do { truth = try rt.truthy(c) } catch let e as LangError { throw e.located(location) }
        return try truth ? then.eval(f, rt) : otherwise.eval(f, rt)
    }
}

final class AttributeNode: ExprNode {
    let object: ExprNode
    let name: String
    private let fastObject: ChildNode<ExprNode>
    /// Inline cache: where the attribute sits in instances of the last layout seen.
    private var cachedShape: ObjectIdentifier?
    private var cachedShapeOwner: InstanceShape?
    private var cachedIndex = 0
    init(_ object: ExprNode, _ name: String, _ location: SourceLocation) {
        self.object = object
        self.name = name
        self.fastObject = ChildNode(object)
        self.peekObject = PeekableOperand(object)
        super.init(location)
    }
    private let peekObject: PeekableOperand
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        // `self.x` with a cached layout: read the local slot in place.
        if case .local(let slot) = peekObject, case .instance(let inst) = f.slots[slot], inst.shapeID == cachedShape {
            return inst.value(at: cachedIndex)
        }
        let o = try fastObject.with { try $0.eval(f, rt) }
        if case .instance(let inst) = o {
            if inst.shapeID == cachedShape { return inst.value(at: cachedIndex) }
            if let i = inst.shape.index(of: name) {
                cachedShapeOwner = inst.shape
                cachedShape = inst.shapeID
                cachedIndex = i
                return inst.value(at: i)
            }
        }
        do { return try rt.getAttribute(o, name) } catch let e as LangError { throw e.located(location) }
    }
}

final class SubscriptNode: ExprNode {
    let object: ExprNode, index: ExprNode
    init(_ object: ExprNode, _ index: ExprNode, _ location: SourceLocation) {
        self.object = object
        self.index = index
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let o = try object.eval(f, rt)
        let i = try index.eval(f, rt)
        if case .list(let l) = o, case .int(var k) = i {
            if k < 0 { k += l.items.count }
            if k >= 0 && k < l.items.count { return l.items[k] }
        }
        do { return try rt.getItem(o, i) } catch let e as LangError { throw e.located(location) }
    }
}

final class SliceNode: ExprNode {
    let start: ExprNode?, stop: ExprNode?, step: ExprNode?
    init(_ start: ExprNode?, _ stop: ExprNode?, _ step: ExprNode?, _ location: SourceLocation) {
        self.start = start
        self.stop = stop
        self.step = step
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        .object(SliceObject(start: try start?.eval(f, rt) ?? Value.none, stop: try stop?.eval(f, rt) ?? Value.none,
                            step: try step?.eval(f, rt) ?? Value.none))
    }
}

/// Items of a list or tuple display; `*xs` items are spliced.
func evalItems(_ items: [ExprNode], _ starred: [Bool], _ f: Frame, _ rt: Interpreter) throws -> [Value] {
    var out: [Value] = []
    out.reserveCapacity(items.count)
    for (i, item) in items.enumerated() {
        if starred[i] {
            let v = try item.eval(f, rt)
            do { out.append(contentsOf: try rt.iterateToArray(v)) } catch let e as LangError { throw e.located(item.location) }
        } else {
            out.append(try item.eval(f, rt))
        }
    }
    return out
}

final class ListDisplayNode: ExprNode {
    let items: [ExprNode]
    let starred: [Bool]
    init(_ items: [ExprNode], starred: [Bool], _ location: SourceLocation) {
        self.items = items
        self.starred = starred
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        .list(ListObject(try evalItems(items, starred, f, rt)))
    }
}

final class TupleDisplayNode: ExprNode {
    let items: [ExprNode]
    let starred: [Bool]
    init(_ items: [ExprNode], starred: [Bool], _ location: SourceLocation) {
        self.items = items
        self.starred = starred
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        .tuple(try evalItems(items, starred, f, rt))
    }
}

final class DictDisplayNode: ExprNode {
    let entries: [(ExprNode, ExprNode)]
    init(_ entries: [(ExprNode, ExprNode)], _ location: SourceLocation) {
        self.entries = entries
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let d = DictObject()
        for (k, v) in entries {
            let key = try k.eval(f, rt)
            let value = try v.eval(f, rt)
            do { try d.set(key, value) } catch let e as LangError { throw e.located(k.location) }
        }
        return .dict(d)
    }
}

final class FStringNode: ExprNode {
    enum Piece {
        case literal(String)
        case field(ExprNode, conversion: Character?, spec: FStringNode?)
    }
    let pieces: [Piece]
    init(_ pieces: [Piece], _ location: SourceLocation) {
        self.pieces = pieces
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .field(let expr, let conversion, let specNode):
                var v = try expr.eval(f, rt)
                do {
                    if conversion == "r" || conversion == "a" { v = .str(try rt.repr(v)) }
                    if conversion == "s" { v = .str(try rt.str(v)) }
                    var spec = ""
                    if let specNode = specNode, case .str(let s) = try specNode.eval(f, rt) { spec = s }
                    out += try rt.format(v, spec: spec)
                } catch let e as LangError { throw e.located(expr.location) }
            }
        }
        return .str(out)
    }
}

/// `lambda params: body` — creates a function closing over the current frame.
final class LambdaNode: ExprNode {
    let code: FunctionCode
    let defaults: [ExprNode?]
    init(_ code: FunctionCode, defaults: [ExprNode?], _ location: SourceLocation) {
        self.code = code
        self.defaults = defaults
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let values = try defaults.map { try $0?.eval(f, rt) }
        return .function(FunctionObject(code: code, defaults: values, closure: f === rt.moduleFrame ? nil : f))
    }
}

/// `super()` inside a method: finds the defining class and `self` from the frames.
final class SuperNode: ExprNode {
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        var frame: Frame? = f
        while let current = frame {
            if let fn = current.function, let cls = fn.definingClass {
                guard current.count > 0 else { break }
                return .object(SuperProxy(start: cls.base, receiver: current.slots[0]))
            }
            frame = current.parent
        }
        throw LangError("super(): no arguments outside a method", at: location)
    }
}

/// A list (or dict) comprehension, run in its own frame as in Python 3.
final class ComprehensionNode: ExprNode {
    struct Clause {
        let target: TargetNode
        let iterable: ExprNode
        let conditions: [ExprNode]
    }
    let clauses: [Clause]
    let element: ExprNode
    /// For dict comprehensions: the key (element is then the value).
    let key: ExprNode?
    let slotCount: Int
    init(clauses: [Clause], element: ExprNode, key: ExprNode?, slotCount: Int, _ location: SourceLocation) {
        self.clauses = clauses
        self.element = element
        self.key = key
        self.slotCount = slotCount
        super.init(location)
    }
    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let frame = Frame.make(count: slotCount, parent: f)
        if key == nil && clauses.count == 1 { return try runSingleClauseList(frame, rt) }
        if key != nil {
            let d = DictObject()
            try run(0, frame, rt) { k, v in try d.set(k, v) }
            return .dict(d)
        }
        var out: [Value] = []
        try run(0, frame, rt) { _, v in out.append(v) }
        return .list(ListObject(out))
    }

    /// `[element for target in iterable if conditions]`, the common form: one loop, items
    /// appended directly, a `range` counted without an iterator.
    private func runSingleClauseList(_ frame: Frame, _ rt: Interpreter) throws -> Value {
        let clause = clauses[0]
        let iterable = try clause.iterable.eval(frame.parent ?? frame, rt)
        var out: [Value] = []
        let target = ChildNode(clause.target)
        let element = ChildNode(self.element)
        let conditions = clause.conditions.map { ChildNode($0) }
        @inline(__always) func step(_ item: Value) throws {
            try rt.tick()
            try target.with { try $0.assign(item, frame, rt) }
            for condition in conditions {
                let c = try condition.with { try $0.eval(frame, rt) }
                if case .bool(let b) = c {
                    if !b { return }
                } else {
                    do { if !(try rt.truthy(c)) { return } } catch let e as LangError {
                        throw e.located(condition.with { $0.location })
                    }
                }
            }
            out.append(try element.with { try $0.eval(frame, rt) })
        }
        if case .object(let o) = iterable, let range = o as? RangeObject {
            out.reserveCapacity(conditions.isEmpty ? min(range.count, 1 << 20) : 0)
            var i = range.start
            let stop = range.stop, stride = range.step
            while stride > 0 ? i < stop : i > stop {
                try step(.int(i))
                i += stride
            }
        } else {
            let iterator: ValueIterator
            do { iterator = try rt.makeIterator(iterable) } catch let e as LangError { throw e.located(clause.iterable.location) }
            while let item = try iterator.next() { try step(item) }
        }
        return .list(ListObject(out))
    }

    private func run(_ level: Int, _ frame: Frame, _ rt: Interpreter, _ emit: (Value, Value) throws -> Void) throws {
        if level == clauses.count {
            let v = try element.eval(frame, rt)
            let k = try key?.eval(frame, rt) ?? Value.none
            do { try emit(k, v) } catch let e as LangError { throw e.located(location) }
            return
        }
        let clause = clauses[level]
        // The first iterable belongs to the enclosing scope, as in Python.
        let iterable = try clause.iterable.eval(level == 0 ? (frame.parent ?? frame) : frame, rt)
        let iterator: ValueIterator
        do { iterator = try rt.makeIterator(iterable) } catch let e as LangError { throw e.located(clause.iterable.location) }
        outer: while let item = try iterator.next() {
            try rt.tick()
            try clause.target.assign(item, frame, rt)
            for condition in clause.conditions {
                let c = try condition.eval(frame, rt)
                do { if !(try rt.truthy(c)) { continue outer } } catch let e as LangError { throw e.located(condition.location) }
            }
            try run(level + 1, frame, rt, emit)
        }
    }
}
