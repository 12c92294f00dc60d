import Foundation

/// A single-pass iterator exposed as a value (`enumerate`, `zip`, `map`, `reversed`).
final class IteratorObject: NativeObject {
    let name: String
    let iterator: ValueIterator
    init(_ name: String, _ iterator: ValueIterator) {
        self.name = name
        self.iterator = iterator
    }
    override var typeName: String { name }
    override func repr(_ interpreter: Interpreter) throws -> String { "<\(name) object>" }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { iterator }
}

final class ClosureIterator: ValueIterator {
    let nextValue: () throws -> Value?
    let knownCount: Int?
    init(count: Int?, _ next: @escaping () throws -> Value?) {
        nextValue = next
        knownCount = count
    }
    override func next() throws -> Value? { try nextValue() }
    override var count: Int? { knownCount }
}

/// The built-in type names usable with `isinstance` and `type()`.
final class TypeObject: NativeObject {
    let name: String
    init(_ name: String) { self.name = name }
    override var typeName: String { "type" }
    override func repr(_ interpreter: Interpreter) throws -> String { "<class '\(name)'>" }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        name == "__name__" ? .str(self.name) : nil
    }
    override func equals(_ other: Value, _ interpreter: Interpreter) throws -> Bool {
        if case .object(let o) = other, let t = o as? TypeObject { return t.name == name }
        if case .builtin(let b) = other { return b.name == name }
        return false
    }
    override func call(_ args: [Value], _ kwargs: [(String, Value)], _ interpreter: Interpreter) throws -> Value {
        guard let constructor = interpreter.globals.lookup(name) ?? interpreter.library.globalValues[name] else {
            throw LangError("cannot create '\(name)' instances")
        }
        return try interpreter.call(constructor, args, kwargs)
    }
}

extension Interpreter {
    /// Python's `isinstance` against one class-like value.
    func isInstance(_ v: Value, of classInfo: Value) throws -> Bool {
        switch classInfo {
        case .tuple(let options):
            for option in options where try isInstance(v, of: option) { return true }
            return false
        case .classObject(let cls):
            if case .instance(let inst) = v { return inst.cls.isSubclass(of: cls) }
            if cls.isModuleRoot { return isModuleValue(v) }
            return false
        case .builtin(let b):
            return typeMatches(v, b.name)
        case .object(let o):
            if let t = o as? TypeObject { return typeMatches(v, t.name) }
            if let c = o as? ClassLike, case .instance(let inst) = v { return inst.cls.isSubclass(of: c.classObject) }
            if let matcher = o as? InstanceChecking { return matcher.isInstance(v) }
            throw LangError("isinstance() arg 2 must be a type, a tuple of types, or a union")
        default:
            throw LangError("isinstance() arg 2 must be a type, a tuple of types, or a union")
        }
    }

    private func typeMatches(_ v: Value, _ name: String) -> Bool {
        switch (name, v) {
        case ("int", .int), ("int", .bool), ("float", .float), ("str", .str), ("list", .list),
            ("tuple", .tuple), ("dict", .dict), ("bool", .bool):
            return true
        case (_, .object(let o)): return o.typeName == name
        default: return false
        }
    }
}

/// Library classes that answer `isinstance` themselves (e.g. `Tensor`).
protocol InstanceChecking: AnyObject {
    func isInstance(_ v: Value) -> Bool
}

