import Foundation

/// Turns a cell's code into tokens, Python style: NEWLINE ends a logical line,
/// INDENT/DEDENT delimit blocks, newlines inside brackets are ignored (implicit line
/// joining) and a backslash at the end of a line joins it with the next.
struct Token {
    enum Kind: UInt8 { case name, keyword, int, float, string, fstring, op, newline, indent, dedent, eof }
    var kind: Kind
    /// Name, keyword or operator spelling; a string literal's value.
    var text: String
    var intValue: Int = 0
    var floatValue: Double = 0
    var location: SourceLocation

    func isOp(_ s: String) -> Bool { kind == .op && text == s }
    func isKeyword(_ s: String) -> Bool { kind == .keyword && text == s }
}

/// Maps a 0-based (line, column) in a cell's code to a position in the Markdown file.
struct LocationMap {
    var fileLines: [Int]
    var columnOffsets: [Int]
    func location(line: Int, column: Int) -> SourceLocation {
        let fileLine = line < fileLines.count ? fileLines[line] : (fileLines.last.map { $0 + line - fileLines.count + 1 } ?? line + 1)
        let offset = line < columnOffsets.count ? columnOffsets[line] : 0
        return SourceLocation(line: fileLine, column: offset + column + 1)
    }
}

let keywords: Set<String> = [
    "and", "or", "not", "if", "elif", "else", "for", "in", "while", "def", "return", "break",
    "continue", "pass", "lambda", "class", "with", "True", "False", "None", "is", "import", "from",
    "as", "assert", "del", "global", "nonlocal", "try", "except", "finally", "raise", "yield",
]

struct Lexer {
    private let bytes: [UInt8]
    private let map: LocationMap
    private var pos = 0
    private var line = 0
    private var lineStart = 0
    private var bracketDepth = 0
    /// Open brackets with their positions, to report one that is never closed.
    private var openBrackets: [(Character, SourceLocation)] = []
    private var indentStack = [0]
    private var atLineStart = true
    private(set) var tokens: [Token] = []

    init(_ code: String, map: LocationMap) {
        self.bytes = Array(code.utf8)
        self.map = map
    }

    static func tokenize(_ code: String, map: LocationMap) throws -> [Token] {
        var lexer = Lexer(code, map: map)
        try lexer.run()
        return lexer.tokens
    }

    /// Column of byte `p` on the current line, counted in Unicode scalars. Tokens come in
    /// increasing order, so the count resumes from the last answer (linear, not quadratic,
    /// on very long lines).
    private mutating func column(at p: Int) -> Int {
        if columnCacheLineStart != lineStart || p < columnCachePosition {
            columnCacheLineStart = lineStart
            columnCachePosition = lineStart
            columnCacheValue = 0
        }
        var col = columnCacheValue
        var i = columnCachePosition
        while i < p && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        columnCachePosition = i
        columnCacheValue = col
        return col
    }
    private var columnCacheLineStart = -1
    private var columnCachePosition = 0
    private var columnCacheValue = 0

    mutating func location(at p: Int) -> SourceLocation { map.location(line: line, column: column(at: p)) }

    private mutating func add(_ kind: Token.Kind, _ text: String, at start: Int) {
        tokens.append(Token(kind: kind, text: text, location: location(at: start)))
    }

    private mutating func error(_ message: String, at p: Int) -> LangError {
        LangError(message, at: location(at: p))
    }

    private mutating func newLine() {
        pos += 1
        line += 1
        lineStart = pos
    }

