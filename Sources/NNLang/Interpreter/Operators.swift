import Foundation

/// Python's arithmetic, comparison, equality and truth rules.
extension Interpreter {
    func overflow(_ op: String, _ a: Int, _ b: Int) -> LangError {
        LangError("integer overflow: \(a) \(op) \(b) does not fit in 64 bits (nn ints are 64-bit)")
    }

    /// Numeric view of a value for mixed arithmetic; nil when not a number.
    @inline(__always)
    func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    func unsupported(_ op: String, _ l: Value, _ r: Value) -> LangError {
        LangError("unsupported operand type(s) for \(op): '\(l.typeName)' and '\(r.typeName)'")
    }

    func binary(_ op: BinaryOp, _ l: Value, _ r: Value) throws -> Value {
        switch (l, r) {
        case (.int(let a), .int(let b)): return try intBinary(op, a, b)
        case (.bool(let a), .int(let b)): return try intBinary(op, a ? 1 : 0, b)
        case (.int(let a), .bool(let b)): return try intBinary(op, a, b ? 1 : 0)
        case (.bool(let a), .bool(let b)):
            switch op {
            case .bitAnd: return .bool(a && b)
            case .bitOr: return .bool(a || b)
            case .bitXor: return .bool(a != b)
            default: return try intBinary(op, a ? 1 : 0, b ? 1 : 0)
            }
        default: break
        }
        if op != .matmul && op != .bitAnd && op != .bitOr && op != .bitXor, let a = number(l), let b = number(r) {
            return try floatBinary(op, a, b)
        }
        if let result = try library.tensorBinary?(op, l, r, self) { return result }
        if case .object(let o) = l, let result = try o.binary(op, r, reversed: false, self) { return result }
        if case .object(let o) = r, let result = try o.binary(op, l, reversed: true, self) { return result }
        switch (op, l, r) {
        case (.add, .str(let a), .str(let b)):
            try checkSequenceSize("str", count: a.utf8.count + b.utf8.count, itemBytes: 1)
            return .str(a + b)
        case (.add, .list(let a), .list(let b)):
            try checkSequenceSize("list", count: a.items.count + b.items.count, itemBytes: MemoryLayout<Value>.stride)
            return .list(ListObject(a.items + b.items))
        case (.add, .tuple(let a), .tuple(let b)):
            try checkSequenceSize("tuple", count: a.count + b.count, itemBytes: MemoryLayout<Value>.stride)
            return .tuple(a + b)
        case (.multiply, .str(let s), _), (.multiply, _, .str(let s)):
            guard let n = repeatCount(l, r) else { break }
            try checkRepetition("str", count: s.utf8.count, times: n, itemBytes: 1)
            return .str(n <= 0 ? "" : String(repeating: s, count: n))
        case (.multiply, .list(let a), _), (.multiply, _, .list(let a)):
            guard let n = repeatCount(l, r) else { break }
            try checkRepetition("list", count: a.items.count, times: n, itemBytes: MemoryLayout<Value>.stride)
            return .list(ListObject(repeated(a.items, n)))
        case (.multiply, .tuple(let a), _), (.multiply, _, .tuple(let a)):
            guard let n = repeatCount(l, r) else { break }
            try checkRepetition("tuple", count: a.count, times: n, itemBytes: MemoryLayout<Value>.stride)
            return .tuple(repeated(a, n))
        case (.modulo, .str(let format), _):
            return .str(try percentFormat(format, r))
        default: break
        }
        if case .instance(let inst) = l, let method = inst.cls.lookup(dunder(op)) {
            return try call(method, [l, r])
        }
        if case .instance(let inst) = r, let method = inst.cls.lookup(reflectedDunder(op)) {
            return try call(method, [r, l])
        }
        if op == .add, case .list = l {
            throw LangError("can only concatenate list (not \"\(r.typeName)\") to list")
        }
        if op == .add, case .str = l {
            throw LangError("can only concatenate str (not \"\(r.typeName)\") to str")
        }
        if op == .add, case .tuple = l {
            throw LangError("can only concatenate tuple (not \"\(r.typeName)\") to tuple")
        }
        throw unsupported(op.rawValue, l, r)
    }

    private func dunder(_ op: BinaryOp) -> String {
        switch op {
        case .add: return "__add__"
        case .subtract: return "__sub__"
        case .multiply: return "__mul__"
        case .divide: return "__truediv__"
        case .floorDivide: return "__floordiv__"
        case .modulo: return "__mod__"
        case .power: return "__pow__"
        case .matmul: return "__matmul__"
        case .bitAnd: return "__and__"
        case .bitOr: return "__or__"
        case .bitXor: return "__xor__"
        }
    }

