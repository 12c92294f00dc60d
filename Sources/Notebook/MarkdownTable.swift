import NNLang

/// GFM tables for `log` rows and ready-made tables (`trace`, `summary`, `gradcheck`).
enum MarkdownTable {
    /// A table with one header row; `rightAligned` columns get `---:`.
    static func lines(header: [String], rightAligned: [Bool], rows: [[String]]) -> [String] {
        let columnCount = header.count
        var lines = [row(header)]
        lines.append(row((0..<columnCount).map { index in
            index < rightAligned.count && rightAligned[index] ? "---:" : "---"
        }))
        for values in rows {
            var cells = Array(values.prefix(columnCount))
            while cells.count < columnCount { cells.append("") }
            lines.append(row(cells))
        }
        return lines
    }

    /// All `log` rows of a cell: columns in first-seen order, a column right-aligned
    /// when every value it holds is a number, a missing value left empty.
    static func logLines(_ rows: [[LogColumn]]) -> [String] {
        var names: [String] = []
        var allNumbers: [String: Bool] = [:]
        for row in rows {
            for column in row {
                if allNumbers[column.name] == nil { names.append(column.name) }
                allNumbers[column.name] = (allNumbers[column.name] ?? true) && column.isNumber
            }
        }
        let cells = rows.map { row in
            names.map { name in row.last { $0.name == name }?.text ?? "" }
        }
        return lines(header: names, rightAligned: names.map { allNumbers[$0] ?? false }, rows: cells)
    }

    static func lines(_ table: OutputTable) -> [String] {
        var result: [String] = []
        if let title = table.title, !title.isEmpty {
            // Bold, with Markdown punctuation escaped, so no title can open a block.
            let escaped = title.normalizedLines.joined(separator: " ").map { char in
                "\\`*_<>[]|#".contains(char) ? "\\\(char)" : String(char)
            }.joined()
            result.append("**" + escaped + "**")
            result.append("")
        }
        result += lines(header: table.header, rightAligned: table.rightAligned, rows: table.rows)
        return result
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.map(escape).joined(separator: " | ") + " |"
    }

    /// A cell holds one line and no unescaped pipe.
    private static func escape(_ cell: String) -> String {
        var text = ""
        for char in cell {
            switch char {
            case "|": text += "\\|"
            case "\n", "\r", "\r\n": text += " "
            default: text.append(char)
            }
        }
        return text
    }
}

extension String {
    /// The text's lines, with "\r\n" and "\r" read as line ends; a final line end adds no empty line.
    var normalizedLines: [String] {
        var text = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = scalar == "\r"
            text.unicodeScalars.append(scalar == "\r" ? "\n" : scalar)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
