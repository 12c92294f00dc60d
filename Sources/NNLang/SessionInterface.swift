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
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// Settings of one notebook run.
public struct SessionOptions: Sendable {
    /// The notebook's folder: data functions and `save`/`load` may only reach inside it.
    public var notebookDirectory: String
    /// Default per-cell time limit in seconds.
    public var cellTimeout: Double = 60
    /// Cap on the bytes of live tensors.
    public var maxTensorBytes: Int = 4 << 30
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
