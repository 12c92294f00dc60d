import Foundation

/// The functions whose results go into the rendered notebook (spec §8): print, log,
/// plot, clock, progress.
extension Library {
    func registerOutputFunctions() {
        function("print", "*values, sep=' ', end='\\n'", doc: "Writes the values to the cell's text output.") { a in
            let rt = a.interpreter
            let sep = a.isNone("sep") ? " " : try a.string("sep")
            let end = a.isNone("end") ? "\n" : try a.string("end")
            try rt.emit(.text(try a.rest.map { try rt.str($0) }.joined(separator: sep) + end))
            return .none
        }
        function("log", "*input, **columns", doc: "log(step=step, loss=loss) appends a row to the cell's table; log(x) is the elementwise natural logarithm.") { a in
            let rt = a.interpreter
            if !a.rest.isEmpty {
                guard a.rest.count == 1, a.keywords.isEmpty, let torchLog = rt.library.namespace("torch").members["log"] else {
                    throw LangError("log() takes either one tensor (natural logarithm) or only keyword columns (a table row), e.g. log(step=i, loss=loss)")
                }
                return try rt.call(torchLog, a.rest)
            }
            let row = try a.keywords.map { name, value in try rt.logColumn(name, value) }
            if row.isEmpty { throw LangError("log() needs at least one column, e.g. log(step=i, loss=loss)") }
            try rt.emit(.logRow(row))
            return .none
        }
        function("plot", "*series, title=None, xlabel=None, ylabel=None, width=60, height=15, logy=False, braille=False, label=None",
                 doc: "An ASCII line plot: plot(f, lo, hi), plot(y), plot(x, y), plot({'name': f, …}, lo, hi).") { a in
            let rt = a.interpreter
            let width = try a.int("width"), height = try a.int("height")
            guard (10...400).contains(width), (3...200).contains(height) else {
                throw LangError("plot(): width must be in 10...400 and height in 3...200 (got \(width)×\(height))")
            }
            let spec = PlotSpec(series: try rt.plotSeries(a.rest, label: try a.optionalString("label"), samples: 2 * width + 1),
                                title: try a.optionalString("title"), xlabel: try a.optionalString("xlabel"),
                                ylabel: try a.optionalString("ylabel"), width: width, height: height,
                                logy: try a.bool("logy"), braille: try a.bool("braille"))
            try rt.emit(.plot(spec))
            return .none
        }
        function("clock", "", doc: "Monotonic time in seconds (non-deterministic: mark timing cells check=false).") { _ in
            .float(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
        function("progress", "iterable, label=None, total=None", doc: "Iterates while showing a progress bar on the terminal (never in the output).") { a in
            let rt = a.interpreter
            let iterator = try rt.makeIterator(a["iterable"])
            var total = try a.optionalInt("total") ?? iterator.count
            if total == nil { total = try? rt.length(a["iterable"]) }
            let label = try a.optionalString("label") ?? "progress"
            var done = 0
            let session = rt.session
            let knownTotal = total ?? 0
            return .object(IteratorObject("progress", ClosureIterator(count: total) {
                guard let v = try iterator.next() else {
                    session.progressHandler?(ProgressEvent(label: label, done: done, total: max(knownTotal, done)))
                    return nil
                }
                done += 1
                session.progressHandler?(ProgressEvent(label: label, done: done, total: knownTotal))
                return v
            }))
        }
    }
}

extension Interpreter {
    /// One `log` column: numbers right-aligned, floats as PyTorch prints a scalar at
    /// precision 4 (`0.5000`, `1.2346e-05`), strings as they are.
    func logColumn(_ name: String, _ value: Value) throws -> LogColumn {
        switch value {
        case .int(let i): return LogColumn(name: name, text: String(i), isNumber: true)
        case .float(let d): return LogColumn(name: name, text: scalarText(d), isNumber: true)
        case .str(let s): return LogColumn(name: name, text: s, isNumber: false)
        case .bool(let b): return LogColumn(name: name, text: b ? "True" : "False", isNumber: false)
        default:
            if let scalar = try library.tensorScalar?(value, self) { return try logColumn(name, scalar) }
            return LogColumn(name: name, text: try str(value), isNumber: false)
        }
    }

    /// PyTorch's rendering of a float scalar at precision 4: fixed with 4 decimals, or
    /// scientific when the magnitude is below 1e-4 or at least 1e8.
    func scalarText(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let m = abs(d)
        if m != 0 && (m < 1e-4 || m >= 1e8) { return String(format: "%.4e", d) }
        return String(format: "%.4f", d)
    }

    func isCallable(_ v: Value) -> Bool {
        switch v {
        case .function, .builtin, .boundMethod: return true
        case .instance(let inst): return inst.cls.isModule || inst.cls.lookup("__call__") != nil
        case .object(let o): return o is ModuleLike || o is CallableObject
        default: return false
        }
    }

    private func seriesName(_ f: Value, fallback: String) -> String {
        switch f {
        case .function(let fn): return fn.code.name == "<lambda>" ? fallback : fn.code.name
        case .builtin(let b): return b.name
        case .boundMethod(let m):
            if case .builtin(let b) = m.function { return b.name }
            if case .function(let fn) = m.function { return fn.code.name }
            return fallback
        case .instance(let inst): return inst.cls.name
        case .object(let o): return o.typeName
        default: return fallback
        }
    }

    func numbers(_ v: Value, _ what: String) throws -> [Double] {
        if let values = library.tensorValues?(v) { return values }
        switch v {
        case .list, .tuple, .object:
            return try iterateToArray(v).map { item in
                if let d = number(item) { return d }
                if let s = try library.tensorScalar?(item, self), let d = number(s) { return d }
                throw LangError("plot(): \(what) must hold numbers, found \(item.typeName)")
            }
        default:
            if let d = number(v) { return [d] }
            throw LangError("plot(): \(what) must be a list, tuple or tensor of numbers, not \(v.typeName)")
        }
    }

    /// Samples a function of one variable: once on a tensor of all points when the
    /// library can make one, otherwise point by point.
    func sample(_ f: Value, lo: Double, hi: Double, count: Int) throws -> [Double] {
        let xs = (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
        if let t = library.makeTensor?(xs), let y = try? call(f, [t]), let values = try? numbers(y, "f(x)"), values.count == count {
            return values
        }
        return try xs.map { x in
            let y = try call(f, [.float(x)])
            let scalar = try library.tensorScalar?(y, self)
            guard let d = number(y) ?? scalar.flatMap(number) else {
                throw LangError("plot(): the function returned \(y.typeName), not a number")
            }
            return d
        }
    }

    func plotSeries(_ args: [Value], label: String?, samples: Int) throws -> [PlotSpec.Series] {
        guard let first = args.first else { throw LangError("plot() needs something to plot: plot(f, lo, hi), plot(y) or plot(x, y)") }
        func range() throws -> (Double, Double) {
            guard args.count == 3, let lo = number(args[1]), let hi = number(args[2]) else {
                throw LangError("plot(f, lo, hi): a function needs the interval to plot it on")
            }
            guard lo < hi else { throw LangError("plot(f, lo, hi): lo must be less than hi (got \(pythonFloatRepr(lo)) and \(pythonFloatRepr(hi)))") }
            return (lo, hi)
        }
        if isCallable(first) {
            let (lo, hi) = try range()
            let xs = (0..<samples).map { lo + (hi - lo) * Double($0) / Double(samples - 1) }
            return [PlotSpec.Series(name: label ?? seriesName(first, fallback: "f"), x: xs,
                                    y: try sample(first, lo: lo, hi: hi, count: samples))]
        }
        if case .dict(let d) = first {
            var series: [PlotSpec.Series] = []
            for (k, v) in zip(d.keys, d.values) {
                let name = try str(k)
                if isCallable(v) {
                    let (lo, hi) = try range()
                    let xs = (0..<samples).map { lo + (hi - lo) * Double($0) / Double(samples - 1) }
                    series.append(PlotSpec.Series(name: name, x: xs, y: try sample(v, lo: lo, hi: hi, count: samples)))
                } else if case .tuple(let pair) = v, pair.count == 2 {
                    let xs = try numbers(pair[0], "x"), ys = try numbers(pair[1], "y")
                    guard xs.count == ys.count else { throw LangError("plot(): series '\(name)' has \(xs.count) x values and \(ys.count) y values") }
                    series.append(PlotSpec.Series(name: name, x: xs, y: ys))
                } else {
                    let ys = try numbers(v, "series '\(name)'")
                    series.append(PlotSpec.Series(name: name, x: ys.indices.map(Double.init), y: ys))
                }
            }
            return series
        }
        if args.count == 2 {
            let xs = try numbers(args[0], "x"), ys = try numbers(args[1], "y")
            guard xs.count == ys.count else { throw LangError("plot(x, y): x has \(xs.count) values and y has \(ys.count)") }
            return [PlotSpec.Series(name: label ?? "y", x: xs, y: ys)]
        }
        if args.count == 1 {
            // A list of lists is several series; anything else is one.
            if case .list(let l) = first, !l.items.isEmpty, l.items.allSatisfy({ if case .list = $0 { return true }; if case .tuple = $0 { return true }; return false }) {
                return try l.items.enumerated().map { i, v in
                    let ys = try numbers(v, "series \(i)")
                    return PlotSpec.Series(name: String(i), x: ys.indices.map(Double.init), y: ys)
                }
            }
            let ys = try numbers(first, "y")
            return [PlotSpec.Series(name: label ?? "y", x: ys.indices.map(Double.init), y: ys)]
        }
        throw LangError("plot(): expected plot(f, lo, hi), plot(y), plot(x, y) or plot({name: series}, …), got \(args.count) positional arguments")
    }
}

/// Library objects that may be called like functions (for `plot`).
protocol CallableObject: AnyObject {}
