/// One `nn` cell as found in the Markdown file: where it is, its container prefix,
/// its options and code, and the output region already following it (if any).
public struct NotebookCell: Sendable {
    /// 0-based position among the notebook's cells.
    public var index: Int
    /// 1-based line numbers of the opening and closing fence lines.
    public var openingLine: Int
    public var closingLine: Int
    /// What every line nbrun writes inside the cell's container starts with
    /// (e.g. `"> "` in a block quote, spaces in a list item).
    public var containerPrefix: [UInt8]
    public var options: CellOptions
    /// Options written as `#|` lines, in order (they move to the info string when rendered).
    var hashPipeOptions: [WrittenOption]
    /// How many lines after the opening fence are `#|` option lines.
    public var optionLineCount: Int
    /// The code as the language receives it (option lines included, as comments).
    public var source: CellSourceLines
    /// 1-based line range of the old output region directly after the cell, from its
    /// blank line to its closing comment.
    public var existingRegion: ClosedRange<Int>?

    /// `name=` or "cell N".
    public var label: String { options.name ?? "cell \(index + 1)" }
}

/// A cell's code lines and where each sits in the Markdown file.
public struct CellSourceLines: Sendable {
    public var code: String
    public var fileLines: [Int]
    public var columnOffsets: [Int]
}

/// The result of reading a notebook: its lines, cells and front-matter parameters.
public struct ParsedNotebook: Sendable {
    public var source: MarkdownSource
    public var cells: [NotebookCell]
    public var parameters: [(name: String, value: String)]
}
