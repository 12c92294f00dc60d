/// How a statement finished: normally, or by `break`, `continue` or `return`
/// (the returned value is left in the frame).
enum Flow { case normal, breakLoop, continueLoop, returned }

class StmtNode {
    let location: SourceLocation
    init(_ location: SourceLocation) { self.location = location }
    func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow { .normal }
}

@inline(__always)
func execBlock(_ body: [StmtNode], _ f: Frame, _ rt: Interpreter) throws -> Flow {
    for statement in body {
        let flow = try statement.exec(f, rt)
        if flow != .normal { return flow }
    }
    return .normal
}

// MARK: Assignment targets

class TargetNode {
    let location: SourceLocation
    init(_ location: SourceLocation) { self.location = location }
    func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws {}
    func delete(_ f: Frame, _ rt: Interpreter) throws {}
}

final class LocalTarget: TargetNode {
    let slot: Int
    let name: String
    init(slot: Int, name: String, _ location: SourceLocation) {
        self.slot = slot
        self.name = name
        super.init(location)
    }
    override func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws { f.slots[slot] = value }
    override func delete(_ f: Frame, _ rt: Interpreter) throws {
        if case .undefined = f.slots[slot] { throw LangError("name '\(name)' is not defined", at: location) }
        f.slots[slot] = .undefined
    }
}

final class GlobalTarget: TargetNode {
    let slot: Int
    let name: String
    init(slot: Int, name: String, _ location: SourceLocation) {
        self.slot = slot
        self.name = name
        super.init(location)
    }
    override func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws { rt.globals.set(slot, value) }
    override func delete(_ f: Frame, _ rt: Interpreter) throws {
        if case .undefined = rt.globals.values[slot] { throw LangError("name '\(name)' is not defined", at: location) }
        rt.globals.set(slot, .undefined)
    }
}

final class AttributeTarget: TargetNode {
    let object: ExprNode
    let name: String
    private let fastObject: ChildNode<ExprNode>
    /// `training` on a module is a flag, not an attribute: never cached.
    private let isTrainingFlag: Bool
    /// Inline cache: where the attribute sits in instances of the last layout seen.
    private var cachedShape: ObjectIdentifier?
    private var cachedShapeOwner: InstanceShape?
    private var cachedIndex = 0
    init(_ object: ExprNode, _ name: String, _ location: SourceLocation) {
        self.object = object
        self.name = name
        self.fastObject = ChildNode(object)
        self.isTrainingFlag = name == "training"
        self.peekObject = PeekableOperand(object)
        super.init(location)
    }
    private let peekObject: PeekableOperand
    override func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws {
        // `self.x = …` with a cached layout: read the local slot in place.
        if case .local(let slot) = peekObject, case .instance(let inst) = f.slots[slot], inst.shapeID == cachedShape {
            inst.setValue(value, at: cachedIndex)
            return
        }
        let o = try fastObject.with { try $0.eval(f, rt) }
        if case .instance(let inst) = o, !isTrainingFlag {
            if inst.shapeID == cachedShape {
                inst.setValue(value, at: cachedIndex)
                return
            }
            inst.setAttribute(name, value)
            if let i = inst.shape.index(of: name) {
                cachedShapeOwner = inst.shape
                cachedShape = inst.shapeID
                cachedIndex = i
            }
            return
        }
        do { try rt.setAttribute(o, name, value) } catch let e as LangError { throw e.located(location) }
    }
    override func delete(_ f: Frame, _ rt: Interpreter) throws {
        let o = try object.eval(f, rt)
        guard case .instance(let inst) = o, inst.removeAttribute(name) else {
            throw LangError("'\(o.typeName)' object has no attribute '\(name)'", at: location)
        }
    }
}