    private func reflectedDunder(_ op: BinaryOp) -> String { "__r" + dunder(op).dropFirst(2) }

    private func repeatCount(_ l: Value, _ r: Value) -> Int? {
        switch (l, r) {
        case (.int(let n), _), (_, .int(let n)): return n
        case (.bool(let b), _), (_, .bool(let b)): return b ? 1 : 0
        default: return nil
        }
    }

    /// `[0] * 10**10` must be an error, not an allocation that takes the machine down: a
    /// repeated sequence may not need more bytes than the session's memory limit.
    private func checkRepetition(_ type: String, count: Int, times n: Int, itemBytes: Int) throws {
        guard n > 0, count > 0 else { return }
        let limit = session.options.maxTensorBytes
        let (items, overflow) = count.multipliedReportingOverflow(by: n)
        let (bytes, overflow2) = items.multipliedReportingOverflow(by: itemBytes)
        if overflow || overflow2 || bytes > limit {
            throw LangError("out of memory: \(type) of \(count) repeated \(n) times would exceed the memory limit of \(limit) bytes")
        }
    }

    /// `s = s + s` in a loop doubles: a concatenation, join or replacement may not build one
    /// sequence larger than the session's memory limit either (it would fail to allocate and
    /// abort the process). Counts are of already existing sequences, so they cannot overflow.
    func checkSequenceSize(_ type: String, count: Int, itemBytes: Int) throws {
        let limit = session.options.maxTensorBytes
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemBytes)
        if overflow || bytes > limit {
            let what = type == "str" ? "a str of \(count) bytes" : "a \(type) of \(count) items"
            throw LangError("out of memory: \(what) would exceed the memory limit of \(limit) bytes")
        }
    }

    private func repeated(_ items: [Value], _ n: Int) -> [Value] {
        guard n > 0 else { return [] }
        var out: [Value] = []
        out.reserveCapacity(items.count * n)
        for _ in 0..<n { out.append(contentsOf: items) }
        return out
    }

    /// `x op= y`: lists extend in place (as Python's `list.__iadd__`); other values
    /// (and tensors, through the library hook) follow their own rule.
    func inPlaceBinary(_ op: BinaryOp, _ l: Value, _ r: Value) throws -> Value {
        if op == .add, case .list(let list) = l {
            let items = try iterateToArray(r)
            try checkSequenceSize("list", count: list.items.count + items.count, itemBytes: MemoryLayout<Value>.stride)
            list.items.append(contentsOf: items)
            return l
        }
        if let result = try library.tensorInPlace?(op, l, r, self) { return result }
        return try binary(op, l, r)
    }

    func intBinary(_ op: BinaryOp, _ a: Int, _ b: Int) throws -> Value {
        switch op {
        case .add:
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw overflow("+", a, b) }
            return .int(v)
        case .subtract:
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow("-", a, b) }
            return .int(v)
        case .multiply:
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if o { throw overflow("*", a, b) }
            return .int(v)
        case .divide:
            if b == 0 { throw LangError("division by zero") }
            return .float(Double(a) / Double(b))
        case .floorDivide:
            if b == 0 { throw LangError("integer division or modulo by zero") }
            if a == Int.min && b == -1 { throw overflow("//", a, b) }
            var q = a / b
            if (a % b != 0) && ((a < 0) != (b < 0)) { q -= 1 }
            return .int(q)
        case .modulo:
            if b == 0 { throw LangError("integer modulo by zero") }
            if b == -1 { return .int(0) }
            var m = a % b
            if m != 0 && ((m < 0) != (b < 0)) { m += b }
            return .int(m)
        case .power:
            if b < 0 {
                if a == 0 { throw LangError("0.0 cannot be raised to a negative power") }
                return .float(Foundation.pow(Double(a), Double(b)))
            }
            var result = 1, base = a, exponent = b
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (v, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw overflow("**", a, b) }
                    result = v
                }
                exponent >>= 1
                if exponent > 0 {
                    let (v, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw overflow("**", a, b) }
                    base = v
                }
            }
            return .int(result)
        case .matmul:
            throw LangError("unsupported operand type(s) for @: 'int' and 'int'")
        case .bitAnd: return .int(a & b)
        case .bitOr: return .int(a | b)
        case .bitXor: return .int(a ^ b)
        }
    }

    func floatBinary(_ op: BinaryOp, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case .add: return .float(a + b)
        case .subtract: return .float(a - b)
        case .multiply: return .float(a * b)
        case .divide:
            if b == 0 { throw LangError("float division by zero") }
            return .float(a / b)
        case .floorDivide:
            if b == 0 { throw LangError("float floor division by zero") }
            return .float(pythonDivmod(a, b).quotient)
        case .modulo:
            if b == 0 { throw LangError("float modulo by zero") }
            return .float(pythonDivmod(a, b).remainder)
        case .power:
            if a == 0 && b < 0 { throw LangError("0.0 cannot be raised to a negative power") }
            if a < 0 && b != b.rounded() && b.isFinite {
                throw LangError("negative number cannot be raised to a fractional power (nn has no complex numbers)")
            }
            return .float(Foundation.pow(a, b))
        case .matmul, .bitAnd, .bitOr, .bitXor:
            throw LangError("unsupported operand type(s) for \(op.rawValue): 'float' and 'float'")
        }
    }

    /// CPython's `float_divmod`, so that `//` and `%` agree with Python on signs and zeros.
    func pythonDivmod(_ vx: Double, _ wx: Double) -> (quotient: Double, remainder: Double) {
        var mod = fmod(vx, wx)
        var div = (vx - mod) / wx
        if mod != 0 {
            if (wx < 0) != (mod < 0) {
                mod += wx
                div -= 1
            }
        } else {
            mod = copysign(0, wx)
        }
        var floordiv: Double
        if div != 0 {
            floordiv = floor(div)
            if div - floordiv > 0.5 { floordiv += 1 }
        } else {
            floordiv = copysign(0, vx / wx)
        }
        return (floordiv, mod)
    }

    func unary(negate: Bool, _ v: Value) throws -> Value {
        switch v {
        case .int(let i):
            if !negate { return v }
            if i == Int.min { throw LangError("integer overflow: -(\(i)) does not fit in 64 bits") }
            return .int(-i)
        case .bool(let b): return .int(negate ? (b ? -1 : 0) : (b ? 1 : 0))
        case .float(let d): return .float(negate ? -d : d)
        default:
            if let result = try library.tensorUnary?(negate, v, self) { return result }
            if case .object(let o) = v, let r = try o.binary(negate ? .subtract : .add, .int(0), reversed: true, self) { return r }
            if case .instance(let inst) = v, let m = inst.cls.lookup(negate ? "__neg__" : "__pos__") {
                return try call(m, [v])
            }
            throw LangError("bad operand type for unary \(negate ? "-" : "+"): '\(v.typeName)'")
        }
    }

    // MARK: Truth

    func truthy(_ v: Value) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .none: return false
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count > 0
        case .object(let o): return try o.truthy(self)
        case .tensor(let t): return try tensorTruth(t)
        case .instance(let inst):
            if let m = inst.cls.lookup("__bool__") { return try truthy(call(m, [v])) }
            if let m = inst.cls.lookup("__len__") { return try truthy(call(m, [v])) }
            return true
        case .undefined: return false
        default: return true
        }
    }

    // MARK: Equality and ordering

    func equals(_ l: Value, _ r: Value) throws -> Bool {
        switch (l, r) {
        case (.int(let a), .int(let b)): return a == b
        case (.str(let a), .str(let b)): return a == b
        case (.none, .none): return true
        case (.none, _), (_, .none): return false
        case (.list(let a), .list(let b)): return try a === b || sequencesEqual(a.items, b.items)
        case (.tuple(let a), .tuple(let b)): return try sequencesEqual(a, b)
        case (.dict(let a), .dict(let b)):
            if a === b { return true }
            guard a.count == b.count else { return false }
            for (k, v) in zip(a.keys, a.values) {
                guard let other = try b.get(k), try equals(v, other) else { return false }
            }
            return true
        case (.function(let a), .function(let b)): return a === b
        case (.builtin(let a), .builtin(let b)): return a === b
        case (.tensor(let a), .tensor(let b)): return a === b
        case (.tensor, _), (_, .tensor): return false
        case (.classObject(let a), .classObject(let b)): return a === b
        case (.instance(let a), .instance(let b)):
            if a === b { return true }
            if let m = a.cls.lookup("__eq__") { return try truthy(call(m, [l, r])) }
            return false
        case (.object(let o), _): return try o.equals(r, self)
        case (_, .object(let o)): return try o.equals(l, self)
        case (.boundMethod(let a), .boundMethod(let b)):
            return try equals(a.receiver, b.receiver) && equals(a.function, b.function)
        default:
            if let a = number(l), let b = number(r) {
                // Compare ints exactly when both are ints (bools included).
                if case .float = l {} else if case .float = r {} else {
                    return (try? intValue(l)) == (try? intValue(r))
                }
                return a == b
            }
            return false
        }
    }

    private func sequencesEqual(_ a: [Value], _ b: [Value]) throws -> Bool {
        guard a.count == b.count else { return false }
        // Lists nested a million deep would overflow the stack: Python's limit and message.
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > Interpreter.maxCallDepth { throw LangError("maximum recursion depth exceeded in comparison") }
        for i in 0..<a.count where !(try equals(a[i], b[i])) { return false }
        return true
    }

    func intValue(_ v: Value) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw LangError("'\(v.typeName)' object cannot be interpreted as an integer")
        }
    }

    /// `<` between two values, as Python orders them.
    func lessThan(_ l: Value, _ r: Value, _ symbol: String = "<") throws -> Bool {
        switch (l, r) {
        case (.int(let a), .int(let b)): return a < b
        case (.str(let a), .str(let b)): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.list(let a), .list(let b)): return try sequenceLess(a.items, b.items)
        case (.tuple(let a), .tuple(let b)): return try sequenceLess(a, b)
        default:
            if let a = number(l), let b = number(r) {
                if case .float = l {} else if case .float = r {} else { return try intValue(l) < intValue(r) }
                return a < b
            }
            throw LangError("'\(symbol)' not supported between instances of '\(l.typeName)' and '\(r.typeName)'")
        }
    }

    private func sequenceLess(_ a: [Value], _ b: [Value]) throws -> Bool {
        for i in 0..<min(a.count, b.count) where !(try equals(a[i], b[i])) {
            return try lessThan(a[i], b[i])
        }
        return a.count < b.count
    }

    func compare(_ op: CompareOp, _ l: Value, _ r: Value) throws -> Value {
        if let result = try library.tensorCompare?(op, l, r, self) { return result }
        switch op {
        case .equal: return .bool(try equals(l, r))
        case .notEqual: return .bool(!(try equals(l, r)))
        case .less: return .bool(try lessThan(l, r, "<"))
        case .greater: return .bool(try lessThan(r, l, ">").self)
        case .lessEqual:
            if case .float(let a) = l, case .float(let b) = r { return .bool(a <= b) }
            return .bool(try !lessThan(r, l, "<=") && comparable(l, r, "<="))
        case .greaterEqual:
            if case .float(let a) = l, case .float(let b) = r { return .bool(a >= b) }
            return .bool(try !lessThan(l, r, ">=") && comparable(l, r, ">="))
        case .isIn: return .bool(try contains(r, l))
        case .notIn: return .bool(!(try contains(r, l)))
        case .is: return .bool(identical(l, r))
        case .isNot: return .bool(!identical(l, r))
        }
    }

    /// NaN is unordered: `<=` must be false when neither `<` nor `==` holds.
    private func comparable(_ l: Value, _ r: Value, _ symbol: String) throws -> Bool {
        if let a = number(l), let b = number(r) { return !(a.isNaN || b.isNaN) }
        return true
    }

    func identical(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.str(let a), .str(let b)): return a == b
        case (.list(let a), .list(let b)): return a === b
        case (.dict(let a), .dict(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        case (.builtin(let a), .builtin(let b)): return a === b
        case (.classObject(let a), .classObject(let b)): return a === b
        case (.instance(let a), .instance(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        case (.tensor(let a), .tensor(let b)): return a === b
        default: return false
        }
    }

    func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .list(let l):
            for v in l.items where try identical(v, item) || equals(v, item) { return true }
            return false
        case .tuple(let t):
            for v in t where try identical(v, item) || equals(v, item) { return true }
            return false
        case .dict(let d): return try d.contains(item)
        case .str(let s):
            guard case .str(let sub) = item else {
                throw LangError("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return sub.isEmpty || s.contains(sub)
        case .object(let o):
            if let r = o as? RangeObject, case .int(let i) = item {
                if r.step > 0 { return i >= r.start && i < r.stop && (i - r.start) % r.step == 0 }
                return i <= r.start && i > r.stop && (r.start - i) % (-r.step) == 0
            }
            if let contained = try o.contains(item, self) { return contained }
            guard let it = try o.makeIterator(self) else {
                throw LangError("argument of type '\(o.typeName)' is not iterable")
            }
            while let v = try it.next() {
                if try equals(v, item) { return true }
            }
            return false
        default:
            throw LangError("argument of type '\(container.typeName)' is not iterable")
        }
    }
}
