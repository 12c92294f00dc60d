import NNLang

/// How a notebook is written back.
public enum RenderMode: Sendable {
    /// A rendered handout: `#|` lines move into the info string, `echo=false` and
    /// `include=false` cells lose their code.
    case handout
    /// `--in-place`: the notebook stays the source; only its output regions change.
    case inPlace
}

/// File names for error locations in regions: the rendered file's own name when the code
/// is shown there (its line numbers are the rendered file's), else the source notebook's.
struct LocationNames {
    var source: String
    var output: String
}

/// What one cell that ran contributes to the rendered notebook.
struct CellRendering {
    var outputs: [CellOutput]
    /// The error shown at the end of the region, located in the source notebook.
    var error: Diagnostic?
    /// Whether `error` was unexpected (no `error=true`): the run failed in this cell.
    var failed = false
}

/// Writes the notebook back line by line: every line outside the cells' own code and
/// regions is copied byte for byte, the region after each cell is replaced.
enum RegionSplicer {
    struct Result {
        var bytes: [UInt8]
        /// 0-based output line ranges of regions `--check` ignores (`check=false`).
        var uncheckedLines: [Range<Int>]
    }

    static func splice(
        _ notebook: ParsedNotebook, renderings: [CellRendering?], mode: RenderMode, names: LocationNames
    ) -> Result {
        let source = notebook.source
        let eol = source.lineEnding
        var lines: [[UInt8]] = []
        var unchecked: [Range<Int>] = []
        var nextLine = 1
        var bomBeforeLine: Int?

        func copy(upTo line: Int) {
            while nextLine < line {
                lines.append(source.lines[nextLine - 1].bytes)
                nextLine += 1
            }
        }

        for cell in notebook.cells {
            copy(upTo: cell.openingLine)
            let rendering = cell.index < renderings.count ? renderings[cell.index] : nil
            let lastLine = cell.existingRegion?.upperBound ?? cell.closingLine
            let trailingEnding = Array(source.lines[lastLine - 1].ending)
            // A hidden cell that failed is shown, code and all: the reader must see the
            // error and what caused it, and rendering the handout again fails the same way
            // (were the cell dropped, the cells after it would run the second time).
            let failed = rendering?.failed ?? false
            let showCode = mode == .inPlace || (cell.options.echo && cell.options.include) || failed
            // An error's location is given as a line of the rendered file, where the reader
            // sees the code; so rendering the rendered notebook again gives the same bytes.
            var renderedLineOf: [Int: Int] = [:]
            if !showCode, cell.openingLine == 1, source.hasBOM {
                bomBeforeLine = lines.count  // the cell goes, the file's BOM stays
            }
            if showCode {
                var opening = source.lines[cell.openingLine - 1]
                if mode == .handout, !cell.hashPipeOptions.isEmpty {
                    // Options leave the code but stay in force: the handout renders the same again.
                    let words = cell.hashPipeOptions.map { " \($0.key)=\(quotedIfNeeded($0.value))" }.joined()
                    opening.content = ArraySlice(Array(opening.content) + Array(words.utf8))
                }
                lines.append(opening.bytes)
                renderedLineOf[cell.openingLine] = lines.count
                let firstCodeLine = cell.openingLine + 1 + (mode == .handout ? cell.optionLineCount : 0)
                for line in stride(from: firstCodeLine, to: cell.closingLine, by: 1) {
                    lines.append(source.lines[line - 1].bytes)
                    renderedLineOf[line] = lines.count
                }
                renderedLineOf[cell.closingLine] = lines.count + 1
            }
            let body = regionBody(rendering, cell: cell, names: names, renderedLineOf: renderedLineOf)
            if showCode {
                let closing = source.lines[cell.closingLine - 1]
                let ending = body == nil ? trailingEnding : (closing.ending.isEmpty ? eol : Array(closing.ending))
                lines.append(Array(closing.content) + ending)
            }
            if let body {
                let prefix = cell.containerPrefix
                let blankPrefix = Array(String(decoding: prefix, as: UTF8.self).trimmingTrailingSpaces.utf8)
                func line(_ text: String, _ ending: [UInt8] = eol) -> [UInt8] {
                    (text.isEmpty ? blankPrefix : prefix + Array(text.utf8)) + ending
                }
                lines.append(line(""))
                lines.append(line(OutputRegion.openingMarker))
                let bodyStart = lines.count
                lines += body.map { line($0) }
                if !cell.options.check { unchecked.append(bodyStart..<lines.count) }
                lines.append(line(OutputRegion.closingMarker, trailingEnding))
            }
            nextLine = lastLine + 1
        }
        copy(upTo: source.lines.count + 1)
        if let index = bomBeforeLine {
            if index < lines.count { lines[index] = MarkdownSource.bom + lines[index] } else { lines.append(MarkdownSource.bom) }
        }
        return Result(bytes: Array(lines.joined()), uncheckedLines: unchecked)
    }

    private static func regionBody(
        _ rendering: CellRendering?, cell: NotebookCell, names: LocationNames, renderedLineOf: [Int: Int]
    ) -> [String]? {
        guard let rendering, cell.options.include || rendering.failed else { return nil }
        let error = rendering.error.map { error in
            // Code hidden by echo=false is only in the source notebook.
            func location(_ line: Int, _ column: Int) -> String {
                (renderedLineOf[line].map { "\(names.output):\($0)" } ?? "\(names.source):\(line)") + ":\(column)"
            }
            return RenderedError(message: error.message, location: location(error.line, error.column),
                                 notes: error.notes.map { RenderedError(message: $0.message, location: location($0.line, $0.column)) })
        }
        let body = OutputRenderer.lines(outputs: rendering.outputs, error: error)
        return body.isEmpty ? nil : body
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        (value.contains(" ") || value.contains("\t")) && !value.hasPrefix("\"") && !value.hasPrefix("'") ? "\"\(value)\"" : value
    }
}
