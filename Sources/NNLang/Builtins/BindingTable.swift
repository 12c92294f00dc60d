import Foundation

extension StringProtocol {
    /// The text without leading and trailing spaces (cheaper than Foundation's trimming).
    var trimmedOfSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}

/// A library function or method callable from nn. Its signature is written as
/// PyTorch/Python writes it, so binding errors read like Python's and `help()` can
/// print it.
public final class BuiltinFunction {
    public let name: String
    let signature: Signature
    let defaults: [Value?]
    /// The signature as written in the binding table, for `help()`.
    public let signatureText: String
    public let doc: String
    let body: (Arguments) throws -> Value

    init(name: String, signature: Signature, defaults: [Value?], doc: String, signatureText: String = "",
         body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.signature = signature
        self.defaults = defaults
        self.doc = doc
        self.signatureText = signatureText
        self.body = body
    }

    func invoke(_ args: [Value], _ kwargs: [(String, Value)], receiver: Value, _ rt: Interpreter) throws -> Value {
        let count = max(signature.slotCount, 1)
        var slots = [Value](repeating: .undefined, count: count)
        try slots.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try signature.bind(args, kwargs, defaults: defaults, displayName: name, into: base)
        }
        do {
            return try body(Arguments(function: self, values: slots, receiver: receiver, interpreter: rt))
        } catch let e as LangError {
            throw e
        } catch let e as TimeoutSignal {
            throw e
        } catch {
            throw languageError(error)
        }
    }
}

/// The bound arguments of a builtin call, read by parameter name with typed accessors
/// whose errors name the function and the parameter.
public struct Arguments {
    let function: BuiltinFunction
    public let values: [Value]
    /// `self` for methods (`xs` in `xs.append(1)`); `.none` for functions.
    public let receiver: Value
    public let interpreter: Interpreter

    private func slot(_ name: String) -> Int? { function.signature.index(of: name) }

    /// The value bound to a parameter (`.none` if the table has no such parameter).
    public subscript(_ name: String) -> Value {
        guard let i = slot(name) else { return .none }
        return values[i]
    }

    /// The extra positional arguments (`*args`).
    public var rest: [Value] {
        guard function.signature.varPositionalName != nil, case .tuple(let t) = values[function.signature.varPositionalSlot] else { return [] }
        return t
    }

    /// The extra keyword arguments (`**kwargs`), in call order.
    public var keywords: [(String, Value)] {
        guard function.signature.varKeywordName != nil, case .dict(let d) = values[function.signature.varKeywordSlot] else { return [] }
        return zip(d.keys, d.values).map { k, v in
            if case .str(let s) = k { return (s, v) }
            return ("", v)
        }
    }

    public func isNone(_ name: String) -> Bool { self[name].isNone }

    func typeError(_ name: String, _ expected: String, _ got: Value) -> LangError {
        LangError("\(function.name)() argument '\(name)' must be \(expected), not \(got.typeName)")
    }

    public func int(_ name: String) throws -> Int {
        switch self[name] {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case let v:
            if let scalar = try interpreter.library.tensorScalar?(v, interpreter), case .int(let i) = scalar { return i }
            throw typeError(name, "int", v)
        }
    }

    public func optionalInt(_ name: String) throws -> Int? { isNone(name) ? nil : try int(name) }

    public func double(_ name: String) throws -> Double {
        switch self[name] {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case let v:
            if let scalar = try interpreter.library.tensorScalar?(v, interpreter), let d = interpreter.number(scalar) { return d }
            throw typeError(name, "a number", v)
        }
    }

    public func optionalDouble(_ name: String) throws -> Double? { isNone(name) ? nil : try double(name) }

    public func string(_ name: String) throws -> String {
        guard case .str(let s) = self[name] else { throw typeError(name, "str", self[name]) }
        return s
    }

    public func optionalString(_ name: String) throws -> String? { isNone(name) ? nil : try string(name) }

    public func bool(_ name: String) throws -> Bool { try interpreter.truthy(self[name]) }
}

/// A namespace such as `torch`, `nn`, `F`, `optim` or `math`: a view of entries of the
/// one binding table.
final class NamespaceObject: NativeObject {
    let name: String
    var members: [String: Value] = [:]
    init(name: String) { self.name = name }
    override var typeName: String { "module" }
    override func repr(_ interpreter: Interpreter) throws -> String { "<module '\(name)'>" }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        if let v = members[name] { return v }
        throw LangError(withSuggestion("module '\(self.name)' has no attribute '\(name)'", name: name,
                                       candidates: Array(members.keys)))
    }
    override var attributeNames: [String] { Array(members.keys) }
}

