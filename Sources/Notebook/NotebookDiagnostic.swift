import NNLang

/// An error in a notebook, located in the Markdown file, printed the way compilers do:
///
/// ```text
/// mlp.md:12:5: error: name 'x' is not defined
///     y = x + 1
///         ^
/// ```
public struct NotebookDiagnostic: Error, Equatable, Sendable {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    /// The Markdown line the diagnostic points at (empty when there is none).
    public var sourceLine: String
    /// Secondary locations (`note: called from here` for each caller of a failing function).
    public var notes: [NotebookDiagnostic]

    public init(path: String, line: Int, column: Int, message: String, sourceLine: String,
                notes: [NotebookDiagnostic] = []) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// The most characters of the source line shown; a longer line is cut to a window
    /// around the column, marked with "..." (a 200,000-character line is still one
    /// readable message).
    public static let maxShownColumns = 160

    /// `path:line:col: error: message`, then the source line and a caret under the column;
    /// then each note the same way (`path:line:col: note: called from here`).
    public var formatted: String {
        var text = Self.located(path, line, column, "error", message, sourceLine)
        for note in notes { text += Self.located(note.path, note.line, note.column, "note", note.message, note.sourceLine) }
        return text
    }

    private static func located(_ path: String, _ line: Int, _ column: Int, _ kind: String, _ message: String,
                                _ sourceLine: String) -> String {
        var text = "\(path):\(line):\(column): \(kind): \(message)\n"
        guard !sourceLine.isEmpty else { return text }
        let scalars = Array(sourceLine.unicodeScalars)
        var shown = scalars[...]
        var caretIndex = max(0, column - 1)
        var lead = "", tail = ""
        if scalars.count > Self.maxShownColumns {
            let start = min(max(0, caretIndex - Self.maxShownColumns / 2), scalars.count - Self.maxShownColumns)
            shown = scalars[start..<(start + Self.maxShownColumns)]
            if start > 0 { lead = "..." }
            if start + Self.maxShownColumns < scalars.count { tail = "..." }
            caretIndex = caretIndex - start + lead.count
        }
        var line = String.UnicodeScalarView()
        line.append(contentsOf: shown)
        text += lead + String(line) + tail + "\n"
        // Keep tabs so the caret lines up under the same column on any terminal.
        let visible = Array(lead.unicodeScalars) + Array(shown)
        let padding = visible.prefix(caretIndex).map { $0 == "\t" ? "\t" : " " }
        text += padding.joined() + "^\n"
        return text
    }
}

/// Why a notebook could not be rendered at all (exit status 2): unreadable, or invalid
/// Markdown for nbrun (an unclosed `nn` fence, a bad cell option, bad front matter).
public struct InvalidNotebook: Error, Sendable {
    public var diagnostics: [NotebookDiagnostic]
    public init(_ diagnostics: [NotebookDiagnostic]) { self.diagnostics = diagnostics }
}

/// A location error found while reading a notebook, before the file's path is known to it.
struct LocatedError: Error {
    var line: Int
    var column: Int
    var message: String
}
