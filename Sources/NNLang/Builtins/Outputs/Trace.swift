import Foundation

/// `trace(f, x1=2.0, x2=5.0)`: evaluates `f` on traced scalars and renders the forward
/// primal trace and the reverse adjoint trace in the style of Baydin et al. (2018),
/// "Automatic Differentiation in Machine Learning: a Survey", Table 2.
final class TraceTape {
    struct Entry {
        var index: Int          // v-subscript: inputs are 1-n … 0, then 1, 2, …
        var expression: String  // "ln v₋₁", "v₋₁ × v₀"
        var value: Double
        /// For each input variable: its index, the partial's text and value.
        var partials: [(input: Int, text: String, value: Double)]
    }
    var entries: [Entry] = []
    var inputNames: [String] = []
    var nextIndex = 1

    /// Puts the trace in level order — each operation after all of its operands, and
    /// operations of equal depth in evaluation order — and renumbers the variables. This
    /// is the order of Baydin et al.'s Table 2 (all functions of the inputs first), where
    /// Python's left-to-right evaluation would interleave them.
    func levelOrder() -> [Int: Int] {
        var level: [Int: Int] = [:]
        for e in entries {
            level[e.index] = 1 + (e.partials.map { level[$0.input] ?? 0 }.max() ?? 0)
        }
        let sorted = entries.enumerated().sorted { a, b in
            let (la, lb) = (level[a.element.index] ?? 0, level[b.element.index] ?? 0)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
        var renumber: [Int: Int] = [:]
        for e in entries where e.index <= 0 { renumber[e.index] = e.index }
        for (i, e) in sorted.enumerated() { renumber[e.index] = i + 1 }
        entries = sorted.map { e in
            var copy = e
            copy.index = renumber[e.index] ?? e.index
            copy.partials = e.partials.map { (renumber[$0.input] ?? $0.input, $0.text, $0.value) }
            return copy
        }
        return renumber
    }

    /// Replaces variable placeholders with their names under the new numbering.
    func render(_ text: String, _ renumber: [Int: Int]) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstIndex(of: "\u{1}"), let end = rest[start...].firstIndex(of: "\u{2}") {
            out += rest[..<start]
            let old = Int(rest[rest.index(after: start)..<end]) ?? 0
            out += "v" + subscriptNumber(old <= 0 ? old : (renumber[old] ?? old))
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    func record(_ expression: String, _ value: Double, _ partials: [(Int, String, Double)]) -> TraceVar {
        let entry = Entry(index: nextIndex, expression: expression, value: value, partials: partials.map { ($0.0, $0.1, $0.2) })
        entries.append(entry)
        nextIndex += 1
        return TraceVar(tape: self, index: entry.index, value: value)
    }
}

/// A traced scalar: arithmetic and elementary functions on it are recorded on the tape.
final class TraceVar: NativeObject {
    unowned let tape: TraceTape
    let index: Int
    let value: Double
    init(tape: TraceTape, index: Int, value: Double) {
        self.tape = tape
        self.index = index
        self.value = value
    }
    override var typeName: String { "float" }
    override func repr(_ interpreter: Interpreter) throws -> String { pythonFloatRepr(value) }
    override func truthy(_ interpreter: Interpreter) throws -> Bool { value != 0 }

    /// A placeholder for this variable in recorded text; rendered as `vᵢ` after the
    /// trace is put in level order (see `TraceTape.levelOrder`).
    var name: String { "\u{1}\(index)\u{2}" }

    private func operand(_ v: Value, _ rt: Interpreter) throws -> (text: String, value: Double, index: Int?)? {
        switch v {
        case .object(let o as TraceVar): return (o.name, o.value, o.index)
        default:
            guard let d = rt.number(v) else { return nil }
            return (traceNumber(d), d, nil)
        }
    }

    override func binary(_ op: BinaryOp, _ other: Value, reversed: Bool, _ rt: Interpreter) throws -> Value? {
        guard let o = try operand(other, rt) else { return nil }
        let mine = (text: name, value: value, index: Optional(index))
        let (a, b) = reversed ? (o, mine) : (mine, o)
        // Unary minus arrives as 0 - x.
        if op == .subtract && reversed, case .int(0) = other {
            return .object(tape.record("−\(name)", -value, [(index, "−1", -1)]))
        }
        var partials: [(Int, String, Double)] = []
        func add(_ x: (text: String, value: Double, index: Int?), _ text: String, _ v: Double) {
            if let i = x.index { partials.append((i, text, v)) }
        }
        let result: Double
        let symbol: String
        switch op {
        case .add:
            result = a.value + b.value; symbol = "+"
            add(a, "1", 1); add(b, "1", 1)
        case .subtract:
            result = a.value - b.value; symbol = "−"
            add(a, "1", 1); add(b, "−1", -1)
        case .multiply:
            result = a.value * b.value; symbol = "×"
            add(a, b.text, b.value); add(b, a.text, a.value)
        case .divide:
            guard b.value != 0 else { throw LangError("float division by zero") }
            result = a.value / b.value; symbol = "/"
            add(a, "1/\(b.text)", 1 / b.value); add(b, "−\(a.text)/\(b.text)²", -a.value / (b.value * b.value))
        case .power:
            result = Foundation.pow(a.value, b.value); symbol = "^"
            add(a, "\(b.text)·\(a.text)^(\(b.text)−1)", b.value * Foundation.pow(a.value, b.value - 1))
            if b.index != nil { add(b, "ln \(a.text)·\(a.text)^\(b.text)", Foundation.log(a.value) * result) }
        default:
            return nil
        }
        let expression = op == .power ? "\(a.text)^\(b.text)" : "\(a.text) \(symbol) \(b.text)"
        return .object(tape.record(expression, result, partials))
    }

    /// An elementary function of this variable (`log`, `sin`, …), or nil if unknown.
    func apply(_ function: String) throws -> Value? {
        let x = value
        let (text, y, dText, d): (String, Double, String, Double)
        switch function {
        case "log":
            guard x > 0 else { throw LangError("math domain error") }
            (text, y, dText, d) = ("ln \(name)", Foundation.log(x), "1/\(name)", 1 / x)
        case "exp": (text, y, dText, d) = ("exp \(name)", Foundation.exp(x), "exp \(name)", Foundation.exp(x))
        case "sin": (text, y, dText, d) = ("sin \(name)", Foundation.sin(x), "cos \(name)", Foundation.cos(x))
        case "cos": (text, y, dText, d) = ("cos \(name)", Foundation.cos(x), "−sin \(name)", -Foundation.sin(x))
        case "tanh": (text, y, dText, d) = ("tanh \(name)", Foundation.tanh(x), "1 − tanh² \(name)", 1 - Foundation.tanh(x) * Foundation.tanh(x))
        case "sqrt": (text, y, dText, d) = ("√\(name)", Foundation.sqrt(x), "1/(2√\(name))", 0.5 / Foundation.sqrt(x))
        case "sigmoid":
            let s = 1 / (1 + Foundation.exp(-x))
            (text, y, dText, d) = ("σ(\(name))", s, "σ(\(name))(1 − σ(\(name)))", s * (1 - s))
        case "relu": (text, y, dText, d) = ("relu \(name)", max(x, 0), x > 0 ? "1" : "0", x > 0 ? 1 : 0)
        case "neg": (text, y, dText, d) = ("−\(name)", -x, "−1", -1)
        case "abs": (text, y, dText, d) = ("|\(name)|", abs(x), x >= 0 ? "1" : "−1", x >= 0 ? 1 : -1)
        default: return nil
        }
        return .object(tape.record(text, y, [(index, dText, d)]))
    }
}

private let subscriptDigits: [Character] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]

func subscriptNumber(_ n: Int) -> String {
    (n < 0 ? "₋" : "") + String(String(abs(n)).map { subscriptDigits[Int(String($0)) ?? 0] })
}

/// `x1` → `x₁`: trailing digits as subscripts.
func subscriptName(_ name: String) -> String {
    let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, digits.count < name.count else { return name }
    return String(name.dropLast(digits.count)) + String(digits.reversed().map { subscriptDigits[Int(String($0)) ?? 0] })
}

/// Numbers in trace tables: three decimals at most, trailing zeros dropped, and a true
/// minus sign, as in the paper (`0.693`, `10`, `−0.959`).
func traceNumber(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "−inf" : "inf" }
    var s = String(format: "%.3f", d)
    while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
    if s == "-0" { s = "0" }
    return s.replacingOccurrences(of: "-", with: "−")
}

