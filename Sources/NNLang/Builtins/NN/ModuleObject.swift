import Autograd
import Foundation
import NN
import Tensor

/// A library module (`Linear`, `Sequential`, `LSTM`, …) as a language value: its
/// parameters, buffers and sub-modules are attributes, calling it runs `forward`, and it
/// answers the module methods (`parameters()`, `train()`, …) like a user module.
final class ModuleObject: NativeObject, ModuleLike, TrainingSwitch, CallableObject {
    let module: NN.Module
    unowned let interpreter: Interpreter
    /// Other attributes set from nn code (`layer.note = "…"`).
    private var extra: [String: Value] = [:]

    init(_ module: NN.Module, _ interpreter: Interpreter) {
        self.module = module
        self.interpreter = interpreter
    }

    override var typeName: String { module.typeName }
    override func repr(_ interpreter: Interpreter) throws -> String { module.description }

    func namedMembers() -> [(name: String, value: Value)] {
        var out: [(String, Value)] = module.parameterNames.compactMap { n in
            module.parameter(n).map { p in
                interpreter.markParameter(p)
                return (n, .tensor(p))
            }
        }
        out += module.children.map { ($0.0, interpreter.wrap($0.1)) }
        return out
    }

    func setTraining(_ on: Bool) { module.train(on) }

    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        if let p = module.parameter(name) {
            interpreter.markParameter(p)
            return .tensor(p)
        }
        if module.hasParameter(name) { return Value.none }  // registered as None (e.g. bias=False)
        if let b = module.buffer(name) { return .tensor(b) }
        if let m = module.module(name) { return interpreter.wrap(m) }
        if let v = extra[name] { return v }
        if name == "training" { return .bool(module.training) }
        if name == "forward" {
            return .builtin(BuiltinFunction(name: "forward", signature: Signature(names: [], positionalCount: 0, varPositionalName: "args", varKeywordName: "kwargs"), defaults: [], doc: "") { [self] a in
                try self.call(a.rest, a.keywords, a.interpreter)
            })
        }
        if let dict = module as? NN.ModuleDict, let method = moduleDictMethod(dict, name) { return method }
        if let list = module as? NN.ParameterList, name == "append" {
            let rt = interpreter
            return .builtin(rt.library.makeFunction("append", "value", doc: "") { a in
                list.append(try rt.parameterValue(a["value"], "ParameterList.append() argument"))
                return .object(self)
            })
        }
        if let method = interpreter.library.moduleMethod(name) {
            return .boundMethod(BoundMethod(receiver: .object(self), function: .builtin(method)))
        }
        if let config = configuration[name] { return config }
        return nil
    }

    /// Constructor arguments kept for attribute access (`layer.in_features`).
    var configuration: [String: Value] = [:]

    override var attributeNames: [String] {
        module.parameterNames + module.bufferNames + module.children.map(\.0) + Array(extra.keys)
            + Array(configuration.keys) + interpreter.library.moduleMethodNames
    }

    override func setAttribute(_ name: String, _ value: Value, _ interpreter: Interpreter) throws {
        switch value {
        case .tensor(let t):
            if module.hasParameter(name) || interpreter.isParameter(value) {
                try interpreter.engine { try module.setParameter(name, t) }
            } else if module.hasBuffer(name) {
                module.registerBuffer(name, t)
            } else {
                extra[name] = value
            }
        case .object(let o as ModuleObject):
            module.registerModule(name, o.module)
        case .instance(let inst) where inst.cls.isModule:
            module.registerModule(name, UserModuleAdapter(inst, interpreter))
        case .none where module.hasParameter(name):
            module.registerParameter(name, nil)
        default:
            if name == "training" { module.train(try interpreter.truthy(value)); return }
            extra[name] = value
        }
    }

    /// `keys()`, `values()`, `items()`, `pop(key)` of a ModuleDict.
    private func moduleDictMethod(_ dict: NN.ModuleDict, _ name: String) -> Value? {
        let rt = interpreter
        func make(_ signature: String, _ body: @escaping (Arguments) throws -> Value) -> Value {
            .builtin(rt.library.makeFunction(name, signature, doc: "", body))
        }
        switch name {
        case "keys": return make("") { _ in .list(ListObject(dict.keys.map { .str($0) })) }
        case "values": return make("") { _ in .list(ListObject(dict.children.map { rt.wrap($0.1) })) }
        case "items": return make("") { _ in .list(ListObject(dict.children.map { .tuple([.str($0.0), rt.wrap($0.1)]) })) }
        case "pop": return make("key") { a in rt.wrap(try rt.engine { try dict.remove(try a.string("key")) }) }
        default: return nil
        }
    }

    // Containers: `seq[0]`, `len(seq)`, `for layer in seq`; ModuleDict: `d["key"]`, `for key in d`, `key in d`.
    override func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        if let list = module as? NN.ParameterList {
            let p = try list.parameter(at: interpreter.sequenceIndex(index, count: list.count, kind: "ParameterList"))
            interpreter.markParameter(p)
            return .tensor(p)
        }
        if let dict = module as? NN.ModuleDict {
            guard case .str(let key) = index else { throw LangError("ModuleDict keys are strings, not \(index.typeName)") }
            return interpreter.wrap(try interpreter.engine { try dict.module(forKey: key) })
        }
        let kids = module.children
        if case .object(let o as SliceObject) = index {
            let picked = try interpreter.sliceItems(kids.map(\.1), o)
            return interpreter.wrap(NN.Sequential(picked))
        }
        let i = try interpreter.sequenceIndex(index, count: kids.count, kind: module.typeName)
        return interpreter.wrap(kids[i].1)
    }
    override func setItem(_ index: Value, _ value: Value, _ interpreter: Interpreter) throws {
        if let list = module as? NN.ParameterList {
            let i = try interpreter.sequenceIndex(index, count: list.count, kind: "ParameterList")
            try interpreter.engine { try list.setParameter(at: i, try interpreter.parameterValue(value, "ParameterList item")) }
            return
        }
        guard let dict = module as? NN.ModuleDict else { try super.setItem(index, value, interpreter); return }
        guard case .str(let key) = index else { throw LangError("ModuleDict keys are strings, not \(index.typeName)") }
        let m = try interpreter.moduleValue(value, "ModuleDict value")
        try interpreter.engine { try dict.set(key, m) }
    }
    override func contains(_ item: Value, _ interpreter: Interpreter) throws -> Bool? {
        guard let dict = module as? NN.ModuleDict else { return nil }
        guard case .str(let key) = item else { return false }
        return dict.keys.contains(key)
    }
    override func length(_ interpreter: Interpreter) throws -> Int? {
        (module as? NN.ParameterList)?.count ?? module.children.count
    }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? {
        if let list = module as? NN.ParameterList {
            return ArrayIterator(try (0..<list.count).map { i in
                let p = try list.parameter(at: i)
                interpreter.markParameter(p)
                return .tensor(p)
            })
        }
        if let dict = module as? NN.ModuleDict { return ArrayIterator(dict.keys.map { .str($0) }) }
        return ArrayIterator(module.children.map { interpreter.wrap($0.1) })
    }
    override func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        if case .object(let o as ModuleObject) = other { return o.module === module }
        return false
    }

    override func call(_ args: [Value], _ kwargs: [(String, Value)], _ rt: Interpreter) throws -> Value {
        try rt.engine { try callModule(args, kwargs, rt) }
    }

    private func tensorArg(_ args: [Value], _ kwargs: [(String, Value)], _ i: Int, _ name: String, _ rt: Interpreter) throws -> Tensor? {
        if let kw = kwargs.first(where: { $0.0 == name }) { return kw.1.isNone ? nil : try rt.tensorValue(kw.1, "\(typeName)() argument '\(name)'") }
        guard i < args.count, !args[i].isNone else { return nil }
        return try rt.tensorValue(args[i], "\(typeName)() argument '\(name)'")
    }

    private func required(_ t: Tensor?, _ name: String) throws -> Tensor {
        guard let t = t else { throw LangError("\(typeName).forward() missing required argument: '\(name)'") }
        return t
    }

    private func callModule(_ args: [Value], _ kwargs: [(String, Value)], _ rt: Interpreter) throws -> Value {
        switch module {
        case let m as NN.Loss:
            // the distance modules ride on Loss's two-tensor call; PyTorch names their inputs x1, x2
            let (first, second) = m is NN.CosineSimilarity || m is NN.PairwiseDistance ? ("x1", "x2") : ("input", "target")
            let input = try required(tensorArg(args, kwargs, 0, first, rt), first)
            let target = try required(tensorArg(args, kwargs, 1, second, rt), second)
            return .tensor(try m.forward(input, target))
        case let m as NN.MultiheadAttention:
            let q = try required(tensorArg(args, kwargs, 0, "query", rt), "query")
            let k = try required(tensorArg(args, kwargs, 1, "key", rt), "key")
            let v = try required(tensorArg(args, kwargs, 2, "value", rt), "value")
            func flag(_ name: String, _ d: Bool) throws -> Bool {
                try kwargs.first { $0.0 == name }.map { try rt.truthy($0.1) } ?? d
            }
            let (out, weights) = try m.forward(query: q, key: k, value: v,
                                               keyPaddingMask: try tensorArg([], kwargs, 0, "key_padding_mask", rt),
                                               needWeights: try flag("need_weights", true),
                                               attnMask: try tensorArg([], kwargs, 0, "attn_mask", rt),
                                               averageAttnWeights: try flag("average_attn_weights", true),
                                               isCausal: try flag("is_causal", false))
            return .tuple([.tensor(out), weights.map { .tensor($0) } ?? Value.none])
        case let m as NN.LSTM:
            let x = try required(tensorArg(args, kwargs, 0, "input", rt), "input")
            var state: (Tensor, Tensor)?
            if args.count > 1, !args[1].isNone {
                let pair = try rt.iterateToArray(args[1])
                guard pair.count == 2 else { throw LangError("LSTM: the state must be a tuple (h_0, c_0)") }
                state = (try rt.tensorValue(pair[0], "h_0"), try rt.tensorValue(pair[1], "c_0"))
            }
            let (out, (h, c)) = try m.forward(x, state)
            return .tuple([.tensor(out), .tuple([.tensor(h), .tensor(c)])])
        case let m as NN.RNN:
            let (out, h) = try m.forward(try required(tensorArg(args, kwargs, 0, "input", rt), "input"), try tensorArg(args, kwargs, 1, "hx", rt))
            return .tuple([.tensor(out), .tensor(h)])
        case let m as NN.GRU:
            let (out, h) = try m.forward(try required(tensorArg(args, kwargs, 0, "input", rt), "input"), try tensorArg(args, kwargs, 1, "hx", rt))
            return .tuple([.tensor(out), .tensor(h)])
        case let m as NN.LSTMCell:
            let x = try required(tensorArg(args, kwargs, 0, "input", rt), "input")
            var state: (Tensor, Tensor)?
            if args.count > 1, !args[1].isNone {
                let pair = try rt.iterateToArray(args[1])
                guard pair.count == 2 else { throw LangError("LSTMCell: the state must be a tuple (h, c)") }
                state = (try rt.tensorValue(pair[0], "h"), try rt.tensorValue(pair[1], "c"))
            }
            let (h, c) = try m.forward(x, state)
            return .tuple([.tensor(h), .tensor(c)])
        case let m as NN.RNNCell:
            return .tensor(try m.forward(try required(tensorArg(args, kwargs, 0, "input", rt), "input"), try tensorArg(args, kwargs, 1, "hx", rt)))
        case let m as NN.GRUCell:
            return .tensor(try m.forward(try required(tensorArg(args, kwargs, 0, "input", rt), "input"), try tensorArg(args, kwargs, 1, "hx", rt)))
        case let m as NN.TransformerEncoderLayer:
            let src = try required(tensorArg(args, kwargs, 0, "src", rt), "src")
            let isCausal = try kwargs.first { $0.0 == "is_causal" }.map { try rt.truthy($0.1) } ?? (args.count > 3 ? try rt.truthy(args[3]) : false)
            return .tensor(try m.forward(src, srcMask: try tensorArg(args, kwargs, 1, "src_mask", rt),
                                         srcKeyPaddingMask: try tensorArg(args, kwargs, 2, "src_key_padding_mask", rt), isCausal: isCausal))
        case let m as NN.TransformerEncoder:
            let src = try required(tensorArg(args, kwargs, 0, "src", rt), "src")
            let isCausal = try kwargs.first { $0.0 == "is_causal" }.map { $0.1.isNone ? false : try rt.truthy($0.1) } ?? false
            return .tensor(try m.forward(src, mask: try tensorArg(args, kwargs, 1, "mask", rt),
                                         srcKeyPaddingMask: try tensorArg(args, kwargs, 2, "src_key_padding_mask", rt), isCausal: isCausal))
        case let m as NN.GraphNetwork:
            let names = ["nodes", "edges", "senders", "receivers", "globals"]
            let ts = try names.enumerated().map { try required(tensorArg(args, kwargs, $0.offset, $0.element, rt), $0.element) }
            let (v, e, u) = try m.forward(nodes: ts[0], edges: ts[1], senders: ts[2], receivers: ts[3], globals: ts[4])
            return .tuple([.tensor(v), .tensor(e), .tensor(u)])
        default:
            guard args.count == 1, kwargs.isEmpty else {
                throw LangError("\(typeName).forward() takes one tensor (got \(args.count) positional and \(kwargs.count) keyword arguments)")
            }
            return .tensor(try module.forward(try rt.tensorValue(args[0], "\(typeName)() input")))
        }
    }
}

