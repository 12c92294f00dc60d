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
        while line < limit, line <= source.lines.count {
            if body(line) == closingMarker { return (closingLine + 1)...line }
            line += 1
        }
        return nil
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