final class SubscriptTarget: TargetNode {
    let object: ExprNode, index: ExprNode
    init(_ object: ExprNode, _ index: ExprNode, _ location: SourceLocation) {
        self.object = object
        self.index = index
        super.init(location)
    }
    override func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws {
        let o = try object.eval(f, rt)
        let i = try index.eval(f, rt)
        do { try rt.setItem(o, i, value) } catch let e as LangError { throw e.located(location) }
    }
    override func delete(_ f: Frame, _ rt: Interpreter) throws {
        let o = try object.eval(f, rt)
        let i = try index.eval(f, rt)
        do { try rt.deleteItem(o, i) } catch let e as LangError { throw e.located(location) }
    }
}

/// `a, b = …` and `a, *rest = …`.
final class UnpackTarget: TargetNode {
    let targets: [TargetNode]
    let starIndex: Int?
    init(_ targets: [TargetNode], starIndex: Int?, _ location: SourceLocation) {
        self.targets = targets
        self.starIndex = starIndex
        super.init(location)
    }
    override func assign(_ value: Value, _ f: Frame, _ rt: Interpreter) throws {
        let items: [Value]
        switch value {
        case .tuple(let t): items = t
        case .list(let l): items = l.items
        default:
            do { items = try rt.iterateToArray(value) } catch {
                throw LangError("cannot unpack non-iterable \(value.typeName) object", at: location)
            }
        }
        if let star = starIndex {
            let after = targets.count - star - 1
            guard items.count >= targets.count - 1 else {
                throw LangError("not enough values to unpack (expected at least \(targets.count - 1), got \(items.count))", at: location)
            }
            for i in 0..<star { try targets[i].assign(items[i], f, rt) }
            try targets[star].assign(.list(ListObject(Array(items[star..<(items.count - after)]))), f, rt)
            for i in 0..<after { try targets[star + 1 + i].assign(items[items.count - after + i], f, rt) }
            return
        }
        if items.count != targets.count {
            if items.count > targets.count {
                throw LangError("too many values to unpack (expected \(targets.count))", at: location)
            }
            throw LangError("not enough values to unpack (expected \(targets.count), got \(items.count))", at: location)
        }
        for i in 0..<items.count { try targets[i].assign(items[i], f, rt) }
    }
}

// MARK: Statements

final class ExpressionStmt: StmtNode {
    let expression: ExprNode
    init(_ expression: ExprNode, _ location: SourceLocation) {
        self.expression = expression
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        _ = try expression.eval(f, rt)
        return .normal
    }
}

/// The last expression statement of a cell: its value is displayed unless None.
final class DisplayStmt: StmtNode {
    let expression: ExprNode
    init(_ expression: ExprNode, _ location: SourceLocation) {
        self.expression = expression
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let v = try expression.eval(f, rt)
        if !v.isNone {
            do { try rt.emit(.text(try rt.repr(v) + "\n")) } catch let e as LangError { throw e.located(location) }
        }
        return .normal
    }
}

final class LocalAssignStmt: StmtNode {
    let slot: Int
    let value: ExprNode
    init(slot: Int, _ value: ExprNode, _ location: SourceLocation) {
        self.slot = slot
        self.value = value
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        f.slots[slot] = try value.eval(f, rt)
        return .normal
    }
}

final class GlobalAssignStmt: StmtNode {
    let slot: Int
    let value: ExprNode
    init(slot: Int, _ value: ExprNode, _ location: SourceLocation) {
        self.slot = slot
        self.value = value
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        rt.globals.set(slot, try value.eval(f, rt))
        return .normal
    }
}

final class AssignStmt: StmtNode {
    let targets: [TargetNode]
    let value: ExprNode
    private let singleTarget: ChildNode<TargetNode>
    init(_ targets: [TargetNode], _ value: ExprNode, _ location: SourceLocation) {
        self.targets = targets
        self.singleTarget = ChildNode(targets[0])
        self.value = value
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let v = try value.eval(f, rt)
        if targets.count == 1 {
            try singleTarget.with { try $0.assign(v, f, rt) }
            return .normal
        }
        for target in targets { try target.assign(v, f, rt) }
        return .normal
    }
}

