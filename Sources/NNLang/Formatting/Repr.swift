import Foundation

/// Python's `repr()` and `str()` for nn values.
extension Interpreter {
    public func repr(_ v: Value) throws -> String {
        var out = ""
        try writeRepr(v, into: &out, depth: 0)
        return out
    }

    public func str(_ v: Value) throws -> String {
        switch v {
        case .str(let s): return s
        case .instance(let inst):
            if let m = inst.cls.lookup("__str__") { return try stringResult(call(m, [v]), "__str__") }
            return try repr(v)
        case .object(let o): return try o.str(self)
        default: return try repr(v)
        }
    }

    private func stringResult(_ v: Value, _ method: String) throws -> String {
        guard case .str(let s) = v else { throw LangError("\(method) returned non-string (type \(v.typeName))") }
        return s
    }

    private func writeRepr(_ v: Value, into out: inout String, depth: Int) throws {
        if depth > 200 { out += "..."; return }
        switch v {
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .float(let d): out += pythonFloatRepr(d)
        case .str(let s): out += pythonStringRepr(s)
        case .list(let l):
            out += "["
            for (i, item) in l.items.enumerated() {
                if i > 0 { out += ", " }
                if case .list(let inner) = item, inner === l { out += "[...]"; continue }
                try writeRepr(item, into: &out, depth: depth + 1)
            }
            out += "]"
        case .tuple(let t):
            out += "("
            for (i, item) in t.enumerated() {
                if i > 0 { out += ", " }
                try writeRepr(item, into: &out, depth: depth + 1)
            }
            out += t.count == 1 ? ",)" : ")"
        case .dict(let d):
            out += "{"
            for i in 0..<d.count {
                if i > 0 { out += ", " }
                try writeRepr(d.keys[i], into: &out, depth: depth + 1)
                out += ": "
                try writeRepr(d.values[i], into: &out, depth: depth + 1)
            }
            out += "}"
        case .function(let f):
            out += f.code.name == "<lambda>" ? "<function <lambda>>" : "<function \(f.code.qualifiedName)>"
        case .builtin(let b): out += "<built-in function \(b.name)>"
        case .boundMethod(let m):
            let name: String
            switch m.function {
            case .function(let f): name = f.code.qualifiedName
            case .builtin(let b): name = "\(m.receiver.typeName).\(b.name)"
            default: name = "method"
            }
            out += "<bound method \(name)>"
        case .classObject(let c): out += "<class '\(c.name)'>"
        case .instance(let inst):
            if let m = inst.cls.lookup("__repr__") {
                out += try stringResult(call(m, [v]), "__repr__")
            } else if inst.cls.isModule {
                out += try moduleRepr(inst)
            } else {
                out += "<\(inst.cls.name) object>"
            }
        case .object(let o): out += try o.repr(self)
        case .tensor(let t): out += tensorRepr(t)
        case .undefined: out += "<undefined>"
        }
    }

    /// PyTorch's module repr: the class name and each sub-module on its own line.
    func moduleRepr(_ inst: Instance) throws -> String {
        var children: [(String, Value)] = []
        for (name, value) in zip(inst.attributeNames, inst.attributeValues) {
            if isModuleValue(value) {
                children.append((name, value))
            } else if case .list(let l) = value, !l.items.isEmpty, l.items.allSatisfy(isModuleValue) {
                children.append((name, .object(ModuleListView(l))))
            }
        }
        let extra = try inst.cls.lookup("extra_repr").map { try str(call($0, [.instance(inst)])) } ?? ""
        if children.isEmpty { return "\(inst.cls.name)(\(extra))" }
        var lines = ["\(inst.cls.name)("]
        if !extra.isEmpty { lines.append("  " + extra) }
        for (name, value) in children {
            let text = try repr(value).replacingOccurrences(of: "\n", with: "\n  ")
            lines.append("  (\(name)): \(text)")
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }

    func isModuleValue(_ v: Value) -> Bool {
        switch v {
        case .instance(let i): return i.cls.isModule
        case .object(let o): return o is ModuleLike
        default: return false
        }
    }
}

/// Library objects that behave as modules (parameters, sub-modules, train/eval).
public protocol ModuleLike: AnyObject {
    /// Direct parameters and sub-modules, in registration order, for `parameters()` and repr.
    func namedMembers() -> [(name: String, value: Value)]
}

/// Displays a plain list of modules the way PyTorch displays a `ModuleList`.
final class ModuleListView: NativeObject {
    let list: ListObject
    init(_ list: ListObject) { self.list = list }
    override var typeName: String { "ModuleList" }
    override func repr(_ interpreter: Interpreter) throws -> String {
        var lines = ["ModuleList("]
        for (i, item) in list.items.enumerated() {
            let text = try interpreter.repr(item).replacingOccurrences(of: "\n", with: "\n  ")
            lines.append("  (\(i)): \(text)")
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }
}

/// Python's float repr: the shortest string that round-trips, in exponent notation
/// when the decimal exponent is below -4 or at least 16 (`1e-05`, `1e+16`).
public func pythonFloatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description gives the shortest round-trip digits; re-layout them as Python.
    let (digits, exponent, negative) = shortestDigits(d)
    let sign = negative ? "-" : ""
    let decimalExponent = exponent  // value = 0.d1d2… × 10^exponent
    let sciExponent = decimalExponent - 1
    if sciExponent < -4 || sciExponent >= 16 {
        var mantissa = String(digits.first!)
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let expSign = sciExponent < 0 ? "-" : "+"
        let expDigits = String(abs(sciExponent))
        return sign + mantissa + "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
    }
    if decimalExponent <= 0 {
        return sign + "0." + String(repeating: "0", count: -decimalExponent) + digits
    }
    if decimalExponent >= digits.count {
        return sign + digits + String(repeating: "0", count: decimalExponent - digits.count) + ".0"
    }
    let i = digits.index(digits.startIndex, offsetBy: decimalExponent)
    return sign + digits[..<i] + "." + digits[i...]
}

/// The shortest round-trip decimal digits of `d` and its exponent: d = 0.DIGITS × 10^exp.
func shortestDigits(_ d: Double) -> (String, Int, Bool) {
    let text = abs(d).description  // e.g. "0.1", "1e-05", "1.2345e+17", "100.0"
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = text[..<e]
        exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    var intPart = Substring(mantissa)
    var fracPart = Substring("")
    if let dot = mantissa.firstIndex(of: ".") {
        intPart = mantissa[..<dot]
        fracPart = mantissa[mantissa.index(after: dot)...]
    }
    var digits = String(intPart) + String(fracPart)
    var pointPosition = intPart.count + exponent
    // Strip leading zeros (moving the point) and trailing zeros.
    while digits.count > 1 && digits.first == "0" {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.count > 1 && digits.last == "0" { digits.removeLast() }
    return (digits, pointPosition, d < 0)
}

/// Python's string repr: single quotes unless the string contains one and no double quote.
public func pythonStringRepr(_ s: String) -> String {
    let useDouble = s.contains("'") && !s.contains("\"")
    let quote: Character = useDouble ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(scalar) == quote {
                out += "\\" + String(quote)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out.append(quote)
    return out
}