/// A user `Module` subclass placed inside a library container (`Sequential(MyLayer(), …)`):
/// forward calls back into the interpreter.
final class UserModuleAdapter: NN.Module {
    let instance: Instance
    unowned let interpreter: Interpreter
    init(_ instance: Instance, _ interpreter: Interpreter) {
        self.instance = instance
        self.interpreter = interpreter
        super.init()
    }
    override var typeName: String { instance.cls.name }
    override func forward(_ input: Tensor) throws -> Tensor {
        let out = try interpreter.call(.instance(instance), [.tensor(input)])
        guard case .tensor(let t) = out else { throw LangError("\(instance.cls.name).forward must return a Tensor, not \(out.typeName)") }
        return t
    }
}

extension Interpreter {
    /// The language value for a library module (one wrapper per module; user modules in
    /// containers come back as themselves).
    func wrap(_ module: NN.Module) -> Value {
        if let adapter = module as? UserModuleAdapter { return .instance(adapter.instance) }
        let id = ObjectIdentifier(module)
        if let w = moduleWrappers[id] { return .object(w) }
        let w = ModuleObject(module, self)
        moduleWrappers[id] = w
        return .object(w)
    }

    /// A value usable where the library wants a module: library modules, user modules,
    /// and plain functions (wrapped as a Lambda module).
    func moduleValue(_ v: Value, _ what: String) throws -> NN.Module {
        switch v {
        case .object(let o as ModuleObject): return o.module
        case .instance(let inst) where inst.cls.isModule: return UserModuleAdapter(inst, self)
        case .function, .builtin, .boundMethod:
            let name: String
            if case .builtin(let b) = v { name = b.name } else if case .function(let f) = v { name = f.code.name } else { name = "function" }
            return NN.Lambda(name: name) { [unowned self] x in
                let out = try self.call(v, [.tensor(x)])
                guard case .tensor(let t) = out else { throw LangError("\(name) must return a Tensor, not \(out.typeName)") }
                return t
            }
        case .object(let o as LibraryClass):
            guard case .object(let made as ModuleObject) = try o.call([], [], self) else {
                throw LangError("\(what): \(o.name)() did not make a module")
            }
            return made.module
        default:
            throw LangError("\(what) must be a module or a function, not \(v.typeName)")
        }
    }
}