extension Library {
    func registerTrace() {
        function("trace", "f, **inputs", doc: "Forward primal and reverse adjoint traces of f at the given scalar inputs (Baydin et al. 2018, Table 2).") { a in
            let rt = a.interpreter
            let tape = TraceTape()
            let inputs = a.keywords
            if inputs.isEmpty { throw LangError("trace(f, x1=…, x2=…) needs the input values as keywords") }
            var args: [(String, Value)] = []
            for (i, (name, value)) in inputs.enumerated() {
                guard let d = rt.number(value) else { throw LangError("trace(): input '\(name)' must be a number, not \(value.typeName)") }
                let v = TraceVar(tape: tape, index: i + 1 - inputs.count, value: d)
                tape.inputNames.append(name)
                args.append((name, .object(v)))
            }
            let result = try rt.call(a["f"], [], args)
            guard case .object(let out as TraceVar) = result else {
                throw LangError("trace(): f must compute its result from its inputs with arithmetic and elementary functions (got \(result.typeName))")
            }
            let n = inputs.count
            let renumber = tape.levelOrder()
            let outIndex = renumber[out.index] ?? out.index
            var forward: [[String]] = []
            for (i, (name, value)) in inputs.enumerated() {
                forward.append(["v\(subscriptNumber(i + 1 - n))", subscriptName(name), traceNumber(rt.number(value) ?? 0)])
            }
            for e in tape.entries {
                forward.append(["v\(subscriptNumber(e.index))", tape.render(e.expression, renumber), traceNumber(e.value)])
            }
            forward.append(["y", "v\(subscriptNumber(outIndex))", traceNumber(out.value)])
            // Reverse sweep: adjoints accumulate from the output back to the inputs.
            var adjoint: [Int: Double] = [outIndex: 1]
            let bar = "\u{0304}"
            func vbar(_ i: Int) -> String { "v\(bar)\(subscriptNumber(i))" }
            var reverse: [[String]] = [[vbar(outIndex), "ȳ", "1"]]
            for e in tape.entries.reversed() {
                guard let upstream = adjoint[e.index] else { continue }
                for p in e.partials {
                    let contribution = upstream * p.value
                    let term = "\(vbar(e.index)) ∂v\(subscriptNumber(e.index))/∂v\(subscriptNumber(p.input))"
                    let partialText = tape.render(p.text, renumber)
                    let shown = partialText == "1" ? vbar(e.index) : "\(vbar(e.index)) × \(partialText)"
                    if let previous = adjoint[p.input] {
                        adjoint[p.input] = previous + contribution
                        reverse.append([vbar(p.input), "\(vbar(p.input)) + \(term) = \(vbar(p.input)) + \(shown)", traceNumber(previous + contribution)])
                    } else {
                        adjoint[p.input] = contribution
                        reverse.append([vbar(p.input), "\(term) = \(shown)", traceNumber(contribution)])
                    }
                }
            }
            for (i, (name, _)) in inputs.enumerated() {
                let index = i + 1 - n
                let shown = subscriptName(name)
                reverse.append([String(shown.prefix(1)) + bar + shown.dropFirst(), vbar(index), traceNumber(adjoint[index] ?? 0)])
            }
            try rt.emit(.table(OutputTable(title: "Forward primal trace", header: ["", "", "value"],
                                       rightAligned: [false, false, true], rows: forward)))
            try rt.emit(.table(OutputTable(title: "Reverse adjoint trace", header: ["", "", "value"],
                                       rightAligned: [false, false, true], rows: reverse)))
            return .none
        }
    }
}