/// `x op= value`. The target's object and index are evaluated once.
final class AugmentedAssignStmt: StmtNode {
    enum Kind {
        case name(read: ExprNode, write: TargetNode)
        case attribute(ExprNode, String)
        case item(ExprNode, ExprNode)
    }
    let kind: Kind
    let op: BinaryOp
    let value: ExprNode
    init(_ kind: Kind, _ op: BinaryOp, _ value: ExprNode, _ location: SourceLocation) {
        self.kind = kind
        self.op = op
        self.value = value
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        switch kind {
        case .name(let read, let write):
            let old = try read.eval(f, rt)
            let v = try value.eval(f, rt)
            let new: Value
            if case .int(let a) = old, case .int(let b) = v, op == .add, case (let s, false) = a.addingReportingOverflow(b) {
                new = .int(s)
            } else {
                do { new = try rt.inPlaceBinary(op, old, v) } catch let e as LangError { throw e.located(location) }
            }
            try write.assign(new, f, rt)
        case .attribute(let objectNode, let name):
            let o = try objectNode.eval(f, rt)
            do {
                let old = try rt.getAttribute(o, name)
                let v = try value.eval(f, rt)
                try rt.setAttribute(o, name, try rt.inPlaceBinary(op, old, v))
            } catch let e as LangError { throw e.located(location) }
        case .item(let objectNode, let indexNode):
            let o = try objectNode.eval(f, rt)
            let i = try indexNode.eval(f, rt)
            do {
                let old = try rt.getItem(o, i)
                let v = try value.eval(f, rt)
                try rt.setItem(o, i, try rt.inPlaceBinary(op, old, v))
            } catch let e as LangError { throw e.located(location) }
        }
        return .normal
    }
}

/// `if c: … [else: …]` — the common one-branch form, without iterating branch tuples.
final class SimpleIfStmt: StmtNode {
    private let ownedCondition: ExprNode
    let condition: ChildNode<ExprNode>
    let body: [StmtNode]
    let single: ChildNode<StmtNode>?
    let elseBody: [StmtNode]?
    let elseSingle: ChildNode<StmtNode>?
    init(_ condition: ExprNode, _ body: [StmtNode], elseBody: [StmtNode]?, _ location: SourceLocation) {
        self.ownedCondition = condition
        self.condition = ChildNode(condition)
        self.body = body
        self.single = body.count == 1 ? ChildNode(body[0]) : nil
        self.elseBody = elseBody
        self.elseSingle = elseBody?.count == 1 ? elseBody.map { ChildNode($0[0]) } : nil
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        if try condition.with({ try $0.evalCondition(f, rt) }) {
            if let s = single { return try s.with { try $0.exec(f, rt) } }
            return try execBlock(body, f, rt)
        }
        if let s = elseSingle { return try s.with { try $0.exec(f, rt) } }
        if let elseBody = elseBody { return try execBlock(elseBody, f, rt) }
        return .normal
    }
}

final class IfStmt: StmtNode {
    let branches: [(ExprNode, [StmtNode])]
    let elseBody: [StmtNode]?
    init(_ branches: [(ExprNode, [StmtNode])], elseBody: [StmtNode]?, _ location: SourceLocation) {
        self.branches = branches
        self.elseBody = elseBody
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        for (condition, body) in branches {
            let c = try condition.eval(f, rt)
            let truth: Bool
            if case .bool(let b) = c { truth = b } else {
                do { truth = try rt.truthy(c) } catch let e as LangError { throw e.located(condition.location) }
            }
            if truth { return try execBlock(body, f, rt) }
        }
        if let elseBody = elseBody { return try execBlock(elseBody, f, rt) }
        return .normal
    }
}

