import Foundation

/// Methods of `str`.
extension Library {
    func registerStringMethods() {
        func string(_ a: Arguments) -> String {
            if case .str(let s) = a.receiver { return s }
            return ""
        }
        method("str", "join", "iterable, /", doc: "Concatenates the strings of iterable with this separator.") { a in
            let items = try a.interpreter.iterateToArray(a["iterable"])
            var parts: [String] = []
            let separator = string(a)
            var bytes = separator.utf8.count &* max(0, items.count - 1)
            for (i, v) in items.enumerated() {
                guard case .str(let s) = v else {
                    throw LangError("sequence item \(i): expected str instance, \(v.typeName) found")
                }
                parts.append(s)
                bytes &+= s.utf8.count
            }
            try a.interpreter.checkSequenceSize("str", count: bytes, itemBytes: 1)
            return .str(parts.joined(separator: separator))
        }
        method("str", "split", "sep=None, maxsplit=-1", doc: "Splits at sep (default: runs of whitespace).") { a in
            let s = string(a)
            let maxSplit = try a.int("maxsplit")
            var parts: [String] = []
            if let sep = try a.optionalString("sep") {
                if sep.isEmpty { throw LangError("empty separator") }
                var rest = Substring(s)
                while maxSplit < 0 || parts.count < maxSplit, let r = rest.range(of: sep) {
                    parts.append(String(rest[..<r.lowerBound]))
                    rest = rest[r.upperBound...]
                }
                parts.append(String(rest))
            } else {
                var rest = Substring(s).drop { $0.isWhitespace }
                while !rest.isEmpty {
                    if maxSplit >= 0 && parts.count == maxSplit {
                        parts.append(String(rest))
                        break
                    }
                    let word = rest.prefix { !$0.isWhitespace }
                    parts.append(String(word))
                    rest = rest[word.endIndex...].drop { $0.isWhitespace }
                }
            }
            return .list(ListObject(parts.map { .str($0) }))
        }
        method("str", "splitlines", "", doc: "The lines of the string.") { a in
            var lines = string(a).components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return .list(ListObject(lines.map { .str($0) }))
        }
        for (name, leading, trailing) in [("strip", true, true), ("lstrip", true, false), ("rstrip", false, true)] {
            method("str", name, "chars=None, /", doc: "Removes leading/trailing characters (default whitespace).") { a in
                let chars = try a.optionalString("chars")
                let remove: (Character) -> Bool = { c in chars.map { $0.contains(c) } ?? c.isWhitespace }
                var s = Substring(string(a))
                if leading { s = s.drop(while: remove) }
                if trailing { while let last = s.last, remove(last) { s = s.dropLast() } }
                return .str(String(s))
            }
        }
        method("str", "upper", "", doc: "Upper-case copy.") { a in .str(string(a).uppercased()) }
        method("str", "lower", "", doc: "Lower-case copy.") { a in .str(string(a).lowercased()) }
        method("str", "title", "", doc: "Title-case copy.") { a in .str(string(a).capitalized) }
        method("str", "capitalize", "", doc: "First character upper-case, the rest lower-case.") { a in
            let s = string(a)
            return .str(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        }
        for (name, test) in [("startswith", { (s: String, p: String) in s.hasPrefix(p) }),
                             ("endswith", { (s: String, p: String) in s.hasSuffix(p) })] {
            method("str", name, "prefix, /", doc: "Whether the string \(name) the given string (or one of a tuple).") { a in
                let s = string(a)
                switch a["prefix"] {
                case .str(let p): return .bool(test(s, p))
                case .tuple(let options):
                    for case .str(let p) in options where test(s, p) { return .bool(true) }
                    return .bool(false)
                case let v: throw LangError("\(name) first arg must be str or a tuple of str, not \(v.typeName)")
                }
            }
        }
        method("str", "replace", "old, new, count=-1, /", doc: "Replaces occurrences of old by new.") { a in
            let s = string(a), old = try a.string("old"), new = try a.string("new")
            let count = try a.int("count")
            if new.utf8.count > old.utf8.count, !old.isEmpty {
                // Bound the result before building it: "ab" * 10**8 with each "ab" replaced
                // by a kilobyte is 50 GB.
                let occurrences = byteOccurrences(of: old, in: s, atMost: count < 0 ? Int.max : count)
                let growth = (new.utf8.count - old.utf8.count).multipliedReportingOverflow(by: occurrences)
                try a.interpreter.checkSequenceSize("str", count: growth.overflow ? Int.max : s.utf8.count &+ growth.partialValue, itemBytes: 1)
            }
            if count < 0 { return .str(old.isEmpty ? s : s.replacingOccurrences(of: old, with: new)) }
            var out = "", rest = Substring(s), done = 0
            while done < count, !old.isEmpty, let r = rest.range(of: old) {
                out += rest[..<r.lowerBound] + new
                rest = rest[r.upperBound...]
                done += 1
            }
            return .str(out + rest)
        }
        method("str", "find", "sub, /", doc: "Index of the first occurrence of sub, or -1.") { a in
            let s = string(a), sub = try a.string("sub")
            guard let r = s.range(of: sub) else { return .int(sub.isEmpty ? 0 : -1) }
            return .int(s.distance(from: s.startIndex, to: r.lowerBound))
        }
        method("str", "count", "sub, /", doc: "Number of non-overlapping occurrences of sub.") { a in
            let s = string(a), sub = try a.string("sub")
            if sub.isEmpty { return .int(s.count + 1) }
            return .int(s.components(separatedBy: sub).count - 1)
        }
        for (name, test) in [("isdigit", { (c: Character) in c.isNumber }), ("isalpha", { (c: Character) in c.isLetter }),
                             ("isspace", { (c: Character) in c.isWhitespace }),
                             ("isalnum", { (c: Character) in c.isLetter || c.isNumber })] {
            method("str", name, "", doc: "Whether every character passes the test (and there is one).") { a in
                let s = string(a)
                return .bool(!s.isEmpty && s.allSatisfy(test))
            }
        }
        method("str", "zfill", "width, /", doc: "Pads with zeros on the left to width.") { a in
            let s = string(a)
            let width = try a.int("width")
            guard s.count < width else { return .str(s) }
            guard width <= FormatSpec.maxWidth else {
                throw LangError("zfill: width \(width) is too large (the limit is \(FormatSpec.maxWidth))")
            }
            let zeros = String(repeating: "0", count: width - s.count)
            if let f = s.first, f == "-" || f == "+" { return .str(String(f) + zeros + s.dropFirst()) }
            return .str(zeros + s)
        }
        for (name, align) in [("center", "^"), ("ljust", "<"), ("rjust", ">")] {
            method("str", name, "width, fillchar=' ', /", doc: "Pads to width.") { a in
                let fill = try a.string("fillchar")
                guard fill.count == 1 else { throw LangError("The fill character must be exactly one character long") }
                return .str(try a.interpreter.format(.str(string(a)), spec: fill + align + String(try a.int("width"))))
            }
        }
        method("str", "format", "*args, **kwargs", doc: "Replaces {} fields with the arguments.") { a in
            .str(try a.interpreter.strFormat(string(a), a.rest, a.keywords))
        }
    }
}

extension Interpreter {
    /// `"{} {name:.2f}".format(…)`: auto-numbered, numbered and named fields with specs.
    func strFormat(_ template: String, _ args: [Value], _ kwargs: [(String, Value)]) throws -> String {
        let chars = Array(template)
        var out = ""
        var i = 0
        var autoIndex = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" { out.append("{"); i += 2; continue }
                guard let close = chars[i...].firstIndex(of: "}") else { throw LangError("Single '{' encountered in format string") }
                let field = String(chars[(i + 1)..<close])
                var name = field
                var spec = ""
                var conversion: Character?
                if let colon = field.firstIndex(of: ":") {
                    name = String(field[..<colon])
                    spec = String(field[field.index(after: colon)...])
                }
                if let bang = name.firstIndex(of: "!") {
                    conversion = name[name.index(after: bang)...].first
                    name = String(name[..<bang])
                }
                var value: Value
                if name.isEmpty {
                    guard autoIndex < args.count else { throw LangError("Replacement index \(autoIndex) out of range for positional args tuple") }
                    value = args[autoIndex]
                    autoIndex += 1
                } else if let n = Int(name) {
                    guard n < args.count else { throw LangError("Replacement index \(n) out of range for positional args tuple") }
                    value = args[n]
                } else {
                    let parts = name.split(separator: ".").map(String.init)
                    guard let v = kwargs.first(where: { $0.0 == parts[0] })?.1 else { throw LangError("KeyError: '\(parts[0])'") }
                    value = v
                    for attribute in parts.dropFirst() { value = try getAttribute(value, attribute) }
                }
                if conversion == "r" { value = .str(try repr(value)) } else if conversion == "s" { value = .str(try str(value)) }
                out += try format(value, spec: spec)
                i = close + 1
            } else if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { out.append("}"); i += 2; continue }
                throw LangError("Single '}' encountered in format string")
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }
}

/// Non-overlapping occurrences of `needle`'s bytes in `haystack` (for bounding a
/// replacement's size before building it), counting at most `limit`.
func byteOccurrences(of needle: String, in haystack: String, atMost limit: Int) -> Int {
    let n = Array(needle.utf8), h = Array(haystack.utf8)
    guard !n.isEmpty, n.count <= h.count else { return 0 }
    var count = 0, i = 0
    let first = n[0]
    while i <= h.count - n.count, count < limit {
        if h[i] == first && h[i..<(i + n.count)].elementsEqual(n) {
            count += 1
            i += n.count
        } else {
            i += 1
        }
    }
    return count
}
