/// A cell's source as the notebook layer hands it to the language, with the position of
/// every line in the Markdown file so that diagnostics point into the file itself.
public struct CellSource: Sendable {
    /// The cell's code, lines separated by "\n" (no container prefixes, no `#|` lines
    /// removed — the notebook layer passes option lines through as comments).
    public var code: String
    /// For each line of `code`, its 1-based line number in the Markdown file.
    public var fileLines: [Int]
    /// For each line of `code`, how many columns precede it in the file (container
    /// prefix such as "> " or list indentation), so column = offset + column in code.
    public var columnOffsets: [Int]
    /// A label for messages (`name=` option or "cell 3").
    public var name: String
    public init(code: String, fileLines: [Int], columnOffsets: [Int], name: String) {
        self.code = code
        self.fileLines = fileLines
        self.columnOffsets = columnOffsets
        self.name = name
    }
}

/// An error located in the Markdown file (1-based line and column).
public struct Diagnostic: Error, Equatable, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    /// For a runtime error inside a function: where it was called from, innermost call
    /// first, like the frames of a Python traceback read from the bottom up. Deep recursion
    /// is shortened (see `Diagnostic.callerNotes`).
    public var notes: [DiagnosticNote]
    public init(line: Int, column: Int, message: String, notes: [DiagnosticNote] = []) {
        self.line = line
        self.column = column
        self.message = message
        self.notes = notes
    }
}

/// A secondary location of a diagnostic, printed compiler-style after the error:
/// `path:line:col: note: called from here`.
public struct DiagnosticNote: Equatable, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

extension Diagnostic {
    /// Notes kept at most: the innermost and the outermost calls are shown, the middle of a
    /// deep recursion is summarised in one note.
    static let maxCallerNotes = 8

    /// "called from here" notes for the call sites an error travelled through (innermost
    /// first). Runs of the same call site (recursion) become one note with a count, and at
    /// most `maxCallerNotes` notes are kept.
    static func callerNotes(_ callers: [SourceLocation]) -> [DiagnosticNote] {
        var runs: [(location: SourceLocation, count: Int)] = []
        for location in callers where location.line > 0 {
            if let last = runs.last, last.location == location {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((location, 1))
            }
        }
        func note(_ run: (location: SourceLocation, count: Int), omitted: Int = 0) -> DiagnosticNote {
            var message = "called from here"
            if run.count > 1 { message += " (\(run.count) times)" }
            if omitted > 0 { message += " (after \(omitted) more calls not shown)" }
            return DiagnosticNote(line: Int(run.location.line), column: Int(run.location.column), message: message)
        }
        guard runs.count > maxCallerNotes else { return runs.map { note($0) } }
        let inner = runs.prefix(maxCallerNotes / 2)
        let outer = runs.suffix(maxCallerNotes / 2)
        let omitted = runs.dropFirst(inner.count).dropLast(outer.count).reduce(0) { $0 + $1.count }
        return inner.map { note($0) } + [note(outer.first!, omitted: omitted)] + outer.dropFirst().map { note($0) }
    }
}

/// Settings of one notebook run.
public struct SessionOptions: Sendable {
    /// The notebook's folder: data functions and `save`/`load` may only reach inside it.
    public var notebookDirectory: String
    /// Default per-cell time limit in seconds.
    public var cellTimeout: Double = 60
    /// Cap on the bytes of live tensors, and on any one list, tuple or string.
    public var maxTensorBytes: Int = 4 << 30
    /// Cap on the process's resident memory, read while cells run (about 20 times a
    /// second): lists and dicts grown one element at a time are bounded here. A cell that
    /// finds the process over it stops with an error. Default: 3/4 of physical memory.
    public var maxResidentBytes: Int = ResidentMemoryGuard.defaultLimit
    /// Writes the files cells create (`save`) atomically; nbrun passes one that registers
    /// the temporary file so that an interrupted run removes it. Default: Foundation's atomic write.
    public var writeFile: (@Sendable (_ bytes: [UInt8], _ path: String) throws -> Void)?
    /// `-P name=value` and front-matter parameters, as source text of a literal.
    public var parameters: [(name: String, value: String)] = []
    public init(notebookDirectory: String) {
        self.notebookDirectory = notebookDirectory
    }
}

/// The result of running one cell.
public struct CellResult: Sendable {
    public var outputs: [CellOutput]
    /// The error that stopped the cell, if any.
    public var error: Diagnostic?
    public init(outputs: [CellOutput], error: Diagnostic?) {
        self.outputs = outputs
        self.error = error
    }
}

/// A `progress(iterable)` update: `label`, items done, total items (0 when unknown).
public struct ProgressEvent: Sendable {
    public var label: String
    public var done: Int
    public var total: Int
    public init(label: String, done: Int, total: Int) {
        self.label = label
        self.done = done
        self.total = total
    }
}
