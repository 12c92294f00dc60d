/// An argument expression at a call site.
enum ArgumentNode {
    case positional(ExprNode)
    case keyword(String, ExprNode)
    case star(ExprNode)
    case doubleStar(ExprNode)
}

/// Evaluates call-site arguments into positional values and keyword pairs.
func evalArguments(_ arguments: [ArgumentNode], _ f: Frame, _ rt: Interpreter) throws -> ([Value], [(String, Value)]) {
    var positional: [Value] = []
    var keywords: [(String, Value)] = []
    positional.reserveCapacity(arguments.count)
    for argument in arguments {
        switch argument {
        case .positional(let e): positional.append(try e.eval(f, rt))
        case .keyword(let name, let e):
            if keywords.contains(where: { $0.0 == name }) {
                throw LangError("keyword argument repeated: \(name)", at: e.location)
            }
            keywords.append((name, try e.eval(f, rt)))
        case .star(let e):
            let v = try e.eval(f, rt)
            do { positional.append(contentsOf: try rt.iterateToArray(v)) } catch let err as LangError {
                throw LangError("argument after * must be an iterable, not \(v.typeName)", at: err.location ?? e.location)
            }
        case .doubleStar(let e):
            let v = try e.eval(f, rt)
            guard case .dict(let d) = v else {
                throw LangError("argument after ** must be a mapping, not \(v.typeName)", at: e.location)
            }
            for (k, value) in zip(d.keys, d.values) {
                guard case .str(let name) = k else { throw LangError("keywords must be strings", at: e.location) }
                keywords.append((name, value))
            }
        }
    }
    return (positional, keywords)
}

final class CallNode: ExprNode {
    let callee: ExprNode
    let arguments: [ArgumentNode]
    /// The arguments when they are all plain positional expressions (fast path).
    let simpleArguments: [ExprNode]?
    init(_ callee: ExprNode, _ arguments: [ArgumentNode], _ location: SourceLocation) {
        self.callee = callee
        self.arguments = arguments
        var simple: [ExprNode] = []
        for a in arguments {
            if case .positional(let e) = a { simple.append(e) }
        }
        simpleArguments = simple.count == arguments.count ? simple : nil
        simpleCount = simple.count == arguments.count ? simple.count : -1
        argument0 = simple.count == arguments.count && simple.count > 0 ? ChildNode(simple[0]) : nil
        argument1 = simple.count == arguments.count && simple.count > 1 ? ChildNode(simple[1]) : nil
        fastCallee = ChildNode(callee)
        calleeGlobalSlot = (callee as? GlobalNode)?.slot ?? -1
        binaryArgument0 = simple.count == arguments.count && simple.count == 1
            ? (simple[0] as? BinaryNode).map { Unmanaged.passUnretained($0) } : nil
        super.init(location)
    }
    /// Number of plain positional arguments, or -1 when there are keywords or stars.
    let simpleCount: Int
    let argument0: ChildNode<ExprNode>?
    let argument1: ChildNode<ExprNode>?
    let fastCallee: ChildNode<ExprNode>