extension Library {
    func registerCoreFunctions() {
        function("len", "obj, /", doc: "Number of items of a container.") { a in
            .int(try a.interpreter.length(a["obj"]))
        }
        function("range", "*args", doc: "range(stop) or range(start, stop[, step]): integers from start to stop.") { a in
            let args = a.rest
            let rt = a.interpreter
            func int(_ v: Value) throws -> Int {
                switch v {
                case .int(let i): return i
                case .bool(let b): return b ? 1 : 0
                default: throw LangError("'\(v.typeName)' object cannot be interpreted as an integer")
                }
            }
            _ = rt
            switch args.count {
            case 0: throw LangError("range expected at least 1 argument, got 0")
            case 1: return .object(RangeObject(start: 0, stop: try int(args[0]), step: 1))
            case 2, 3:
                let step = args.count == 3 ? try int(args[2]) : 1
                if step == 0 { throw LangError("range() arg 3 must not be zero") }
                return .object(RangeObject(start: try int(args[0]), stop: try int(args[1]), step: step))
            default: throw LangError("range expected at most 3 arguments, got \(args.count)")
            }
        }
        function("enumerate", "iterable, start=0", doc: "Pairs (index, item) for each item.") { a in
            let it = try a.interpreter.makeIterator(a["iterable"])
            var index = try a.int("start")
            return .object(IteratorObject("enumerate", ClosureIterator(count: it.count) {
                guard let v = try it.next() else { return nil }
                defer { index += 1 }
                return .tuple([.int(index), v])
            }))
        }
        function("zip", "*iterables, strict=False", doc: "Tuples of corresponding items; stops at the shortest.") { a in
            let its = try a.rest.map { try a.interpreter.makeIterator($0) }
            let counts = its.compactMap(\.count)
            return .object(IteratorObject("zip", ClosureIterator(count: counts.count == its.count ? counts.min() : nil) {
                if its.isEmpty { return nil }
                var items: [Value] = []
                for it in its {
                    guard let v = try it.next() else { return nil }
                    items.append(v)
                }
                return .tuple(items)
            }))
        }
        function("map", "function, iterable, /", doc: "Applies function to every item (returns a list).") { a in
            let rt = a.interpreter
            return .list(ListObject(try rt.iterateToArray(a["iterable"]).map { try rt.call(a["function"], [$0]) }))
        }
        function("filter", "function, iterable, /", doc: "Items for which function is true (returns a list).") { a in
            let rt = a.interpreter
            let f = a["function"]
            return .list(ListObject(try rt.iterateToArray(a["iterable"]).filter {
                try rt.truthy(f.isNone ? $0 : rt.call(f, [$0]))
            }))
        }
        function("list", "iterable=(), /", doc: "A new list from an iterable.") { a in
            .list(ListObject(try a.interpreter.iterateToArray(a["iterable"])))
        }
        function("tuple", "iterable=(), /", doc: "A new tuple from an iterable.") { a in
            .tuple(try a.interpreter.iterateToArray(a["iterable"]))
        }
        function("dict", "mapping=None, /, **kwargs", doc: "A new dict from a mapping or (key, value) pairs, and keywords.") { a in
            let d = DictObject()
            let rt = a.interpreter
            switch a["mapping"] {
            case .none: break
            case .dict(let other):
                for (k, v) in zip(other.keys, other.values) { try d.set(k, v) }
            case let source:
                for item in try rt.iterateToArray(source) {
                    let pair = try rt.iterateToArray(item)
                    guard pair.count == 2 else {
                        throw LangError("dictionary update sequence element has length \(pair.count); 2 is required")
                    }
                    try d.set(pair[0], pair[1])
                }
            }
            for (k, v) in a.keywords { try d.set(.str(k), v) }
            return .dict(d)
        }
        function("int", "x=0, base=10", doc: "An integer from a number or a string.") { a in
            let x = a["x"]
            switch x {
            case .int: return x
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d):
                guard d.isFinite else { throw LangError("cannot convert float \(pythonFloatRepr(d)) to integer") }
                guard abs(d) < 9.223372036854775807e18 else { throw LangError("integer overflow: \(pythonFloatRepr(d)) does not fit in 64 bits") }
                return .int(Int(d))
            case .str(let s):
                let text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
                guard let v = Int(text, radix: try a.int("base")) else {
                    throw LangError("invalid literal for int() with base \(try a.int("base")): \(pythonStringRepr(s))")
                }
                return .int(v)
            default:
                if let s = try a.interpreter.library.tensorScalar?(x, a.interpreter) {
                    if case .float(let d) = s { return .int(Int(d)) }
                    return s
                }
                throw LangError("int() argument must be a string or a real number, not '\(x.typeName)'")
            }
        }
        function("float", "x=0.0, /", doc: "A float from a number or a string.") { a in
            let x = a["x"]
            switch x {
            case .float: return x
            case .int(let i): return .float(Double(i))
            case .bool(let b): return .float(b ? 1 : 0)
            case .str(let s):
                let text = s.trimmingCharacters(in: .whitespaces).lowercased()
                switch text {
                case "inf", "+inf", "infinity": return .float(.infinity)
                case "-inf", "-infinity": return .float(-.infinity)
                case "nan", "+nan", "-nan": return .float(.nan)
                default:
                    guard let d = Double(text.replacingOccurrences(of: "_", with: "")) else {
                        throw LangError("could not convert string to float: \(pythonStringRepr(s))")
                    }
                    return .float(d)
                }
            default:
                if let s = try a.interpreter.library.tensorScalar?(x, a.interpreter), let d = a.interpreter.number(s) {
                    return .float(d)
                }
                throw LangError("float() argument must be a string or a real number, not '\(x.typeName)'")
            }
        }
        function("str", "object='', /", doc: "The string form of a value.") { a in .str(try a.interpreter.str(a["object"])) }
        function("repr", "obj, /", doc: "The printable representation of a value.") { a in .str(try a.interpreter.repr(a["obj"])) }
        function("bool", "x=False, /", doc: "The truth value of x.") { a in .bool(try a.interpreter.truthy(a["x"])) }
        function("format", "value, format_spec='', /", doc: "Formats a value with the format mini-language.") { a in
            .str(try a.interpreter.format(a["value"], spec: try a.string("format_spec")))
        }
        function("abs", "x, /", doc: "Absolute value.") { a in
            switch a["x"] {
            case .int(let i):
                if i == Int.min { throw LangError("integer overflow: abs(\(i)) does not fit in 64 bits") }
                return .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(abs(d))
            case .object(let t as TraceVar): return try t.apply("abs") ?? .none
            case let v:
                if let m = a.interpreter.library.builtinMethod(of: v, "abs") { return try m.invoke([], [], receiver: v, a.interpreter) }
                throw LangError("bad operand type for abs(): '\(v.typeName)'")
            }
        }
        function("round", "number, ndigits=None", doc: "Rounds half to even, as Python does.") { a in
            let x = a["number"]
            if a.isNone("ndigits") {
                switch x {
                case .int, .bool: return .int(try a.interpreter.intValue(x))
                default:
                    let d = try a.double("number")
                    guard d.isFinite else { throw LangError("cannot convert float \(pythonFloatRepr(d)) to integer") }
                    return .int(try roundedInt(d.rounded(.toNearestOrEven), "round(\(pythonFloatRepr(d)))"))
                }
            }
            let n = try a.int("ndigits")
            if case .int(let i) = x {
                if n >= 0 { return .int(i) }
                let p = Foundation.pow(10.0, Double(-n))
                let r = p.isFinite ? (Double(i) / p).rounded(.toNearestOrEven) * p : 0
                return .int(try roundedInt(r, "round(\(i), \(n))"))
            }
            let d = try a.double("number")
            if n >= 0 && n < 300 {
                // Correctly rounded decimal conversion, as CPython's round() does.
                return .float(Double(String(format: "%.\(n)f", d)) ?? d)
            }
            let p = Foundation.pow(10.0, Double(n))
            return .float((d * p).rounded(.toNearestOrEven) / p)
        }
        function("divmod", "a, b, /", doc: "(a // b, a % b).") { a in
            let rt = a.interpreter
            return .tuple([try rt.binary(.floorDivide, a["a"], a["b"]), try rt.binary(.modulo, a["a"], a["b"])])
        }
        function("pow", "base, exp", doc: "base ** exp.") { a in try a.interpreter.binary(.power, a["base"], a["exp"]) }
        registerMinMax("min", less: true)
        registerMinMax("max", less: false)
        function("sum", "*args, start=0, **kwargs", doc: "sum(iterable, start=0): the sum of the items plus start; on a tensor, torch.sum.") { a in
            let rt = a.interpreter
            if case .tensor? = a.rest.first, let torchVersion = rt.library.namespace("torch").members["sum"] {
                return try rt.call(torchVersion, a.rest, a.keywords)
            }
            if let (k, _) = a.keywords.first { throw LangError("sum() got an unexpected keyword argument '\(k)'") }
            guard a.rest.count == 1 || a.rest.count == 2 else { throw LangError("sum() takes at least 1 positional argument (\(a.rest.count) given)") }
            var total = a.rest.count == 2 ? a.rest[1] : a["start"]
            let it = try rt.makeIterator(a.rest[0])
            while let v = try it.next() {
                try rt.tick()
                if case .int(let x) = total, case .int(let y) = v, case (let s, false) = x.addingReportingOverflow(y) {
                    total = .int(s)
                } else if case .float(let x) = total, case .float(let y) = v {
                    total = .float(x + y)
                } else {
                    total = try rt.binary(.add, total, v)
                }
            }
            return total
        }
        function("sorted", "iterable, /, *, key=None, reverse=False", doc: "A new sorted list (stable).") { a in
            .list(ListObject(try a.interpreter.sortedValues(try a.interpreter.iterateToArray(a["iterable"]),
                                                            key: a["key"], reverse: try a.bool("reverse"))))
        }
        function("reversed", "sequence, /", doc: "The items in reverse order.") { a in
            let items = try a.interpreter.iterateToArray(a["sequence"])
            return .object(IteratorObject("reversed", ArrayIterator(items.reversed())))
        }
        function("any", "iterable, /", doc: "True if any item is true.") { a in
            let it = try a.interpreter.makeIterator(a["iterable"])
            while let v = try it.next() { if try a.interpreter.truthy(v) { return .bool(true) } }
            return .bool(false)
        }
        function("all", "iterable, /", doc: "True if every item is true.") { a in
            let it = try a.interpreter.makeIterator(a["iterable"])
            while let v = try it.next() { if try !a.interpreter.truthy(v) { return .bool(false) } }
            return .bool(true)
        }
        function("isinstance", "obj, class_or_tuple, /", doc: "Whether obj is an instance of the class(es).") { a in
            .bool(try a.interpreter.isInstance(a["obj"], of: a["class_or_tuple"]))
        }
        function("type", "object, /", doc: "The type of a value.") { a in
            let v = a["object"]
            if case .instance(let inst) = v { return .classObject(inst.cls) }
            return .object(TypeObject(v.typeName))
        }
        function("callable", "obj, /", doc: "Whether obj can be called.") { a in
            switch a["obj"] {
            case .function, .builtin, .boundMethod, .classObject: return .bool(true)
            case .instance(let inst): return .bool(inst.cls.lookup("__call__") != nil || inst.cls.isModule)
            case .object(let o): return .bool(o is TypeObject || (try? o.call([], [], a.interpreter)) != nil)
            default: return .bool(false)
            }
        }
        function("getattr", "object, name, default=..., /", doc: "object.name, or default when missing.") { a in
            let name = try a.string("name")
            do {
                return try a.interpreter.getAttribute(a["object"], name)
            } catch let e as LangError {
                if case .object(let o) = a["default"], o is EllipsisObject { throw e }
                return a["default"]
            }
        }
        function("setattr", "obj, name, value, /", doc: "Sets obj.name = value.") { a in
            try a.interpreter.setAttribute(a["obj"], try a.string("name"), a["value"])
            return .none
        }
        function("hasattr", "obj, name, /", doc: "Whether obj has the attribute.") { a in
            .bool((try? a.interpreter.getAttribute(a["obj"], try a.string("name"))) != nil)
        }
        function("chr", "i, /", doc: "The character with code point i.") { a in
            guard let s = Unicode.Scalar(UInt32(clamping: max(0, try a.int("i")))) else { throw LangError("chr() arg not in range(0x110000)") }
            return .str(String(Character(s)))
        }
        function("ord", "c, /", doc: "The code point of a one-character string.") { a in
            let s = try a.string("c")
            guard s.unicodeScalars.count == 1, let u = s.unicodeScalars.first else {
                throw LangError("ord() expected a character, but string of length \(s.count) found")
            }
            return .int(Int(u.value))
        }
        function("help", "obj, /", doc: "Prints the signature and documentation of a function.") { a in
            try a.interpreter.emit(.text(try a.interpreter.helpText(a["obj"]) + "\n"))
            return .none
        }
        value("Ellipsis", .object(EllipsisObject()))
    }

    private func registerMinMax(_ name: String, less: Bool) {
        function(name, "*args, key=None, default=..., **kwargs",
                 doc: "The \(less ? "smallest" : "largest") item of an iterable or of the arguments; on a tensor, torch.\(name).") { a in
            let rt = a.interpreter
            if case .tensor? = a.rest.first, let torchVersion = rt.library.namespace("torch").members[name] {
                return try rt.call(torchVersion, a.rest, a.keywords)
            }
            if let (k, _) = a.keywords.first { throw LangError("\(name)() got an unexpected keyword argument '\(k)'") }
            let items = a.rest.count == 1 ? try rt.iterateToArray(a.rest[0]) : a.rest
            if a.rest.isEmpty { throw LangError("\(name) expected at least 1 argument, got 0") }
            guard var best = items.first else {
                if case .object(let o) = a["default"], o is EllipsisObject {
                    throw LangError("\(name)() arg is an empty sequence")
                }
                return a["default"]
            }
            let key = a["key"]
            var bestKey = key.isNone ? best : try rt.call(key, [best])
            for item in items.dropFirst() {
                let k = key.isNone ? item : try rt.call(key, [item])
                if try less ? rt.lessThan(k, bestKey) : rt.lessThan(bestKey, k) {
                    best = item
                    bestKey = k
                }
            }
            return best
        }
    }
}

