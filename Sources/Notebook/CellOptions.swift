/// The options of one cell, written in the info string (```` ```nn echo=false ````)
/// or as Quarto-style `#| key: value` lines at the top of the cell.
///
/// ```swift
/// let cell = try NotebookRunner.parse(Array("```nn echo=false\n#| seed: 1\n```\n".utf8), path: "a.md").cells[0]
/// cell.options.echo   // false
/// cell.options.seed   // 1
/// ```
public struct CellOptions: Equatable, Sendable {
    /// Show the code in the rendered handout.
    public var echo = true
    /// Run the cell.
    public var eval = true
    /// Show anything (code or outputs) in the rendered handout.
    public var include = true
    /// The cell is expected to fail; its error is an output.
    public var error = false
    /// This cell's time limit in seconds (else the run's default).
    public var timeout: Double?
    /// A label for messages and progress.
    public var name: String?
    /// Reseed the random generator before the cell.
    public var seed: Int?
    /// `--check` compares this cell's outputs.
    public var check = true

    public init() {}

    /// Every option name, in the order the documentation lists them.
    public static let names = ["echo", "eval", "include", "error", "timeout", "name", "seed", "check"]

    /// Sets option `key` from its written `value`; errors name the option's line and column.
    mutating func set(_ key: String, _ rawValue: String, line: Int, column: Int) throws {
        let value = Self.unquoted(rawValue)
        func bool() throws -> Bool {
            switch value {
            case "true", "TRUE", "True": return true
            case "false", "FALSE", "False": return false
            default:
                throw LocatedError(
                    line: line, column: column,
                    message: "cell option '\(key)' needs true or false, not '\(rawValue)'")
            }
        }
        switch key {
        case "echo": echo = try bool()
        case "eval": eval = try bool()
        case "include": include = try bool()
        case "error": error = try bool()
        case "check": check = try bool()
        case "timeout":
            guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                throw LocatedError(
                    line: line, column: column,
                    message: "cell option 'timeout' needs a positive number of seconds, not '\(rawValue)'")
            }
            timeout = seconds
        case "seed":
            guard let seed = Int(value) else {
                throw LocatedError(
                    line: line, column: column, message: "cell option 'seed' needs an integer, not '\(rawValue)'")
            }
            self.seed = seed
        case "name":
            let allowed = value.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
            }
            guard !value.isEmpty, allowed else {
                throw LocatedError(
                    line: line, column: column,
                    message: "cell option 'name' needs an ID (letters, digits, '_', '-', '.'), not '\(rawValue)'")
            }
            name = value
        default:
            throw LocatedError(
                line: line, column: column,
                message: "unknown cell option '\(key)' (known: \(Self.names.joined(separator: ", ")))")
        }
    }

    private static func unquoted(_ text: String) -> String {
        for quote in ["\"", "'"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

/// One option as written, kept to move `#|` options into the rendered info string.
struct WrittenOption: Equatable {
    var key: String
    var value: String
}

enum CellOptionParser {
    /// Parses the words after `nn` in an info string. `column` is where `words` starts.
    static func parseInfo(_ words: Substring, line: Int, column: Int, into options: inout CellOptions) throws {
        var index = words.startIndex
        while index < words.endIndex {
            if words[index] == " " || words[index] == "\t" {
                index = words.index(after: index)
                continue
            }
            let wordStart = index
            var quote: Character?
            while index < words.endIndex {
                let char = words[index]
                if let open = quote {
                    if char == open { quote = nil }
                } else if char == "\"" || char == "'" {
                    quote = char
                } else if char == " " || char == "\t" {
                    break
                }
                index = words.index(after: index)
            }
            let word = words[wordStart..<index]
            let wordColumn = column + words.distance(from: words.startIndex, to: wordStart)
            guard let equals = word.firstIndex(of: "=") else {
                throw LocatedError(
                    line: line, column: wordColumn,
                    message: "cell option '\(word)' needs the form key=value")
            }
            try options.set(
                String(word[..<equals]), String(word[word.index(after: equals)...]), line: line, column: wordColumn)
        }
    }

    /// Parses one `#| key: value` line (`text` starts at `#|`, at `column`).
    static func parseHashPipe(_ text: Substring, line: Int, column: Int, into options: inout CellOptions) throws
        -> WrittenOption
    {
        let body = text.dropFirst(2)
        guard let colon = body.firstIndex(of: ":") else {
            throw LocatedError(line: line, column: column, message: "cell option line needs the form '#| key: value'")
        }
        let key = body[..<colon].trimmingSpaces
        let value = body[body.index(after: colon)...].trimmingSpaces
        let keyColumn = column + 2 + body.distance(from: body.startIndex, to: body[..<colon].firstIndex { $0 != " " } ?? colon)
        try options.set(String(key), String(value), line: line, column: keyColumn)
        return WrittenOption(key: String(key), value: String(value))
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
