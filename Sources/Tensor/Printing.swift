import Foundation

/// PyTorch's print options (`torch.set_printoptions`), owned by whoever prints (a session).
public struct PrintOptions: Sendable, Equatable {
    public var precision = 4
    /// Tensors with more elements than this print summarised with `...`.
    public var threshold = 1000
    public var edgeItems = 3
    public var lineWidth = 80
    /// Force (true) or forbid (false) scientific notation; nil lets the values decide.
    public var sciMode: Bool? = nil
    public init() {}
}

extension NDArray: CustomStringConvertible {
    /// `tensor([...])` exactly as PyTorch prints it, with default options.
    public var description: String { formatted() }

    /// `tensor([...], <suffixes>)` as PyTorch prints it. `suffixes` are extra items such as
    /// `grad_fn=<MulBackward0>` (added after the dtype, wrapped at the line width).
    public func formatted(options: PrintOptions = PrintOptions(), suffixes extra: [String] = []) -> String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let body: String
        if count == 0 {
            if ndim != 1 { suffixes.append("size=(" + shape.map(String.init).joined(separator: ", ") + (ndim == 1 ? ",)" : ")")) }
            if dtype != .float32 { suffixes.append("dtype=" + dtype.torchName) }
            body = "[]"
        } else {
            if dtype == .float64 { suffixes.append("dtype=" + dtype.torchName) }
            let summarize = count > options.threshold
            let formatter = ValueFormatter(values: summarizedValues(summarize: summarize, edge: options.edgeItems),
                                           dtype: dtype, options: options)
            body = tensorString(indent: indent, summarize: summarize, formatter: formatter, options: options)
        }
        suffixes.append(contentsOf: extra)
        return addSuffixes(prefix + body, suffixes, indent: indent, lineWidth: options.lineWidth)
    }

    /// Values the formatter sizes itself from: all, or the edge items of a summarised tensor.
    private func summarizedValues(summarize: Bool, edge: Int) -> [Double] {
        if !summarize || ndim == 0 { return toDoubles() }
        var out: [Double] = []
        func visit(_ a: NDArray) {
            if a.ndim == 0 { out.append(a.readDouble(storageOffset: a.offset)); return }
            let n = a.shape[0]
            let indices = n > 2 * edge ? Array(0..<edge) + Array((n - edge)..<n) : Array(0..<n)
            for i in indices { if let s = try? a.select(dim: 0, index: i) { visit(s) } }
        }
        visit(self)
        return out
    }

    private func tensorString(indent: Int, summarize: Bool, formatter: ValueFormatter, options: PrintOptions) -> String {
        if ndim == 0 { return formatter.format(self, at: offset) }
        let n = shape[0], edge = options.edgeItems
        if ndim == 1 {
            let elementLength = formatter.maxWidth + 2
            let perLine = max(1, (options.lineWidth - indent) / elementLength)
            var data: [String] = []
            if summarize && n > 2 * edge {
                for i in 0..<edge { data.append(formatter.format(self, at: offset + i * strides[0])) }
                data.append(" ...")
                for i in (n - edge)..<n { data.append(formatter.format(self, at: offset + i * strides[0])) }
            } else {
                for i in 0..<n { data.append(formatter.format(self, at: offset + i * strides[0])) }
            }
            var lines: [String] = []
            var i = 0
            while i < data.count {
                lines.append(data[i..<min(i + perLine, data.count)].joined(separator: ", "))
                i += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var slices: [String] = []
        func sub(_ i: Int) -> String {
            (try? select(dim: 0, index: i))?.tensorString(indent: indent + 1, summarize: summarize,
                                                          formatter: formatter, options: options) ?? ""
        }
        if summarize && n > 2 * edge {
            for i in 0..<edge { slices.append(sub(i)) }
            slices.append("...")
            for i in (n - edge)..<n { slices.append(sub(i)) }
        } else {
            for i in 0..<n { slices.append(sub(i)) }
        }
        let separator = "," + String(repeating: "\n", count: ndim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }
}

/// Appends `, suffix` items, wrapping to a new line past the line width (`_add_suffixes`).
func addSuffixes(_ tensorStr: String, _ suffixes: [String], indent: Int, lineWidth: Int) -> String {
    var out = tensorStr
    let chars = Array(tensorStr)
    let lastNewline = chars.lastIndex(of: "\n") ?? -1
    var lastLineLength = chars.count - lastNewline + 1
    for suffix in suffixes {
        if lastLineLength + suffix.count + 2 > lineWidth {
            out += ",\n" + String(repeating: " ", count: indent) + suffix
            lastLineLength = indent + suffix.count
        } else {
            out += ", " + suffix
            lastLineLength += suffix.count + 2
        }
    }
    return out + ")"
}

/// PyTorch's `_Formatter`: picks integer, fixed or scientific notation from the values and
/// pads every element to a common width.
struct ValueFormatter {
    let dtype: DType
    let precision: Int
    var intMode = true
    var sciMode = false
    var maxWidth = 1

    init(values: [Double], dtype: DType, options: PrintOptions) {
        self.dtype = dtype
        self.precision = options.precision
        if !dtype.isFloatingPoint {
            for v in values { maxWidth = max(maxWidth, ValueFormatter.plain(v, dtype).count) }
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }
        if finite.isEmpty {
            if let s = options.sciMode { sciMode = s }
            return
        }
        let absValues = finite.map { Swift.abs($0) }
        let lo = absValues.min()!, hi = absValues.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if hi / lo > 1000 || hi > 1e8 {
                sciMode = true
                for v in finite { maxWidth = max(maxWidth, pythonScientific(v, precision).count) }
            } else {
                for v in finite { maxWidth = max(maxWidth, pythonFixed(v, 0).count + 1) }
            }
        } else if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
            sciMode = true
            for v in finite { maxWidth = max(maxWidth, pythonScientific(v, precision).count) }
        } else {
            for v in finite { maxWidth = max(maxWidth, pythonFixed(v, precision).count) }
        }
        if let s = options.sciMode { sciMode = s }
    }

    static func plain(_ v: Double, _ dtype: DType) -> String {
        if dtype == .bool { return v != 0 ? "True" : "False" }
        // Doubles of int64 values near 2^63 round up to 2^63, which Int64 cannot hold.
        return v >= 9.2e18 ? String(Int64.max) : String(Int64(casting: v))
    }

    func format(_ a: NDArray, at storageOffset: Int) -> String {
        let text: String
        switch dtype {
        case .int64: text = String(a.storage.pointer.assumingMemoryBound(to: Int64.self)[storageOffset])
        case .bool: text = a.storage.pointer.assumingMemoryBound(to: Bool.self)[storageOffset] ? "True" : "False"
        case .float32, .float64:
            let v = a.readDouble(storageOffset: storageOffset)
            if sciMode { text = pythonScientific(v, precision) }
            else if intMode { text = pythonFixed(v, 0) + (v.isFinite ? "." : "") }
            else { text = pythonFixed(v, precision) }
        }
        return text.count < maxWidth ? String(repeating: " ", count: maxWidth - text.count) + text : text
    }
}

/// Python's `'{:.Nf}'.format(v)`.
public func pythonFixed(_ v: Double, _ digits: Int) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return String(format: "%.\(digits)f", v)
}

/// Python's `'{:.Ne}'.format(v)`.
public func pythonScientific(_ v: Double, _ digits: Int) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return String(format: "%.\(digits)e", v)
}
