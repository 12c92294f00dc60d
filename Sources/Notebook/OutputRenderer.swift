import NNLang

/// A cell's error as its region shows it: `error: message` and where it happened.
public struct RenderedError: Equatable, Sendable {
    public var message: String
    /// `file.md:line:col` (the notebook's file name, so the output does not depend on
    /// the directory nbrun was started from).
    public var location: String?
    /// For an error inside a function: its callers, innermost first, each rendered like the
    /// error (`note: called from here` and its location), as on stderr.
    public var notes: [RenderedError] = []
}

/// Turns what a cell produced into the Markdown lines between the region's markers
/// (without container prefixes or line endings), blocks separated by blank lines:
/// text in ```` ```text ```` blocks (consecutive text merged), all `log` rows as one
/// table where the first row was logged, plots in ```` ```text ````, tables, ```` ```mermaid ````,
/// and the error last.
enum OutputRenderer {
    static func lines(outputs: [CellOutput], error: RenderedError?) -> [String] {
        var blocks: [[String]] = []
        var pendingText = ""
        var logRows: [[LogColumn]] = []
        var logBlockIndex: Int?

        func flushText() {
            if !pendingText.isEmpty { blocks.append(fenced("text", pendingText.normalizedLines)) }
            pendingText = ""
        }
        for output in outputs {
            if case .text(let text) = output {
                pendingText += text
                continue
            }
            flushText()
            switch output {
            case .text: break
            case .logRow(let row):
                logRows.append(row)
                if logBlockIndex == nil {
                    logBlockIndex = blocks.count
                    blocks.append([])  // filled once every row is known
                }
            case .plot(let spec): blocks.append(fenced("text", PlotRenderer.lines(spec)))
            case .table(let table): blocks.append(MarkdownTable.lines(table))
            case .mermaid(let diagram): blocks.append(fenced("mermaid", diagram.normalizedLines))
            }
        }
        flushText()
        if let index = logBlockIndex { blocks[index] = MarkdownTable.logLines(logRows) }
        if let error {
            var text = error.message.normalizedLines
            if text.isEmpty { text = [""] }
            text[0] = "error: " + text[0]
            if let location = error.location { text.append("  --> " + location) }
            for note in error.notes {
                text.append("note: " + note.message)
                if let location = note.location { text.append("  --> " + location) }
            }
            blocks.append(fenced("text", text))
        }
        var lines: [String] = []
        for block in blocks {
            if !lines.isEmpty { lines.append("") }
            lines += block
        }
        return lines
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    static func fenced(_ language: String, _ body: [String]) -> [String] {
        var longest = 0
        for line in body {
            var run = 0
            for char in line.unicodeScalars {
                run = char == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [fence + language] + body + [fence]
    }
}
