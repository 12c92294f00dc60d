/// The local variables of one function call (or class body, or comprehension), in
/// slots numbered by the resolver. `parent` is the frame the function was defined in,
/// which is how closures see their enclosing variables.
struct FrameHeader {
    let count: Int
    /// Variable only so that a reused frame (see `FunctionObject.takeFrame`) can be re-parented.
    var parent: Frame?
    var function: FunctionObject?
    var returnValue: Value
}

/// One allocation per call: the header and the slots are tail-allocated together.
final class Frame: ManagedBuffer<FrameHeader, Value> {
    static func make(count: Int, parent: Frame?) -> Frame {
        let buffer = Frame.create(minimumCapacity: max(count, 1)) { _ in
            FrameHeader(count: max(count, 1), parent: parent, function: nil, returnValue: .none)
        }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .undefined, count: max(count, 1)) }
        return frame
    }

    deinit {
        withUnsafeMutablePointers { header, elements in
            _ = elements.deinitialize(count: header.pointee.count)
        }
    }

    @inline(__always) var slots: UnsafeMutablePointer<Value> { withUnsafeMutablePointerToElements { $0 } }
    @inline(__always) var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }
    @inline(__always) var parent: Frame? {
        get { withUnsafeMutablePointerToHeader { $0.pointee.parent } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.parent = newValue } }
    }
    /// The function running in this frame (for `super()`).
    var function: FunctionObject? {
        get { withUnsafeMutablePointerToHeader { $0.pointee.function } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.function = newValue } }
    }
    /// Moves the return value out (leaving None), without reference counting.
    @inline(__always) func takeReturnValue() -> Value {
        withUnsafeMutablePointerToHeader { header in
            var value = Value.none
            swap(&value, &header.pointee.returnValue)
            return value
        }
    }
    /// Sets the return value, which is always None (nothing to release) before a `return`
    /// runs: a fresh frame starts with None and `takeReturnValue` leaves None behind.
    @inline(__always) func setReturnValue(_ value: __owned Value) {
        withUnsafeMutablePointerToHeader { header in
            withUnsafeMutablePointer(to: &header.pointee.returnValue) { $0.initialize(to: value) }
        }
    }
    @inline(__always) var returnValue: Value {
        get { withUnsafeMutablePointerToHeader { $0.pointee.returnValue } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.returnValue = newValue } }
    }

    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var frame = self
        for _ in 0..<depth { frame = frame.parent! }  // depth comes from the resolver, which counted frames
        return frame
    }
}

/// The global scope shared by all cells of a notebook: one slot per name, so that a
/// global access is an array index, not a dictionary lookup.
final class Globals {
    /// Global slots live in one fixed allocation so that an access is a pointer index
    /// (no copy-on-write or exclusivity checks in loops).
    static let capacity = 1 << 16
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    let values: UnsafeMutablePointer<Value>

    init() {
        values = UnsafeMutablePointer<Value>.allocate(capacity: Globals.capacity)
    }

    deinit {
        // The session may be released on a thread with a small stack: a chain of tuples
        // (`t = (t,)` in a loop) 100,000 deep crashed there; DeepRelease takes it apart
        // iteratively.
        var remaining = (0..<names.count).map { (values + $0).move() }
        values.deallocate()
        DeepRelease.release(&remaining)
    }

    /// The slot of a global name, created on first use. Beyond `capacity` names, the
    /// last slot is shared (a program with 65,536 distinct global names is not a notebook).
    func slot(for name: String) -> Int {
        if let i = indexByName[name] { return i }
        guard names.count < Globals.capacity else { return Globals.capacity - 1 }
        let i = names.count
        names.append(name)
        indexByName[name] = i
        (values + i).initialize(to: .undefined)
        return i
    }

    func lookup(_ name: String) -> Value? {
        guard let i = indexByName[name] else { return nil }
        if case .undefined = values[i] { return nil }
        return values[i]
    }

    func define(_ name: String, _ value: Value) {
        set(slot(for: name), value)
    }

    /// Stores a global. A tuple the store drops is released by `DeepRelease`: a chain of
    /// tuples (`t = (t,)` in a loop) five million deep overflowed even the cell thread's
    /// stack when `t` was rebound (lists, dicts and instances do this in their `deinit`).
    @inline(__always)
    func set(_ slot: Int, _ value: Value) {
        var old = (values + slot).move()
        (values + slot).initialize(to: value)
        if case .tuple = old { DeepRelease.release(&old) }
    }

    /// Names that currently hold a value (for "did you mean").
    var definedNames: [String] {
        names.indices.compactMap { if case .undefined = values[$0] { return nil } else { return names[$0] } }
    }

    /// Drops every value (breaks reference cycles through closures when a session ends).
    func clear() {
        for i in names.indices { set(i, .undefined) }
    }
}

/// How a parameter list accepts arguments; shared by user functions and builtins so
/// that both produce Python's argument errors.
struct Signature {
    /// Names of the named parameters in order (positional-or-keyword, then keyword-only).
    var names: [String]
    /// How many of `names` may be passed positionally.
    var positionalCount: Int
    var varPositionalName: String?
    var varKeywordName: String?

