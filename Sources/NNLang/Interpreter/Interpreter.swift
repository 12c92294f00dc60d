import Autograd
import Foundation
import Tensor

/// The evaluator's state for one notebook: the global scope, the library bindings,
/// the outputs of the running cell and the limits. Owned by a `Session`.
public final class Interpreter {
    let globals = Globals()
    let library: Library
    /// Outputs of the cell being run.
    var outputs: [CellOutput] = []
    /// The session, for the random generator and progress events.
    unowned let session: Session

    // Limits.
    static let maxCallDepth = 1000
    @exclusivity(unchecked) var callDepth = 0
    /// Monotonic deadline of the running cell, in nanoseconds (0 = none).
    var deadline: UInt64 = 0
    /// Ticks left before the clock is read again; keeps the deadline check cheap.
    @exclusivity(unchecked) private var ticksUntilClockCheck = 0

    /// The session's random generator (seeded with 0; `manual_seed` reseeds it).
    let generator = Generator(seed: 0)
    /// `set_printoptions(…)` state for tensor printing.
    var printOptions = PrintOptions()
    /// One wrapper per library module, so that `model.l1 is model.l1`.
    var moduleWrappers: [ObjectIdentifier: NativeObject] = [:]
    /// Tensors known to be `nn.Parameter`s (printed as `Parameter containing:` like
    /// PyTorch), by identity; see ParameterMarks.swift.
    var parameterMarks: [ObjectIdentifier: WeakTensorReference] = [:]

    // Functions called through a global name (`fib(n - 1)`): the call node remembers the
    // function it last called by identity and calls it without reading (and reference
    // counting) the global. The function must stay alive while it runs even if the program
    // rebinds the name meanwhile, so the interpreter keeps every remembered function
    // (`pinnedFunctions`) until the next cell starts; a node's memory is valid only while
    // `pinGeneration` is the one it saw (unpinned functions may be freed and their
    // addresses reused).
    private(set) var pinnedFunctions: [FunctionObject] = []
    @exclusivity(unchecked) private(set) var pinGeneration = 1
    /// At most this many functions are pinned per cell (a loop defining a new function per
    /// iteration then uses the ordinary call path).
    static let maxPinnedFunctions = 4096

    /// Keeps `fn` alive until the next cell; false when the pin table is full.
    func pin(_ fn: FunctionObject) -> Bool {
        if fn.pinGeneration == pinGeneration { return true }
        guard pinnedFunctions.count < Interpreter.maxPinnedFunctions else { return false }
        pinnedFunctions.append(fn)
        fn.pinGeneration = pinGeneration
        return true
    }

    /// Releases the pinned functions; called when no function is running (cell start).
    func unpinFunctions() {
        pinnedFunctions.removeAll()
        pinGeneration &+= 1
    }

    /// A frame with no slots, the "current frame" of code at cell level.
    let moduleFrame = Frame.make(count: 0, parent: nil)

    init(session: Session, library: Library) {
        self.session = session
        self.library = library
        library.install(into: globals)
    }

    /// Counts work done by loops and calls and checks the deadline every few thousand ticks.
    @inline(__always)
    func tick() throws {
        ticksUntilClockCheck -= 1
        if ticksUntilClockCheck <= 0 { try checkDeadline() }
    }

    private func checkDeadline() throws {
        // A tick may be a whole training step: when the last ticks took long, read the
        // clock sooner (the fuzzer found a training cell overrunning its 1 s limit by
        // minutes, reading the clock only every 4096 steps).
        let now = DispatchTime.now().uptimeNanoseconds
        let elapsed = now &- lastClockCheck
        lastClockCheck = now
        ticksPerClockCheck = elapsed > 2_000_000 ? max(1, ticksPerClockCheck / 8) : min(4096, ticksPerClockCheck * 2)
        ticksUntilClockCheck = ticksPerClockCheck
        if deadline != 0 && now > deadline {
            throw TimeoutSignal()
        }
        try memoryGuard.check(now: now, limit: session.options.maxResidentBytes)
    }
    private var memoryGuard = ResidentMemoryGuard()
    private var ticksPerClockCheck = 4096
    private var lastClockCheck: UInt64 = 0

