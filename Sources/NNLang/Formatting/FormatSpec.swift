import Foundation
import Autograd

/// Python's format-specification mini-language:
/// `[[fill]align][sign][#][0][width][,|_][.precision][type]`,
/// used by f-strings, `format()` and `str.format`.
struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var alternate = false
    var zeroPad = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?
    /// Widths and precisions above this are errors (a width of 10**12 would allocate a terabyte).
    static let maxWidth = 1_000_000

    init(_ text: String) throws {
        let c = Array(text)
        var i = 0
        func isAlign(_ ch: Character) -> Bool { ch == "<" || ch == ">" || ch == "^" || ch == "=" }
        if c.count >= 2 && isAlign(c[1]) {
            fill = c[0]
            align = c[1]
            i = 2
        } else if c.count >= 1 && isAlign(c[0]) {
            align = c[0]
            i = 1
        }
        if i < c.count && (c[i] == "+" || c[i] == "-" || c[i] == " ") { sign = c[i]; i += 1 }
        if i < c.count && c[i] == "#" { alternate = true; i += 1 }
        if i < c.count && c[i] == "0" {
            zeroPad = true
            i += 1
        }
        var widthText = ""
        while i < c.count, c[i].isASCII, c[i].isNumber { widthText.append(c[i]); i += 1 }
        if !widthText.isEmpty {
            guard let value = Int(widthText), value <= FormatSpec.maxWidth else {
                throw LangError("format width \(widthText) is too large (the limit is \(FormatSpec.maxWidth))")
            }
            width = value
        }
        if i < c.count && (c[i] == "," || c[i] == "_") { grouping = c[i]; i += 1 }
        if i < c.count && c[i] == "." {
            i += 1
            var p = ""
            while i < c.count, c[i].isASCII, c[i].isNumber { p.append(c[i]); i += 1 }
            guard !p.isEmpty else { throw LangError("Format specifier missing precision") }
            guard let value = Int(p), value <= FormatSpec.maxWidth else {
                throw LangError("format precision \(p) is too large (the limit is \(FormatSpec.maxWidth))")
            }
            precision = value
        }
        if i < c.count {
            type = c[i]
            i += 1
        }
        if i != c.count { throw LangError("Invalid format specifier '\(text)'") }
    }

    /// Pads `body` (already signed) to the width with the fill and alignment.
    func pad(_ body: String, numeric: Bool) -> String {
        let length = body.count
        guard width > length else { return body }
        let padding = width - length
        var alignment = align ?? (numeric ? ">" : "<")
        var fillChar = fill
        if zeroPad && align == nil && numeric { alignment = "="; fillChar = "0" }
        switch alignment {
        case "<": return body + String(repeating: fillChar, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: fillChar, count: left) + body + String(repeating: fillChar, count: padding - left)
        case "=":
            // Padding goes between the sign and the digits.
            if let first = body.first, first == "-" || first == "+" || first == " " {
                return String(first) + String(repeating: fillChar, count: padding) + body.dropFirst()
            }
            return String(repeating: fillChar, count: padding) + body
        default: return String(repeating: fillChar, count: padding) + body
        }
    }
}

/// Inserts a grouping separator every three digits of the integer part.
func groupDigits(_ number: String, separator: Character) -> String {
    var intPart = Substring(number)
    var rest = Substring("")
    if let i = number.firstIndex(where: { !$0.isNumber }) {
        intPart = number[..<i]
        rest = number[i...]
    }
    var out = ""
    for (i, ch) in intPart.enumerated() {
        if i > 0 && (intPart.count - i) % 3 == 0 { out.append(separator) }
        out.append(ch)
    }
    return out + rest
}

func cFormat(_ format: String, _ value: Double) -> String {
    String(format: format, value)
}

/// Formats a float with one of Python's presentation types.
func formatFloat(_ value: Double, _ spec: FormatSpec) throws -> String {
    let negative = value.sign == .minus && !(value == 0 && false)
    let magnitude = abs(value)
    var body: String
    var type = spec.type
    var addPointZero = false
    if type == nil {
        if spec.precision == nil {
            body = pythonFloatRepr(magnitude)
        } else {
            type = "g"
            addPointZero = true
            body = ""
        }
    } else {
        body = ""
    }
    if let t = type {
        let p = spec.precision ?? 6
        let alt = spec.alternate ? "#" : ""
        switch t {
        case "f", "F":
            body = cFormat("%\(alt).\(p)f", magnitude)
        case "e", "E":
            body = cFormat("%\(alt).\(p)e", magnitude)
        case "g", "G":
            body = cFormat("%\(alt).\(max(p, 1) == 0 ? 1 : (p == 0 ? 1 : p))g", magnitude)
            if addPointZero && magnitude.isFinite && !body.contains(".") && !body.contains("e") {
                body += ".0"
            }
        case "%":
            body = cFormat("%\(alt).\(p)f", magnitude * 100) + "%"
        case "n":
            body = cFormat("%.\(p)g", magnitude)
        default:
            throw LangError("Unknown format code '\(t)' for object of type 'float'")
        }
        if t == "F" || t == "E" || t == "G" { body = body.uppercased() }
    }
    if let g = spec.grouping, magnitude.isFinite { body = groupDigits(body, separator: g) }
    return spec.pad(signPrefix(negative && !value.isNaN, spec) + body, numeric: true)
}