/// The one binding table between nn and the Swift library: every global function,
/// namespace member and method, each with its PyTorch signature.
///
/// ```swift
/// library.function("cross_entropy",
///                  "input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0",
///                  in: ["F"]) { args in ... }
/// ```
public final class Library {
    /// The standard library, built once; immutable afterwards, so sessions share it.
    public static let standard: Library = {
        let library = Library()
        library.registerStandardLibrary()
        return library
    }()

    private(set) var globalOrder: [String] = []
    private(set) var globalValues: [String: Value] = [:]
    private(set) var namespaces: [String: NamespaceObject] = [:]
    private(set) var methods: [String: [String: BuiltinFunction]] = [:]
    private var moduleMethods: [String: BuiltinFunction] = [:]

    // Hooks through which the tensor bindings take part in the language's operators.
    var tensorBinary: ((BinaryOp, Value, Value, Interpreter) throws -> Value?)?
    var tensorInPlace: ((BinaryOp, Value, Value, Interpreter) throws -> Value?)?
    var tensorUnary: ((Bool, Value, Interpreter) throws -> Value?)?
    var tensorInvert: ((Value, Interpreter) throws -> Value?)?
    var tensorCompare: ((CompareOp, Value, Value, Interpreter) throws -> Value?)?
    /// A one-element tensor's value as an int or float (for formatting and arguments).
    var tensorScalar: ((Value, Interpreter) throws -> Value?)?
    /// Makes a 1-d float tensor (for sampling functions in `plot`).
    var makeTensor: (([Double]) -> Value?)?
    /// A tensor's values as doubles (for `plot`).
    var tensorValues: ((Value) -> [Double]?)?
    /// Whether a value is a `Parameter` (found by `parameters()`).
    var isParameter: ((Value) -> Bool)?
    /// Clears a parameter's gradient (`zero_grad`); the flag is `set_to_none`.
    var clearGradient: ((Value, Bool) throws -> Void)?

    init() {}

    /// Parses a Python parameter list such as `"input, dim=None, *, keepdim=False"`.
    /// Hand-written (no tokenizer) because every session start builds the whole table.
    static func parseSignature(_ text: String, function: String) -> (Signature, [Value?]) {
        var names: [String] = []
        var defaults: [Value?] = []
        var positionalCount: Int?
        var varPositional: String?
        var varKeyword: String?
        for rawItem in splitTopLevel(text) {
            let item = rawItem.trimmedOfSpaces
            if item.isEmpty || item == "/" { continue }
            if item == "*" {
                positionalCount = positionalCount ?? names.count
            } else if item.hasPrefix("**") {
                varKeyword = String(item.dropFirst(2))
            } else if item.hasPrefix("*") {
                varPositional = String(item.dropFirst())
                positionalCount = positionalCount ?? names.count
            } else if let eq = item.firstIndex(of: "=") {
                names.append(item[..<eq].trimmedOfSpaces)
                guard let value = constant(item[item.index(after: eq)...].trimmedOfSpaces) else {
                    preconditionFailure("binding table: bad default in signature of \(function): \(item)")
                }
                defaults.append(value)
            } else {
                names.append(item)
                defaults.append(nil)
            }
        }
        let signature = Signature(names: names, positionalCount: positionalCount ?? names.count,
                                  varPositionalName: varPositional, varKeywordName: varKeyword)
        return (signature, defaults)
    }