    /// Most bytes of text a cell may print (a runaway loop must not fill memory and the
    /// rendered file); reset for each cell.
    static let maxOutputBytes = 8 << 20
    var outputBytes = 0

    func emit(_ output: CellOutput) throws {
        if case .text(let s) = output {
            outputBytes += s.utf8.count
            if outputBytes > Interpreter.maxOutputBytes {
                throw LangError("cell output exceeds the limit of \(Interpreter.maxOutputBytes) bytes")
            }
        }
        if case .text(let s) = output, case .text(var previous)? = outputs.last {
            // Remove it first so that the text is uniquely referenced and grows in place
            // (joining copies made printing in a loop quadratic).
            outputs.removeLast()
            previous += s
            outputs.append(.text(previous))
        } else {
            outputs.append(output)
        }
    }

    // MARK: Calls

    /// Calls any callable value with positional and keyword arguments.
    func call(_ callee: Value, _ args: [Value], _ kwargs: [(String, Value)] = []) throws -> Value {
        switch callee {
        case .function(let fn):
            return try callFunction(fn, args, kwargs)
        case .builtin(let b):
            return try b.invoke(args, kwargs, receiver: .none, self)
        case .boundMethod(let m):
            switch m.function {
            case .builtin(let b):
                return try b.invoke(args, kwargs, receiver: m.receiver, self)
            case .function(let fn):
                return try callFunction(fn, [m.receiver] + args, kwargs, implicitSelf: true)
            default:
                return try call(m.function, [m.receiver] + args, kwargs)
            }
        case .classObject(let cls):
            return try instantiate(cls, args, kwargs)
        case .instance(let inst):
            if let method = inst.cls.lookup("__call__") {
                return try call(method, [callee] + args, kwargs)
            }
            if inst.cls.isModule {
                guard let forward = inst.cls.lookup("forward") else {
                    throw LangError("module '\(inst.cls.name)' has no forward() method")
                }
                return try call(forward, [callee] + args, kwargs)
            }
            throw LangError("'\(inst.cls.name)' object is not callable")
        case .object(let o):
            return try o.call(args, kwargs, self)
        default:
            throw LangError("'\(callee.typeName)' object is not callable")
        }
    }

    @inline(__always)
    func enterCall() throws {
        callDepth += 1
        if callDepth > Interpreter.maxCallDepth {
            callDepth = 0  // let the error unwind; depth is reset per cell anyway
            throw LangError("maximum recursion depth exceeded (limit \(Interpreter.maxCallDepth) nested calls)")
        }
        try tick()
    }

    func callFunction(_ fn: FunctionObject, _ args: [Value], _ kwargs: [(String, Value)], implicitSelf: Bool = false) throws -> Value {
        try fn.withFrame { frame in
            if fn.simpleArity == args.count && kwargs.isEmpty {
                let slots = frame.slots
                for i in 0..<args.count { (slots + i).initialize(to: args[i]) }
            } else {
                try fn.code.signature.bind(args, kwargs, defaults: fn.defaults, displayName: fn.code.qualifiedName,
                                           implicitSelf: 0, into: frame.slots)
            }
            return try run(fn, in: frame)
        }
    }

    /// Runs a function's body in a prepared frame (see `FunctionObject.withFrame`).
    @inline(__always)
    func run(_ fn: FunctionObject, in frame: Frame) throws -> Value {
        try enterCall()
        defer { callDepth -= 1 }
        if let expression = fn.expression {
            return try expression.with { try $0.eval(frame, self) }
        }
        for statement in fn.body {
            if try statement.with({ try $0.exec(frame, self) }) == .returned { return frame.takeReturnValue() }
        }
        return .none
    }

    func instantiate(_ cls: ClassObject, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        if cls.isModuleRoot { return .instance(Instance(cls: cls)) }
        let instance = Value.instance(Instance(cls: cls))
        if let initializer = cls.lookup("__init__") {
            let result = try call(initializer, [instance] + args, kwargs)
            if !result.isNone { throw LangError("__init__() should return None, not '\(result.typeName)'") }
        } else if !args.isEmpty || !kwargs.isEmpty {
            throw LangError("\(cls.name)() takes no arguments")
        }
        return instance
    }
}