extension Interpreter {
    func sortedValues(_ items: [Value], key: Value, reverse: Bool) throws -> [Value] {
        let keys = key.isNone ? items : try items.map { try call(key, [$0]) }
        var order = Array(items.indices)
        try order.sort { i, j in
            reverse ? try lessThan(keys[j], keys[i]) : try lessThan(keys[i], keys[j])
        }
        return order.map { items[$0] }
    }

    func helpText(_ v: Value) throws -> String {
        switch v {
        case .builtin(let b):
            return "\(b.name)(\(b.signatureText))" + (b.doc.isEmpty ? "" : "\n    \(b.doc)")
        case .boundMethod(let m):
            return try helpText(m.function)
        case .function(let f):
            let sig = f.code.signature
            var parts: [String] = []
            for (i, name) in sig.names.enumerated() {
                if i == sig.positionalCount && sig.varPositionalName == nil { parts.append("*") }
                if i == sig.positionalCount, let v = sig.varPositionalName { parts.append("*" + v) }
                if let d = f.defaults[i] { parts.append("\(name)=\(try repr(d))") } else { parts.append(name) }
            }
            if sig.positionalCount == sig.names.count, let v = sig.varPositionalName { parts.append("*" + v) }
            if let k = sig.varKeywordName { parts.append("**" + k) }
            return "\(f.code.qualifiedName)(\(parts.joined(separator: ", ")))"
        case .classObject(let c):
            if let initializer = c.lookup("__init__") { return "class \(c.name): " + (try helpText(initializer)) }
            return "class \(c.name)"
        case .object(let o):
            if let helpful = o as? HelpProviding { return helpful.helpText }
            return try repr(v)
        default:
            return try repr(v)
        }
    }
}

/// Library objects with their own `help()` text (library classes).
protocol HelpProviding {
    var helpText: String { get }
}

/// A rounded value as an nn int: `round(1e300)` is an error, not a trap (found by the fuzzer).
private func roundedInt(_ r: Double, _ call: String) throws -> Int {
    guard abs(r) < 9.223372036854775807e18 else { throw LangError("integer overflow: \(call) does not fit in 64 bits") }
    return Int(r)
}