final class WhileStmt: StmtNode {
    let condition: ExprNode
    let body: [StmtNode]
    let single: ChildNode<StmtNode>?
    let elseBody: [StmtNode]?
    init(_ condition: ExprNode, _ body: [StmtNode], elseBody: [StmtNode]?, _ location: SourceLocation) {
        self.condition = condition
        self.body = body
        self.single = body.count == 1 ? ChildNode(body[0]) : nil
        self.elseBody = elseBody
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        while true {
            try rt.tick()
            if !(try condition.evalCondition(f, rt)) { break }
            let flow = try single.map { s in try s.with { try $0.exec(f, rt) } } ?? execBlock(body, f, rt)
            if flow == .breakLoop { return .normal }
            if flow == .returned { return flow }
        }
        if let elseBody = elseBody { return try execBlock(elseBody, f, rt) }
        return .normal
    }
}

final class ForStmt: StmtNode {
    let target: TargetNode
    let iterable: ExprNode
    let body: [StmtNode]
    let single: ChildNode<StmtNode>?
    let elseBody: [StmtNode]?
    init(_ target: TargetNode, _ iterable: ExprNode, _ body: [StmtNode], elseBody: [StmtNode]?, _ location: SourceLocation) {
        self.target = target
        self.iterable = iterable
        self.body = body
        self.single = body.count == 1 ? ChildNode(body[0]) : nil
        self.elseBody = elseBody
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let source = try iterable.eval(f, rt)
        if case .object(let o) = source, let range = o as? RangeObject {
            // Fast path: count without an iterator object.
            var i = range.start
            let stop = range.stop, step = range.step
            while step > 0 ? i < stop : i > stop {
                try rt.tick()
                try target.assign(.int(i), f, rt)
                let flow = try single.map { s in try s.with { try $0.exec(f, rt) } } ?? execBlock(body, f, rt)
                if flow == .breakLoop { return .normal }
                if flow == .returned { return flow }
                i += step
            }
        } else {
            let iterator: ValueIterator
            do { iterator = try rt.makeIterator(source) } catch let e as LangError { throw e.located(iterable.location) }
            while let item = try iterator.next() {
                try rt.tick()
                try target.assign(item, f, rt)
                let flow = try single.map { s in try s.with { try $0.exec(f, rt) } } ?? execBlock(body, f, rt)
                if flow == .breakLoop { return .normal }
                if flow == .returned { return flow }
            }
        }
        if let elseBody = elseBody { return try execBlock(elseBody, f, rt) }
        return .normal
    }
}

final class ReturnStmt: StmtNode {
    private let ownedValue: ExprNode?
    private let value: ChildNode<ExprNode>?
    init(_ value: ExprNode?, _ location: SourceLocation) {
        self.ownedValue = value
        self.value = value.map { ChildNode($0) }
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        if let value = value { f.setReturnValue(try value.with { try $0.eval(f, rt) }) }
        return .returned
    }
}

final class BreakStmt: StmtNode {
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow { .breakLoop }
}

final class ContinueStmt: StmtNode {
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow { .continueLoop }
}

final class PassStmt: StmtNode {}

/// `def name(…):` — evaluates the defaults and binds a new function object.
final class FunctionDefStmt: StmtNode {
    let code: FunctionCode
    let defaults: [ExprNode?]
    let target: TargetNode
    /// True when defined directly in a class body: methods close over the class's
    /// enclosing frame, not the class body (Python's scoping).
    let inClassBody: Bool
    init(_ code: FunctionCode, defaults: [ExprNode?], target: TargetNode, inClassBody: Bool, _ location: SourceLocation) {
        self.code = code
        self.defaults = defaults
        self.target = target
        self.inClassBody = inClassBody
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let values = try defaults.map { try $0?.eval(f, rt) }
        // Functions defined at cell level read globals by slot: they need no closure frame.
        let enclosing = inClassBody ? f.parent : f
        let fn = FunctionObject(code: code, defaults: values, closure: enclosing === rt.moduleFrame ? nil : enclosing)
        try target.assign(.function(fn), f, rt)
        return .normal
    }
}

