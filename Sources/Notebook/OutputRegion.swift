/// The output region nbrun writes after a cell:
///
/// ```markdown
///
/// <!-- nbrun:output -->
/// …outputs…
/// <!-- /nbrun:output -->
/// ```
///
/// Only a region directly after a cell (its blank line on the next line) belongs to it
/// and is replaced on the next run; a region anywhere else is ordinary text.
enum OutputRegion {
    static let openingMarker = "<!-- nbrun:output -->"
    static let closingMarker = "<!-- /nbrun:output -->"

    /// The 1-based line range (blank line … closing marker) of the region that directly
    /// follows line `closingLine`, if there is one that ends before line `limit`.
    static func find(after closingLine: Int, prefix: [UInt8], before limit: Int, in source: MarkdownSource)
        -> ClosedRange<Int>?
    {
        let quoteDepth = prefix.filter { $0 == UInt8(ascii: ">") }.count
        func body(_ line: Int) -> String? {
            guard line >= 1, line <= source.lines.count, line < limit else { return nil }
            let content = source.lines[line - 1].content
            let rest = content.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ">") }
            let depth = content[content.startIndex..<rest.startIndex].filter { $0 == UInt8(ascii: ">") }.count
            guard depth == quoteDepth else { return nil }
            return String(decoding: rest, as: UTF8.self).trimmingTrailingSpaces
        }
        guard body(closingLine + 1) == "", body(closingLine + 2) == openingMarker else { return nil }
        var line = closingLine + 3
        // Outputs are fenced, so a marker line inside a fence is output (a cell that prints
        // its own source), not the region's end (found by the fuzzer).
        var openFence: (byte: UInt8, length: Int)?
        while line < limit, line <= source.lines.count {
            if let text = body(line) {
                let run = fenceRun(text)
                if let fence = openFence {
                    if let run, run.byte == fence.byte, run.length >= fence.length, run.rest.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                        openFence = nil
                    }
                } else if text == closingMarker {
                    return (closingLine + 1)...line
                } else if text == openingMarker {
                    // nbrun never writes an unfenced opening marker inside a region, so this
                    // one starts another region (e.g. a handout's `echo: false` cell, whose
                    // code is gone): the text before it is not this cell's region, and taking
                    // it would swallow the next output (found by the fuzzer).
                    return nil
                } else if let run {
                    openFence = (run.byte, run.length)
                }
            }
            line += 1
        }
        return nil
    }

    /// The fence a line starts with (three or more backticks or tildes) and what follows it.
    private static func fenceRun(_ text: String) -> (byte: UInt8, length: Int, rest: Substring.UTF8View)? {
        let bytes = Substring(text).utf8
        guard let first = bytes.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return nil }
        let length = bytes.prefix { $0 == first }.count
        return length >= 3 ? (first, length, bytes.dropFirst(length)) : nil
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