    /// The only argument when it is a binary operation (`fib(n - 1)`), unretained (`arguments` owns it).
    private let binaryArgument0: Unmanaged<BinaryNode>?
    /// The callee's global slot when the callee is a global name, else -1.
    private let calleeGlobalSlot: Int
    // The user function this node last called through its global name, remembered by
    // identity without a strong reference: the interpreter pins it (see `Interpreter.pin`)
    // and the memory is valid while `cachedGeneration` is the interpreter's pin generation.
    private var cachedIdentity: ObjectIdentifier?
    private var cachedFunction: Unmanaged<FunctionObject>?
    private var cachedGeneration = 0

    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        // `fib(n - 1)`: the global still holds the function called last time, so call it
        // without copying the value out of the slot (no retain/release per call). A rebinding
        // of the name is seen: the identity check fails and the slow path runs.
        if cachedGeneration == rt.pinGeneration, let cached = cachedFunction,
           Self.slot(rt.globals.values + calleeGlobalSlot, holds: cachedIdentity) {
            return try cached._withUnsafeGuaranteedRef { try callSimple($0, f, rt) }
        }
        let c = try fastCallee.with { try $0.eval(f, rt) }
        if simpleCount >= 0, case .function(let fn) = c, fn.simpleArity == simpleCount {
            if calleeGlobalSlot >= 0, rt.pin(fn) {
                cachedIdentity = ObjectIdentifier(fn)
                cachedFunction = Unmanaged.passUnretained(fn)
                cachedGeneration = rt.pinGeneration
            }
            return try callSimple(fn, f, rt)
        }
        let (positional, keywords) = try evalArguments(arguments, f, rt)
        do { return try rt.call(c, positional, keywords) } catch let e as LangError { throw e.calledFrom(callee.location, call: location) }
    }

    /// Whether the global slot holds the function with this identity (read in place).
    @inline(__always)
    private static func slot(_ slot: UnsafeMutablePointer<Value>, holds identity: ObjectIdentifier?) -> Bool {
        if case .function(let fn) = slot.pointee { return ObjectIdentifier(fn) == identity }
        return false
    }

    /// Calls a function whose parameters are `simpleCount` plain positionals.
    @inline(__always)
    private func callSimple(_ fn: FunctionObject, _ f: Frame, _ rt: Interpreter) throws -> Value {
        // Evaluate the arguments straight into the callee's slots. A frame from `takeFrame`
        // holds `.undefined` (nothing to release) in every slot, so slots are initialized.
        do {
            return try fn.withFrame { frame in
                let slots = frame.slots
                switch simpleCount {
                case 0: break
                case 1:
                    if let binary = binaryArgument0, let v = binary._withUnsafeGuaranteedRef({ $0.peekIntResult(f, rt) }) {
                        slots.initialize(to: v)
                    } else {
                        slots.initialize(to: try argument0!.with { try $0.eval(f, rt) })
                    }
                case 2:
                    (slots + 0).initialize(to: try argument0!.with { try $0.eval(f, rt) })
                    (slots + 1).initialize(to: try argument1!.with { try $0.eval(f, rt) })
                default:
                    for (i, a) in simpleArguments!.enumerated() { (slots + i).initialize(to: try a.eval(f, rt)) }
                }
                do { return try rt.run(fn, in: frame) } catch let e as LangError { throw e.calledFrom(callee.location, call: location) }
            }
        } catch let e as LangError { throw e.located(location) }
    }
}

/// `receiver.name(args)`: calls a method without allocating a bound-method object.
final class MethodCallNode: ExprNode {
    let receiver: ExprNode
    let name: String
    let arguments: [ArgumentNode]
    let simpleArguments: [ExprNode]?
    private let fastReceiver: ChildNode<ExprNode>
    private let argumentReferences: [ChildNode<ExprNode>]
    /// Number of plain positional arguments, or -10 when there are keywords or stars (never
    /// matches a function's `simpleArity`, which is -1 for non-simple functions).
    private let simpleCount: Int
    private let argument0: ChildNode<ExprNode>?
    private let argument1: ChildNode<ExprNode>?

    // Inline cache of the last method found on an instance: valid while the instance has
    // the cached layout (which says it has no attribute of that name, and fixes its class)
    // and no class on the chain changed.
    private var cachedShape: ObjectIdentifier?
    private var cachedShapeOwner: InstanceShape?
    private var cachedVersion = 0
    /// The method, unretained: the interpreter pins it (see `Interpreter.pin`), so it stays
    /// valid while `cachedGeneration` is the interpreter's pin generation, also when the
    /// class is changed during the call.
    private var cachedMethod: Unmanaged<FunctionObject>?
    private var cachedGeneration = 0

    init(_ receiver: ExprNode, _ name: String, _ arguments: [ArgumentNode], _ location: SourceLocation) {
        self.receiver = receiver
        self.name = name
        self.arguments = arguments
        var simple: [ExprNode] = []
        for a in arguments {
            if case .positional(let e) = a { simple.append(e) }
        }
        simpleArguments = simple.count == arguments.count ? simple : nil
        fastReceiver = ChildNode(receiver)
        argumentReferences = simple.count == arguments.count ? simple.map { ChildNode($0) } : []
        simpleCount = simple.count == arguments.count ? simple.count : -10
        argument0 = simple.count == arguments.count && simple.count > 0 ? ChildNode(simple[0]) : nil
        argument1 = simple.count == arguments.count && simple.count > 1 ? ChildNode(simple[1]) : nil
        super.init(location)
    }