    private mutating func run() throws {
        while pos < bytes.count {
            if atLineStart && bracketDepth == 0 {
                try handleIndentation()
                if pos >= bytes.count { break }
                continue
            }
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                pos += 1
            case UInt8(ascii: "\n"):
                if bracketDepth == 0 {
                    if let last = tokens.last, last.kind != .newline { add(.newline, "", at: pos) }
                    atLineStart = true
                }
                newLine()
            case UInt8(ascii: "#"):
                while pos < bytes.count && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
            case UInt8(ascii: "\\"):
                var p = pos + 1
                while p < bytes.count && bytes[p] == UInt8(ascii: "\r") { p += 1 }
                guard p < bytes.count, bytes[p] == UInt8(ascii: "\n") else {
                    throw error("unexpected character after line continuation character", at: pos)
                }
                pos = p
                newLine()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                try lexNumber()
            case UInt8(ascii: "."):
                if pos + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos + 1]) {
                    try lexNumber()
                } else {
                    try lexOperator()
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                try lexString(prefixStart: pos, raw: false, format: false)
            default:
                if isIdentifierStart(c) {
                    try lexNameOrPrefixedString()
                } else {
                    try lexOperator()
                }
            }
        }
        if let (bracket, location) = openBrackets.last {
            throw LangError("'\(bracket)' was never closed", at: location)
        }
        if let last = tokens.last, last.kind != .newline { add(.newline, "", at: pos) }
        while indentStack.count > 1 {
            indentStack.removeLast()
            add(.dedent, "", at: pos)
        }
        add(.eof, "", at: pos)
    }

    /// At the start of a logical line: measure the indentation, skip blank and comment
    /// lines, and emit INDENT/DEDENT tokens.
    private mutating func handleIndentation() throws {
        var width = 0
        var p = pos
        while p < bytes.count {
            let c = bytes[p]
            if c == UInt8(ascii: " ") {
                width += 1
            } else if c == UInt8(ascii: "\t") {
                // Skip the check on blank lines: only real code must not be tab-indented.
                var q = p
                while q < bytes.count, bytes[q] == UInt8(ascii: " ") || bytes[q] == UInt8(ascii: "\t") || bytes[q] == UInt8(ascii: "\r") { q += 1 }
                if q < bytes.count, bytes[q] != UInt8(ascii: "\n"), bytes[q] != UInt8(ascii: "#") {
                    throw error("tab in indentation: indent with spaces", at: p)
                }
                p = q
                break
            } else if c == UInt8(ascii: "\r") || c == 0x0C {
            } else {
                break
            }
            p += 1
        }
        pos = p
        if pos >= bytes.count { return }
        let c = bytes[pos]
        if c == UInt8(ascii: "\n") {
            newLine()
            return
        }
        if c == UInt8(ascii: "#") {
            while pos < bytes.count && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
            return
        }
        atLineStart = false
        let current = indentStack[indentStack.count - 1]
        if width > current {
            indentStack.append(width)
            add(.indent, "", at: pos)
        } else if width < current {
            while width < indentStack[indentStack.count - 1] {
                indentStack.removeLast()
                add(.dedent, "", at: pos)
            }
            if width != indentStack[indentStack.count - 1] {
                throw error("unindent does not match any outer indentation level", at: pos)
            }
        }
    }

    private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c >= 0x80
    }

    private func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private mutating func lexNameOrPrefixedString() throws {
        let start = pos
        while pos < bytes.count && isIdentifierPart(bytes[pos]) { pos += 1 }
        let name = String(decoding: bytes[start..<pos], as: UTF8.self)
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") || bytes[pos] == UInt8(ascii: "'") {
            let lower = name.lowercased()
            if ["f", "r", "rf", "fr", "b", "u"].contains(lower) {
                try lexString(prefixStart: start, raw: lower.contains("r"), format: lower.contains("f"))
                return
            }
        }
        add(keywords.contains(name) ? .keyword : .name, name, at: start)
    }

    private mutating func lexNumber() throws {
        let start = pos
        var isFloat = false
        func digits(_ lexer: inout Lexer, hex: Bool = false) {
            while lexer.pos < lexer.bytes.count {
                let c = lexer.bytes[lexer.pos]
                let isDigit = (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || (hex && ((c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))))
                if isDigit || c == UInt8(ascii: "_") { lexer.pos += 1 } else { break }
            }
        }
        if bytes[pos] == UInt8(ascii: "0"), pos + 1 < bytes.count,
            bytes[pos + 1] == UInt8(ascii: "x") || bytes[pos + 1] == UInt8(ascii: "X") {
            pos += 2
            let digitsStart = pos
            digits(&self, hex: true)
            let text = String(decoding: bytes[digitsStart..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
            guard let value = Int(text, radix: 16) else { throw error("invalid hexadecimal literal", at: start) }
            var token = Token(kind: .int, text: text, location: location(at: start))
            token.intValue = value
            tokens.append(token)
            return
        }
        digits(&self)
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isFloat = true
            pos += 1
            digits(&self)
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            var p = pos + 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            if p < bytes.count, bytes[p] >= UInt8(ascii: "0"), bytes[p] <= UInt8(ascii: "9") {
                isFloat = true
                pos = p
                digits(&self)
            }
        }
        if pos < bytes.count, isIdentifierStart(bytes[pos]) {
            throw error("invalid decimal literal", at: start)
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        var token = Token(kind: isFloat ? .float : .int, text: text, location: location(at: start))
        if isFloat {
            guard let value = Double(text) else { throw error("invalid float literal '\(text)'", at: start) }
            token.floatValue = value
        } else {
            guard let value = Int(text) else {
                throw error("integer literal \(text) is too large (ints are 64-bit)", at: start)
            }
            token.intValue = value
        }
        tokens.append(token)
    }

    private mutating func lexString(prefixStart: Int, raw: Bool, format: Bool) throws {
        let quote = bytes[pos]
        let triple = pos + 2 < bytes.count && bytes[pos + 1] == quote && bytes[pos + 2] == quote
        let startLine = line, startLineStart = lineStart
        let tokenLocation = location(at: prefixStart)
        pos += triple ? 3 : 1
        let contentLocation = location(at: pos)
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                line = startLine
                lineStart = startLineStart
                throw error(triple ? "unterminated triple-quoted string literal" : "unterminated string literal", at: prefixStart)
            }
            let c = bytes[pos]
            if c == quote {
                if !triple { pos += 1; break }
                if pos + 2 < bytes.count, bytes[pos + 1] == quote, bytes[pos + 2] == quote { pos += 3; break }
                out.append(c)
                pos += 1
                continue
            }
            if c == UInt8(ascii: "\n") {
                if !triple {
                    line = startLine
                    lineStart = startLineStart
                    throw error("unterminated string literal", at: prefixStart)
                }
                out.append(c)
                newLine()
                continue
            }
            if c == UInt8(ascii: "\\") && !raw && pos + 1 < bytes.count {
                let e = bytes[pos + 1]
                pos += 2
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "'"): out.append(UInt8(ascii: "'"))
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\n"): newLine(); pos -= 1
                case UInt8(ascii: "u"), UInt8(ascii: "x"):
                    let count = e == UInt8(ascii: "u") ? 4 : 2
                    guard pos + count <= bytes.count,
                        let code = UInt32(String(decoding: bytes[pos..<pos + count], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw error("truncated \\\(Character(Unicode.Scalar(e))) escape", at: pos - 2) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    pos += count
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(e)
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        let text = String(decoding: out, as: UTF8.self)
        tokens.append(Token(kind: format ? .fstring : .string, text: text,
                            location: format ? contentLocation : tokenLocation))
    }

    private static let operators3: Set<String> = ["**=", "//=", "..."]
    private static let operators2: Set<String> = [
        "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "@=", "%=", "->", "&=", "|=", "^=",
    ]
    private static let operators1: Set<UInt8> = Set("+-*/%@<>=()[]{},:.;&|^~".utf8)

    private mutating func lexOperator() throws {
        let start = pos
        if pos + 3 <= bytes.count {
            let s = String(decoding: bytes[pos..<pos + 3], as: UTF8.self)
            if Lexer.operators3.contains(s) { pos += 3; add(.op, s, at: start); return }
        }
        if pos + 2 <= bytes.count {
            let s = String(decoding: bytes[pos..<pos + 2], as: UTF8.self)
            if Lexer.operators2.contains(s) { pos += 2; add(.op, s, at: start); return }
        }
        let c = bytes[pos]
        guard Lexer.operators1.contains(c) else {
            var end = pos + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            let ch = String(decoding: bytes[pos..<end], as: UTF8.self)
            throw error("invalid character '\(ch)'", at: pos)
        }
        pos += 1
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            bracketDepth += 1
            openBrackets.append((Character(UnicodeScalar(c)), location(at: start)))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            bracketDepth = max(0, bracketDepth - 1)
            if !openBrackets.isEmpty { openBrackets.removeLast() }
        default: break
        }
        add(.op, String(UnicodeScalar(c)), at: start)
    }
}