private func signPrefix(_ negative: Bool, _ spec: FormatSpec) -> String {
    if negative { return "-" }
    switch spec.sign {
    case "+": return "+"
    case " ": return " "
    default: return ""
    }
}

func formatInt(_ value: Int, _ spec: FormatSpec) throws -> String {
    let type = spec.type ?? "d"
    switch type {
    case "d", "n":
        var body = String(value.magnitude)
        if let g = spec.grouping { body = groupDigits(body, separator: g) }
        return spec.pad(signPrefix(value < 0, spec) + body, numeric: true)
    case "x", "X", "o", "b":
        let radix = type == "o" ? 8 : (type == "b" ? 2 : 16)
        var body = String(value.magnitude, radix: radix, uppercase: type == "X")
        if spec.alternate { body = (type == "o" ? "0o" : type == "b" ? "0b" : type == "X" ? "0X" : "0x") + body }
        return spec.pad(signPrefix(value < 0, spec) + body, numeric: true)
    case "c":
        guard let scalar = Unicode.Scalar(UInt32(clamping: max(0, value))) else { throw LangError("%c arg not in range(0x110000)") }
        return spec.pad(String(Character(scalar)), numeric: false)
    case "e", "E", "f", "F", "g", "G", "%":
        return try formatFloat(Double(value), spec)
    case "s":
        throw LangError("Unknown format code 's' for object of type 'int'")
    default:
        throw LangError("Unknown format code '\(type)' for object of type 'int'")
    }
}

extension Interpreter {
    /// `format(value, spec)`: the mini-language applied to numbers, strings and
    /// (through the library hook) one-element tensors.
    func format(_ value: Value, spec text: String) throws -> String {
        if text.isEmpty { return try str(value) }
        let spec = try FormatSpec(text)
        switch value {
        case .int(let i): return try formatInt(i, spec)
        case .bool(let b): return try formatInt(b ? 1 : 0, spec)
        case .float(let d): return try formatFloat(d, spec)
        case .str(let s):
            if let t = spec.type, t != "s" { throw LangError("Unknown format code '\(t)' for object of type 'str'") }
            if spec.sign != "-" { throw LangError("Sign not allowed in string format specifier") }
            var body = s
            if let p = spec.precision { body = String(s.prefix(p)) }
            return spec.pad(body, numeric: false)
        case .tensor(let t) where t.numel() != 1:
            throw LangError("unsupported format string passed to Tensor.__format__")
        default:
            if let scalar = try library.tensorScalar?(value, self) { return try format(scalar, spec: text) }
            if case .instance(let inst) = value, let m = inst.cls.lookup("__format__") {
                return try str(call(m, [value, .str(text)]))
            }
            if spec.type == nil && spec.precision == nil {
                return spec.pad(try str(value), numeric: false)
            }
            throw LangError("unsupported format string passed to \(value.typeName).__format__")
        }
    }

    /// `"%.3f" % x` — printf-style formatting of strings.
    func percentFormat(_ format: String, _ argument: Value) throws -> String {
        var args: [Value]
        if case .tuple(let t) = argument { args = t } else { args = [argument] }
        let chars = Array(format)
        var out = ""
        var i = 0
        var next = 0
        while i < chars.count {
            let c = chars[i]
            if c != "%" { out.append(c); i += 1; continue }
            i += 1
            guard i < chars.count else { throw LangError("incomplete format") }
            if chars[i] == "%" { out.append("%"); i += 1; continue }
            var flags = ""
            while i < chars.count, "-+ #0".contains(chars[i]) { flags.append(chars[i]); i += 1 }
            var width = ""
            while i < chars.count, chars[i].isNumber { width.append(chars[i]); i += 1 }
            var precision = ""
            if i < chars.count, chars[i] == "." {
                precision = "."
                i += 1
                while i < chars.count, chars[i].isNumber { precision.append(chars[i]); i += 1 }
            }
            guard i < chars.count else { throw LangError("incomplete format") }
            let type = chars[i]
            i += 1
            guard next < args.count else { throw LangError("not enough arguments for format string") }
            let arg = args[next]
            next += 1
            var specText = ""
            if flags.contains("-") { specText += "<" } else if type == "s" || type == "r" { specText += ">" }
            if flags.contains("+") { specText += "+" } else if flags.contains(" ") { specText += " " }
            if flags.contains("0") && !flags.contains("-") { specText += "0" }
            specText += width + (precision == "." ? ".0" : precision)
            switch type {
            case "s": out += try self.format(.str(try str(arg)), spec: specText)
            case "r": out += try self.format(.str(try repr(arg)), spec: specText)
            case "d", "i":
                let n: Value
                if case .float(let d) = arg { n = .int(Int(d)) } else { n = arg }
                out += try self.format(n, spec: specText + "d")
            case "f", "F", "e", "E", "g", "G", "x", "X", "o":
                out += try self.format(arg, spec: specText + String(type))
            default:
                throw LangError("unsupported format character '\(type)'")
            }
        }
        if next < args.count { throw LangError("not all arguments converted during string formatting") }
        return out
    }
}