    /// Slots used when binding: named parameters, then `*args`, then `**kwargs`.
    var slotCount: Int { names.count + (varPositionalName == nil ? 0 : 1) + (varKeywordName == nil ? 0 : 1) }
    var varPositionalSlot: Int { names.count }
    var varKeywordSlot: Int { names.count + (varPositionalName == nil ? 0 : 1) }

    func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// Binds call arguments into `slots`, filling defaults; `displayName` is used in
    /// errors (`f()`, `Linear.__init__()`); `implicitSelf` is 1 for methods, so counts
    /// read as Python's (which include `self`).
    func bind(
        _ positional: [Value], _ keywords: [(String, Value)], defaults: [Value?], displayName: String,
        implicitSelf: Int = 0, into slots: UnsafeMutablePointer<Value>
    ) throws {
        let given = positional.count
        if given > positionalCount {
            if let _ = varPositionalName {
                // extra positionals go to *args below
            } else {
                let required = defaults.prefix(positionalCount).filter { $0 == nil }.count
                let takes = required == positionalCount
                    ? "\(positionalCount + implicitSelf)"
                    : "from \(required + implicitSelf) to \(positionalCount + implicitSelf)"
                let plural = positionalCount + implicitSelf == 1 && required == positionalCount ? "" : "s"
                let was = given + implicitSelf == 1 ? "was" : "were"
                throw LangError("\(displayName)() takes \(takes) positional argument\(plural) but \(given + implicitSelf) \(was) given")
            }
        }
        let direct = min(given, positionalCount)
        var assigned = [Bool](repeating: false, count: names.count)
        for i in 0..<direct {
            slots[i] = positional[i]
            assigned[i] = true
        }
        if let _ = varPositionalName {
            slots[varPositionalSlot] = .tuple(given > positionalCount ? Array(positional[positionalCount...]) : [])
        }
        var extra: DictObject?
        if varKeywordName != nil { extra = DictObject() }
        for (name, value) in keywords {
            if let i = names.firstIndex(of: name) {
                if assigned[i] { throw LangError("\(displayName)() got multiple values for argument '\(name)'") }
                slots[i] = value
                assigned[i] = true
            } else if let extra = extra {
                try extra.set(.str(name), value)
            } else {
                throw LangError(withSuggestion("\(displayName)() got an unexpected keyword argument '\(name)'",
                                               name: name, candidates: names))
            }
        }
        if let extra = extra { slots[varKeywordSlot] = .dict(extra) }
        var missingPositional: [String] = []
        var missingKeyword: [String] = []
        for i in 0..<names.count where !assigned[i] {
            if let d = defaults[i] {
                slots[i] = d
            } else if i < positionalCount {
                missingPositional.append(names[i])
            } else {
                missingKeyword.append(names[i])
            }
        }
        if !missingPositional.isEmpty {
            throw LangError("\(displayName)() missing \(missingPositional.count) required positional argument\(missingPositional.count == 1 ? "" : "s"): \(englishList(missingPositional))")
        }
        if !missingKeyword.isEmpty {
            throw LangError("\(displayName)() missing \(missingKeyword.count) required keyword-only argument\(missingKeyword.count == 1 ? "" : "s"): \(englishList(missingKeyword))")
        }
    }
}

