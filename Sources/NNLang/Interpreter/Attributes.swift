import Autograd

/// Attribute access and subscripting for every kind of value.
extension Interpreter {
    func getAttribute(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .instance(let inst):
            if let a = inst.attribute(name) { return a }
            if let m = inst.cls.lookup(name) {
                if case .function = m { return .boundMethod(BoundMethod(receiver: v, function: m)) }
                return m
            }
            if inst.cls.isModule {
                if name == "training" { return .bool(inst.training) }
                if let method = library.moduleMethod(name) {
                    return .boundMethod(BoundMethod(receiver: v, function: .builtin(method)))
                }
            }
            var candidates = inst.attributeNames + inst.cls.allAttributeNames
            if inst.cls.isModule { candidates += library.moduleMethodNames }
            throw LangError(withSuggestion("'\(inst.cls.name)' object has no attribute '\(name)'", name: name, candidates: candidates))
        case .classObject(let cls):
            if let m = cls.lookup(name) { return m }
            if name == "__name__" { return .str(cls.name) }
            if cls.isModule, let method = library.moduleMethod(name) { return .builtin(method) }
            throw LangError(withSuggestion("type object '\(cls.name)' has no attribute '\(name)'", name: name,
                                           candidates: cls.allAttributeNames))
        case .object(let o):
            if let a = try o.attribute(name, self) { return a }
            if let m = library.builtinMethod(of: v, name) {
                return .boundMethod(BoundMethod(receiver: v, function: .builtin(m)))
            }
            throw LangError(withSuggestion("'\(o.typeName)' object has no attribute '\(name)'", name: name,
                                           candidates: o.attributeNames + library.methodNames(of: v)))
        case .tensor(let t):
            if let a = try tensorAttribute(t, name) { return a }
        case .function(let f):
            if name == "__name__" { return .str(f.code.name) }
        case .builtin(let b):
            if name == "__name__" { return .str(b.name) }
        default:
            break
        }
        if let m = library.builtinMethod(of: v, name) {
            return .boundMethod(BoundMethod(receiver: v, function: .builtin(m)))
        }
        throw LangError(withSuggestion("'\(v.typeName)' object has no attribute '\(name)'", name: name,
                                       candidates: library.methodNames(of: v)))
    }

    func setAttribute(_ v: Value, _ name: String, _ value: Value) throws {
        switch v {
        case .instance(let inst):
            if inst.cls.isModule && name == "training" {
                inst.training = try truthy(value)
                return
            }
            inst.setAttribute(name, value)
        case .classObject(let cls):
            // The built-in Module class is shared by every session: it stays read-only.
            if cls.isModuleRoot { throw LangError("cannot set attribute '\(name)' of the built-in class 'Module'") }
            cls.attributes[name] = value
        case .object(let o):
            try o.setAttribute(name, value, self)
        case .tensor(let t):
            try setTensorAttribute(t, name, value)
        default:
            throw LangError("'\(v.typeName)' object has no attribute '\(name)' (and attributes cannot be added to it)")
        }
    }

    /// Normalises a sequence index (negative counts from the end) or throws IndexError's message.
    func sequenceIndex(_ index: Value, count: Int, kind: String) throws -> Int {
        let i: Int
        switch index {
        case .int(let k): i = k
        case .bool(let b): i = b ? 1 : 0
        default: throw LangError("\(kind) indices must be integers or slices, not \(index.typeName)")
        }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw LangError("\(kind) index out of range") }
        return j
    }

    func sliceItems<T>(_ items: [T], _ slice: SliceObject) throws -> [T] {
        let (start, _, step, count) = try slice.indices(length: items.count)
        var out: [T] = []
        out.reserveCapacity(count)
        var i = start
        for _ in 0..<count {
            out.append(items[i])
            i += step
        }
        return out
    }

    func getItem(_ v: Value, _ index: Value) throws -> Value {
        switch v {
        case .list(let l):
            if case .object(let o) = index, let s = o as? SliceObject { return .list(ListObject(try sliceItems(l.items, s))) }
            return l.items[try sequenceIndex(index, count: l.items.count, kind: "list")]
        case .tuple(let t):
            if case .object(let o) = index, let s = o as? SliceObject { return .tuple(try sliceItems(t, s)) }
            return t[try sequenceIndex(index, count: t.count, kind: "tuple")]
        case .str(let s):
            let chars = Array(s)
            if case .object(let o) = index, let sl = o as? SliceObject { return .str(String(try sliceItems(chars, sl))) }
            return .str(String(chars[try sequenceIndex(index, count: chars.count, kind: "string")]))
        case .dict(let d):
            guard let value = try d.get(index) else { throw LangError("KeyError: \(try repr(index))") }
            return value
        case .object(let o):
            return try o.getItem(index, self)
        case .tensor(let t):
            return .tensor(try engine { try t.index(try indexItems(index)) })
        case .instance(let inst):
            if let m = inst.cls.lookup("__getitem__") { return try call(m, [v, index]) }
            throw LangError("'\(inst.cls.name)' object is not subscriptable")
        case .classObject(let c):
            throw LangError("type '\(c.name)' is not subscriptable")
        default:
            throw LangError("'\(v.typeName)' object is not subscriptable")
        }
    }

    func setItem(_ v: Value, _ index: Value, _ value: Value) throws {
        switch v {
        case .list(let l):
            if case .object(let o) = index, let s = o as? SliceObject {
                let (start, stop, step, count) = try s.indices(length: l.items.count)
                let newItems = try iterateToArray(value)
                if step == 1 {
                    l.items.replaceSubrange(start..<max(start, stop), with: newItems)
                } else {
                    guard newItems.count == count else {
                        throw LangError("attempt to assign sequence of size \(newItems.count) to extended slice of size \(count)")
                    }
                    var i = start
                    for item in newItems { l.items[i] = item; i += step }
                }
                return
            }
            l.items[try sequenceIndex(index, count: l.items.count, kind: "list assignment")] = value
        case .dict(let d):
            try d.set(index, value)
        case .object(let o):
            try o.setItem(index, value, self)
        case .tensor(let t):
            let items = try indexItems(index)
            let source: Tensor
            if let s = try scalarTensor(value, like: t) { source = s } else { source = try tensorValue(value, "value") }
            try engine { try t.setIndex(items, source) }
        case .instance(let inst):
            if let m = inst.cls.lookup("__setitem__") { _ = try call(m, [v, index, value]); return }
            throw LangError("'\(inst.cls.name)' object does not support item assignment")
        default:
            throw LangError("'\(v.typeName)' object does not support item assignment")
        }
    }

    func deleteItem(_ v: Value, _ index: Value) throws {
        switch v {
        case .list(let l):
            if case .object(let o) = index, let s = o as? SliceObject {
                let (start, stop, step, _) = try s.indices(length: l.items.count)
                if step == 1 { l.items.removeSubrange(start..<max(start, stop)); return }
                throw LangError("deleting an extended slice is not supported")
            }
            l.items.remove(at: try sequenceIndex(index, count: l.items.count, kind: "list assignment"))
        case .dict(let d):
            guard try d.remove(index) != nil else { throw LangError("KeyError: \(try repr(index))") }
        default:
            throw LangError("'\(v.typeName)' object doesn't support item deletion")
        }
    }

    // MARK: Iteration

    func makeIterator(_ v: Value) throws -> ValueIterator {
        switch v {
        case .list(let l): return ListIterator(l)
        case .tuple(let t): return ArrayIterator(t)
        case .str(let s): return ArrayIterator(s.map { .str(String($0)) })
        case .dict(let d): return ArrayIterator(d.keys)
        case .object(let o):
            if let it = try o.makeIterator(self) { return it }
            throw LangError("'\(o.typeName)' object is not iterable")
        case .tensor(let t):
            guard t.ndim > 0 else { throw LangError("iteration over a 0-d tensor") }
            var i = 0
            let n = t.shape[0]
            return ClosureIterator(count: n) { [self] in
                guard i < n else { return nil }
                defer { i += 1 }
                return .tensor(try engine { try t.index([.int(i)]) })
            }
        case .instance(let inst):
            if let m = inst.cls.lookup("__iter__") { return try makeIterator(call(m, [v])) }
            if inst.cls.lookup("__getitem__") != nil, let lenMethod = inst.cls.lookup("__len__") {
                let n = try intValue(call(lenMethod, [v]))
                var items: [Value] = []
                for i in 0..<max(0, n) { items.append(try getItem(v, .int(i))) }
                return ArrayIterator(items)
            }
            throw LangError("'\(inst.cls.name)' object is not iterable")
        default:
            throw LangError("'\(v.typeName)' object is not iterable")
        }
    }

    func iterateToArray(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default:
            let it = try makeIterator(v)
            var out: [Value] = []
            while let item = try it.next() {
                try tick()
                out.append(item)
            }
            return out
        }
    }

    func length(_ v: Value) throws -> Int {
        switch v {
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .str(let s): return s.count
        case .dict(let d): return d.count
        case .object(let o):
            if let n = try o.length(self) { return n }
        case .tensor(let t):
            guard t.ndim > 0 else { throw LangError("len() of a 0-d tensor") }
            return t.shape[0]
        case .instance(let inst):
            if let m = inst.cls.lookup("__len__") { return try intValue(call(m, [v])) }
        default: break
        }
        throw LangError("object of type '\(v.typeName)' has no len()")
    }
}