/// A library module class (`nn.Linear`): callable to construct, usable with
/// `isinstance`, printable as a class.
final class LibraryClass: NativeObject, InstanceChecking, HelpProviding {
    let name: String
    let constructor: BuiltinFunction
    let matches: (NN.Module) -> Bool
    init(name: String, constructor: BuiltinFunction, matches: @escaping (NN.Module) -> Bool) {
        self.name = name
        self.constructor = constructor
        self.matches = matches
    }
    override var typeName: String { "type" }
    override func repr(_ interpreter: Interpreter) throws -> String { "<class 'torch.nn.\(name)'>" }
    override func call(_ args: [Value], _ kwargs: [(String, Value)], _ interpreter: Interpreter) throws -> Value {
        try constructor.invoke(args, kwargs, receiver: .none, interpreter)
    }
    func isInstance(_ v: Value) -> Bool {
        if case .object(let o as ModuleObject) = v { return matches(o.module) }
        return false
    }
    var helpText: String { "\(name)(\(constructor.signatureText))" + (constructor.doc.isEmpty ? "" : "\n    \(constructor.doc)") }
    /// Class methods such as `Embedding.from_pretrained`.
    var classAttributes: [String: Value] = [:]
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        name == "__name__" ? .str(self.name) : classAttributes[name]
    }
}

extension Interpreter {
    /// A Parameter as ParameterList stores it: a Parameter stays itself, another tensor becomes
    /// a new Parameter sharing its values (PyTorch converts them the same way).
    func parameterValue(_ v: Value, _ what: String) throws -> Tensor {
        let t = try tensorValue(v, what)
        if isParameter(v) { return t }
        let p = try NN.Parameter(t)
        markParameter(p)
        return p
    }
}