/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` as in CPython's messages.
func englishList(_ names: [String]) -> String {
    let quoted = names.map { "'\($0)'" }
    switch quoted.count {
    case 0: return ""
    case 1: return quoted[0]
    case 2: return "\(quoted[0]) and \(quoted[1])"
    default: return quoted.dropLast().joined(separator: ", ") + ", and " + quoted.last!
    }
}

/// A compiled `def` or `lambda`: its parameters, slots and body.
final class FunctionCode {
    let name: String
    var qualifiedName: String
    let signature: Signature
    let slotCount: Int
    let body: [StmtNode]
    /// A lambda's expression (its body is `return expression`).
    let expression: ExprNode?
    /// Whether the frame must record its function (for zero-argument `super()`).
    let needsFunction: Bool
    /// The body when it is one statement (saves iterating an array per call).
    let singleStatement: ChildNode<StmtNode>?
    /// The body's statements as unmanaged references (the body array owns them).
    let bodyReferences: [ChildNode<StmtNode>]
    /// Names of the slots, for error messages.
    var slotNames: [String]
    let location: SourceLocation
    /// True when every parameter is positional without defaults — enables the fast call path.
    let isSimple: Bool
    /// True when no nested scope (def, lambda, class, comprehension) can capture a frame of
    /// this code, so a frame can be reset and reused by the next call.
    let reusesFrames: Bool
    /// The body's statements in a buffer owned by this object: the call path walks it
    /// without reference counting.
    let bodyBuffer: UnsafeMutableBufferPointer<ChildNode<StmtNode>>

    init(name: String, qualifiedName: String, signature: Signature, slotCount: Int, slotNames: [String],
         location: SourceLocation, isSimple: Bool, reusesFrames: Bool, body: [StmtNode], expression: ExprNode?,
         needsFunction: Bool) {
        self.body = body
        self.expression = expression
        self.needsFunction = needsFunction
        self.singleStatement = body.count == 1 ? ChildNode(body[0]) : nil
        self.bodyReferences = body.map { ChildNode($0) }
        self.name = name
        self.qualifiedName = qualifiedName
        self.signature = signature
        self.slotCount = slotCount
        self.slotNames = slotNames
        self.location = location
        self.isSimple = isSimple
        self.reusesFrames = reusesFrames
        bodyBuffer = .allocate(capacity: body.count)
        _ = bodyBuffer.initialize(from: body.map { ChildNode($0) })
    }

    deinit { bodyBuffer.deallocate() }
}

/// A function value: code plus the defaults (evaluated at `def` time, as in Python)
/// and the frame it closes over.
public final class FunctionObject {
    let code: FunctionCode
    let defaults: [Value?]
    let closure: Frame?
    /// The class whose body defined this function, for zero-argument `super()`. Weak: the
    /// class holds its methods, so a strong reference back would be a cycle that nothing
    /// frees (we have no cycle collector). An instance keeps its class alive, so a method
    /// running on one always finds it.
    weak var definingClass: ClassObject?
    /// The interpreter's pin generation in which this function was last pinned (see
    /// `Interpreter.pin`); 0 = never.
    var pinGeneration = 0

    // Copies of the code's hot fields, read by the call path without touching `code`.
    let slotCount: Int
    /// Number of positional parameters when the fast call path applies (`code.isSimple`), else -1.
    let simpleArity: Int
    let needsFunction: Bool
    let reusesFrames: Bool
    /// The body (see `FunctionCode.bodyBuffer`; `code` keeps it alive) and a lambda's expression.
    let body: UnsafeMutableBufferPointer<ChildNode<StmtNode>>
    let expression: ChildNode<ExprNode>?
    /// Frames of finished calls, reset and ready for reuse (only when `reusesFrames`): a small
    /// stack of retained references, so taking and giving back costs no reference counting.
    private let spareFrames: UnsafeMutablePointer<Unmanaged<Frame>>?
    @exclusivity(unchecked) private var spareCount = 0
    /// Spare frames kept at most (a recursion deeper than this allocates the rest).
    static let maxSpareFrames = 32

    init(code: FunctionCode, defaults: [Value?], closure: Frame?) {
        self.code = code
        self.defaults = defaults
        self.closure = closure
        slotCount = code.slotCount
        simpleArity = code.isSimple ? code.signature.names.count : -1
        needsFunction = code.needsFunction
        reusesFrames = code.reusesFrames
        body = code.bodyBuffer
        expression = code.expression.map { ChildNode($0) }
        spareFrames = code.reusesFrames ? .allocate(capacity: FunctionObject.maxSpareFrames) : nil
    }

    deinit {
        for i in 0..<spareCount { spareFrames![i].release() }
        spareFrames?.deallocate()
    }

    /// Runs `body` with a frame for a call — a reset spare one when available, else a new
    /// one — and gives the frame back afterwards, also when `body` throws (nothing can have
    /// captured it: see `recycle`). The frame is passed without reference counting.
    @inline(__always)
    func withFrame<R>(_ body: (Frame) throws -> R) throws -> R {
        let frame = takeFrame()
        defer { recycle(frame) }
        return try frame._withUnsafeGuaranteedRef(body)
    }

    @inline(__always)
    func takeFrame() -> Unmanaged<Frame> {
        if spareCount > 0 {
            spareCount -= 1
            let frame = spareFrames![spareCount]
            if closure != nil || needsFunction {
                frame._withUnsafeGuaranteedRef { f in
                    if let closure = closure { f.parent = closure }
                    if needsFunction { f.function = self }
                }
            }
            return frame
        }
        let frame = Frame.make(count: slotCount, parent: closure)
        if needsFunction { frame.function = self }
        return Unmanaged.passRetained(frame)
    }

    /// Gives a frame back after its call. The resolver allows reuse only for code with no
    /// nested scope, so nothing else can hold the frame. Its slots are cleared now, so that
    /// locals (tensors) are freed when the call ends, as in Python.
    @inline(__always)
    func recycle(_ frame: Unmanaged<Frame>) {
        guard reusesFrames, spareCount < FunctionObject.maxSpareFrames else {
            frame.release()
            return
        }
        frame._withUnsafeGuaranteedRef { $0.reset() }
        spareFrames![spareCount] = frame
        spareCount += 1
    }
}

extension Frame {
    /// Clears the slots and the links of a frame about to be reused (its return value was
    /// already moved out).
    @inline(__always)
    func reset() {
        withUnsafeMutablePointers { header, elements in
            for i in 0..<header.pointee.count {
                switch elements[i] {
                case .undefined: continue
                case .none, .bool, .int, .float:
                    (elements + i).initialize(to: .undefined)  // nothing to release
                default:
                    elements[i] = .undefined
                }
            }
            if header.pointee.parent != nil { header.pointee.parent = nil }
            if header.pointee.function != nil { header.pointee.function = nil }
        }
    }
}