/// `class Name(Base):` — runs the body in its own frame and turns its slots into
/// class attributes.
final class ClassDefStmt: StmtNode {
    let name: String
    let base: ExprNode?
    let body: [StmtNode]
    let slotNames: [String]
    let target: TargetNode
    init(name: String, base: ExprNode?, body: [StmtNode], slotNames: [String], target: TargetNode, _ location: SourceLocation) {
        self.name = name
        self.base = base
        self.body = body
        self.slotNames = slotNames
        self.target = target
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        var baseClass: ClassObject?
        if let baseNode = base {
            let b = try baseNode.eval(f, rt)
            guard case .classObject(let c) = b else {
                if case .object(let o) = b, let adapter = o as? ClassLike {
                    baseClass = adapter.classObject
                    return try finish(baseClass, f, rt)
                }
                throw LangError("a class can only derive from a class (Module or a user class), not '\(b.typeName)'", at: baseNode.location)
            }
            baseClass = c
        }
        return try finish(baseClass, f, rt)
    }

    private func finish(_ baseClass: ClassObject?, _ f: Frame, _ rt: Interpreter) throws -> Flow {
        let cls = ClassObject(name: name, base: baseClass)
        let frame = Frame.make(count: slotNames.count, parent: f)
        _ = try execBlock(body, frame, rt)
        for (i, slotName) in slotNames.enumerated() {
            let v = frame.slots[i]
            if case .undefined = v { continue }
            if case .function(let fn) = v {
                fn.definingClass = cls
                fn.code.qualifiedName = "\(name).\(fn.code.name)"
            }
            cls.attributes[slotName] = v
        }
        try target.assign(.classObject(cls), f, rt)
        return .normal
    }
}

/// Library objects that can serve as a base class (e.g. `nn.Module`).
protocol ClassLike: AnyObject {
    var classObject: ClassObject { get }
}

/// `with manager [as name]:` — context managers are library objects (`no_grad()`)
/// or instances with `__enter__`/`__exit__`.
final class WithStmt: StmtNode {
    let manager: ExprNode
    let target: TargetNode?
    let body: [StmtNode]
    init(_ manager: ExprNode, target: TargetNode?, _ body: [StmtNode], _ location: SourceLocation) {
        self.manager = manager
        self.target = target
        self.body = body
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let m = try manager.eval(f, rt)
        let entered: Value
        let exit: () throws -> Void
        switch m {
        case .object(let o as ContextManager):
            entered = try o.enter(rt)
            exit = { try o.exit(rt) }
        case .instance(let inst):
            guard let enter = inst.cls.lookup("__enter__"), let exitMethod = inst.cls.lookup("__exit__") else {
                throw LangError("'\(inst.cls.name)' object does not support the context manager protocol", at: manager.location)
            }
            entered = try rt.call(enter, [m])
            exit = { _ = try rt.call(exitMethod, [m, .none, .none, .none]) }
        default:
            throw LangError("'\(m.typeName)' object does not support the context manager protocol", at: manager.location)
        }
        let flow: Flow
        do {
            try target?.assign(entered, f, rt)
            flow = try execBlock(body, f, rt)
        } catch {
            try? exit()
            throw error
        }
        try exit()
        return flow
    }
}

/// Library objects usable in `with`.
open class ContextManager: NativeObject {
    open func enter(_ interpreter: Interpreter) throws -> Value { .none }
    open func exit(_ interpreter: Interpreter) throws {}
}

final class AssertStmt: StmtNode {
    let condition: ExprNode
    let message: ExprNode?
    init(_ condition: ExprNode, _ message: ExprNode?, _ location: SourceLocation) {
        self.condition = condition
        self.message = message
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        let c = try condition.eval(f, rt)
        if try !rt.truthy(c) {
            if let m = message { throw LangError("AssertionError: " + (try rt.str(m.eval(f, rt))), at: location) }
            throw LangError("AssertionError", at: location)
        }
        return .normal
    }
}

final class DeleteStmt: StmtNode {
    let targets: [TargetNode]
    init(_ targets: [TargetNode], _ location: SourceLocation) {
        self.targets = targets
        super.init(location)
    }
    override func exec(_ f: Frame, _ rt: Interpreter) throws -> Flow {
        for t in targets { try t.delete(f, rt) }
        return .normal
    }
}