    /// Splits at commas outside brackets and quotes.
    private static func splitTopLevel(_ text: String) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var quote: Character?
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" {
                depth += 1
            } else if c == ")" || c == "]" {
                depth -= 1
            } else if c == "," && depth == 0 {
                parts.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        parts.append(text[start..<text.endIndex])
        return parts
    }

    /// A default value: None, True, False, numbers, strings, `...`, tuples of these, or a
    /// bare name (kept as a string, resolved by the binding, e.g. `activation=relu`).
    private static func constant(_ text: String) -> Value? {
        switch text {
        case "None": return Value.none
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "...": return .object(EllipsisObject())
        default: break
        }
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .float(d) }
        if text.count >= 2, let f = text.first, f == "'" || f == "\"", text.last == f {
            let inner = String(text.dropFirst().dropLast())
            return .str(inner.replacingOccurrences(of: "\\n", with: "\n"))
        }
        if text.hasPrefix("("), text.hasSuffix(")") {
            let inner = String(text.dropFirst().dropLast())
            let items = splitTopLevel(inner).map { $0.trimmedOfSpaces }.filter { !$0.isEmpty }
            var values: [Value] = []
            for item in items {
                guard let v = constant(item) else { return nil }
                values.append(v)
            }
            return .tuple(values)
        }
        if text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return .str(text) }
        return nil
    }

    func makeFunction(_ name: String, _ signatureText: String, doc: String,
                      _ body: @escaping (Arguments) throws -> Value) -> BuiltinFunction {
        let (signature, defaults) = Library.parseSignature(signatureText, function: name)
        return BuiltinFunction(name: name, signature: signature, defaults: defaults, doc: doc,
                               signatureText: signatureText, body: body)
    }

    /// Registers a function: a global (unless `global: false`) and a member of each namespace in `namespaces`.
    @discardableResult
    public func function(_ name: String, _ signature: String, doc: String = "", in namespaces: [String] = [],
                         global: Bool = true, _ body: @escaping (Arguments) throws -> Value) -> BuiltinFunction {
        let f = makeFunction(name, signature, doc: doc, body)
        value(name, .builtin(f), in: namespaces, global: global)
        return f
    }

    /// Registers a value (a constant, a class, a namespace) under a name.
    public func value(_ name: String, _ v: Value, in namespaces: [String] = [], global: Bool = true) {
        if global {
            if globalValues[name] == nil { globalOrder.append(name) }
            globalValues[name] = v
        }
        for ns in namespaces { namespace(ns).members[name] = v }
    }

    /// The namespace object for a dotted name such as `torch.nn`, created on first use.
    func namespace(_ name: String) -> NamespaceObject {
        if let ns = namespaces[name] { return ns }
        let ns = NamespaceObject(name: name)
        namespaces[name] = ns
        return ns
    }

    /// Registers a method of a value type (`"list"`, `"str"`, `"Tensor"`, …).
    @discardableResult
    public func method(_ typeName: String, _ name: String, _ signature: String, doc: String = "",
                       _ body: @escaping (Arguments) throws -> Value) -> BuiltinFunction {
        let f = makeFunction(name, signature, doc: doc, body)
        methods[typeName, default: [:]][name] = f
        return f
    }

    /// Registers a method every `Module` instance answers (`parameters`, `train`, …).
    @discardableResult
    public func moduleMethod(_ name: String, _ signature: String, doc: String = "",
                             _ body: @escaping (Arguments) throws -> Value) -> BuiltinFunction {
        let f = makeFunction(name, signature, doc: doc, body)
        moduleMethods[name] = f
        return f
    }

    func moduleMethod(_ name: String) -> BuiltinFunction? { moduleMethods[name] }
    var moduleMethodNames: [String] { Array(moduleMethods.keys) }

    func builtinMethod(of v: Value, _ name: String) -> BuiltinFunction? {
        let type: String
        switch v {
        case .list: type = "list"
        case .str: type = "str"
        case .dict: type = "dict"
        case .tuple: type = "tuple"
        case .int, .bool: type = "int"
        case .float: type = "float"
        case .tensor: type = "Tensor"
        case .object(let o): type = o.typeName
        default: return nil
        }
        return methods[type]?[name]
    }

    func methodNames(of v: Value) -> [String] {
        switch v {
        case .list: return Array(methods["list"]?.keys ?? [:].keys)
        case .str: return Array(methods["str"]?.keys ?? [:].keys)
        case .dict: return Array(methods["dict"]?.keys ?? [:].keys)
        case .tensor: return Array(methods["Tensor"]?.keys ?? [:].keys) + ["shape", "ndim", "dtype", "T", "grad", "requires_grad", "is_leaf", "grad_fn", "data"]
        case .object(let o): return Array(methods[o.typeName]?.keys ?? [:].keys)
        default: return []
        }
    }

    /// Defines every global in a session's scope.
    func install(into globals: Globals) {
        for name in globalOrder {
            if let v = globalValues[name] { globals.define(name, v) }
        }
        for (name, ns) in namespaces where !name.contains(".") && globalValues[name] == nil {
            globals.define(name, .object(ns))
        }
    }

    func registerStandardLibrary() {
        registerCoreFunctions()
        registerMath()
        registerListMethods()
        registerDictMethods()
        registerStringMethods()
        registerOutputFunctions()
        registerModuleSupport()
        registerTensorLibrary()
        registerLayers()
        registerFunctional()
        registerOptimizers()
        registerCoverageAdditions()
        registerData()
        registerTrace()
        registerGraphTools()
        // Nested namespaces: torch.nn, torch.nn.functional, torch.optim.
        namespace("torch").members["nn"] = .object(namespace("nn"))
        namespace("torch").members["optim"] = .object(namespace("optim"))
        namespace("nn").members["functional"] = .object(namespace("F"))
        namespace("torch").members["functional"] = .object(namespace("F"))
    }
}