    override func eval(_ f: Frame, _ rt: Interpreter) throws -> Value {
        let o = try fastReceiver.with { try $0.eval(f, rt) }
        if let method = cachedMethod(for: o, rt) { return try callMethod(method, consume o, f, rt) }
        if case .instance(let inst) = o {
            if inst.attribute(name) == nil, let method = inst.cls.lookup(name), case .function(let fn) = method {
                if rt.pin(fn) {
                    cachedShapeOwner = inst.shape
                    cachedShape = inst.shapeID
                    cachedVersion = inst.cls.chainVersion
                    cachedMethod = Unmanaged.passUnretained(fn)
                    cachedGeneration = rt.pinGeneration
                }
                return try callMethod(Unmanaged.passUnretained(fn), o, f, rt)
            }
        }
        if let builtin = rt.library.builtinMethod(of: o, name) {
            let (positional, keywords) = try evalArguments(arguments, f, rt)
            do { return try builtin.invoke(positional, keywords, receiver: o, rt) } catch let e as LangError {
                throw e.calledFrom(self.receiver.location, call: location)
            }
        }
        let callee: Value
        do { callee = try rt.getAttribute(o, name) } catch let e as LangError { throw e.located(location) }
        let (positional, keywords) = try evalArguments(arguments, f, rt)
        do { return try rt.call(callee, positional, keywords) } catch let e as LangError { throw e.calledFrom(self.receiver.location, call: location) }
    }

    /// The cached method when `receiver` is an instance of the cached layout and no class
    /// on its chain changed.
    @inline(__always)
    private func cachedMethod(for receiver: Value, _ rt: Interpreter) -> Unmanaged<FunctionObject>? {
        guard case .instance(let inst) = receiver, inst.shapeID == cachedShape, cachedGeneration == rt.pinGeneration,
              let method = cachedMethod,
              inst.classReference._withUnsafeGuaranteedRef({ $0.chainVersion }) == cachedVersion
        else { return nil }
        return method
    }

    /// Calls a method with its receiver. `method` is passed unmanaged and the receiver is
    /// moved into the frame before any closure runs, so the hot path copies neither.
    @inline(__always)
    private func callMethod(_ method: Unmanaged<FunctionObject>, _ receiver: consuming Value, _ f: Frame,
                            _ rt: Interpreter) throws -> Value {
        if simpleCount + 1 == method._withUnsafeGuaranteedRef({ $0.simpleArity }) {
            let frame = method._withUnsafeGuaranteedRef { $0.takeFrame() }
            defer { method._withUnsafeGuaranteedRef { $0.recycle(frame) } }
            frame._withUnsafeGuaranteedRef { $0.slots }.initialize(to: consume receiver)
            do {
                return try method._withUnsafeGuaranteedRef { fn in
                    try frame._withUnsafeGuaranteedRef { frame in
                        let slots = frame.slots
                        switch simpleCount {
                        case 0: break
                        case 1: (slots + 1).initialize(to: try argument0!.with { try $0.eval(f, rt) })
                        case 2:
                            (slots + 1).initialize(to: try argument0!.with { try $0.eval(f, rt) })
                            (slots + 2).initialize(to: try argument1!.with { try $0.eval(f, rt) })
                        default:
                            for i in 0..<argumentReferences.count {
                                (slots + i + 1).initialize(to: try argumentReferences[i].with { try $0.eval(f, rt) })
                            }
                        }
                        do { return try rt.run(fn, in: frame) } catch let e as LangError {
                            throw e.calledFrom(self.receiver.location, call: location)
                        }
                    }
                }
            } catch let e as LangError { throw e.located(location) }
        }
        let fn = method.takeUnretainedValue()
        let (positional, keywords) = try evalArguments(arguments, f, rt)
        do { return try rt.callFunction(fn, [receiver] + positional, keywords) } catch let e as LangError {
            throw e.calledFrom(self.receiver.location, call: location)
        }
    }
}
