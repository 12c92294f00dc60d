import Foundation
import CCmark

/// Finds the `nn` cells of a Markdown file with cmark's AST (never with regular
/// expressions), including cells inside list items and block quotes.
///
/// cmark gives each fenced block's first and last line, but `end_line` is one too far
/// when a container (not a closing fence) ends the block, so the closing fence is
/// verified here against the file's own lines.
enum CellFinder {
    private struct FencedBlock {
        var startLine: Int
        var startColumn: Int
        var endLine: Int
        var literal: [UInt8]
    }

    static func findCells(in source: MarkdownSource) throws -> [NotebookCell] {
        var cells = try findCells(parsing: source.bytes, source: source)
        // Old outputs are about to be replaced, so they must not shape the rest of the file:
        // an unclosed fence in a hand-edited region would hide the cells after it until the
        // region is rewritten, and re-rendering would then find other cells (found by the
        // fuzzer). So parse again with the regions' bodies masked, until the cells settle.
        for _ in 0..<4 where cells.contains(where: { $0.existingRegion != nil }) {
            let masked = try findCells(parsing: maskingRegionBodies(of: cells, in: source), source: source)
            if layout(masked) == layout(cells) { break }
            cells = masked
        }
        return cells
    }

    private static func layout(_ cells: [NotebookCell]) -> [[Int]] {
        cells.map { [$0.openingLine, $0.closingLine, $0.existingRegion?.lowerBound ?? 0, $0.existingRegion?.upperBound ?? 0] }
    }

    /// The file with every line inside a cell's region (between its markers) replaced by
    /// the cell's container prefix and an empty HTML comment, which Markdown closes on the
    /// same line. Line numbers and everything outside the regions stay as they are. The
    /// cell's own prefix, not the line's, because the region is about to be rewritten with
    /// it: a blank line inside an old region masked without the prefix of its list item
    /// would end the list and reveal cells that the rendering hides (found by the fuzzer).
    private static func maskingRegionBodies(of cells: [NotebookCell], in source: MarkdownSource) -> [UInt8] {
        var maskPrefix: [Int: [UInt8]] = [:]
        for cell in cells {
            guard let region = cell.existingRegion, region.upperBound > region.lowerBound + 2 else { continue }
            for line in (region.lowerBound + 2)..<region.upperBound { maskPrefix[line] = cell.containerPrefix }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.bytes.count)
        for (index, line) in source.lines.enumerated() {
            guard let prefix = maskPrefix[index + 1] else {
                bytes += line.content
                bytes += line.ending
                continue
            }
            bytes += prefix
            bytes += Array("<!-- -->".utf8)
            bytes += line.ending
        }
        return bytes
    }

    /// The cells cmark finds in `bytes` (the file's own bytes or a masked copy with the same
    /// lines), with their regions found in the file itself.
    private static func findCells(parsing bytes: [UInt8], source: MarkdownSource) throws -> [NotebookCell] {
        let (blocks, nodeStartLines) = parse(bytes)
        var cells: [NotebookCell] = []
        for block in blocks {
            if let cell = try makeCell(block, index: cells.count, source: source, nodeStartLines: nodeStartLines) {
                cells.append(cell)
            }
        }
        // A region may not reach into the next cell.
        for index in cells.indices {
            let limit = index + 1 < cells.count ? cells[index + 1].openingLine : source.lines.count + 1
            cells[index].existingRegion = OutputRegion.find(
                after: cells[index].closingLine, prefix: cells[index].containerPrefix, before: limit, in: source)
        }
        return cells
    }

    /// Runs cmark and returns every fenced or indented code block plus the line of every node's start.
    private static func parse(_ bytes: [UInt8]) -> ([FencedBlock], Set<Int>) {
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return ([], []) }
        defer { cmark_parser_free(parser) }
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress, raw.count > 0 {
                cmark_parser_feed(parser, base.assumingMemoryBound(to: CChar.self), raw.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else { return ([], []) }
        defer { cmark_node_free(document) }
        guard let iterator = cmark_iter_new(document) else { return ([], []) }
        defer { cmark_iter_free(iterator) }

        var blocks: [FencedBlock] = []
        var starts = Set<Int>()
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            if cmark_node_get_type(node) == CMARK_NODE_DOCUMENT { continue }
            starts.insert(Int(cmark_node_get_start_line(node)))
            guard cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK else { continue }
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            guard info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == "nn" else { continue }
            var literal: [UInt8] = []
            if let text = cmark_node_get_literal(node) {
                literal = Array(UnsafeBufferPointer(start: text, count: strlen(text))).map { UInt8(bitPattern: $0) }
            }
            blocks.append(
                FencedBlock(
                    startLine: Int(cmark_node_get_start_line(node)),
                    startColumn: Int(cmark_node_get_start_column(node)),
                    endLine: Int(cmark_node_get_end_line(node)), literal: literal))
        }
        return (blocks, starts)
    }

    private static func makeCell(
        _ block: FencedBlock, index: Int, source: MarkdownSource, nodeStartLines: Set<Int>
    ) throws -> NotebookCell? {
        let opening = block.startLine
        guard opening >= 1, opening <= source.lines.count else { return nil }
        let openingContent = source.lines[opening - 1].content
        // cmark's column is a byte offset + 1, counted after a BOM on line 1.
        let bomShift = opening == 1 && source.hasBOM ? MarkdownSource.bom.count : 0
        var fenceStart = openingContent.startIndex + bomShift + block.startColumn - 1
        if fenceStart >= openingContent.endIndex || !isFenceByte(openingContent[fenceStart]) {
            // Not where cmark said (should not happen): take the first fence character instead.
            guard let found = openingContent.firstIndex(where: isFenceByte) else { return nil }
            fenceStart = found
        }
        let fenceByte = openingContent[fenceStart]
        var fenceEnd = fenceStart
        while fenceEnd < openingContent.endIndex, openingContent[fenceEnd] == fenceByte { fenceEnd += 1 }
        let fenceLength = fenceEnd - fenceStart
        let prefix = continuationPrefix(openingContent[(openingContent.startIndex + bomShift)..<fenceStart])

        let literalLines = splitLiteral(block.literal)
        let closing = try closingLine(
            of: block, literalLineCount: literalLines.count, fenceByte: fenceByte, fenceLength: fenceLength,
            source: source, nodeStartLines: nodeStartLines)
        try CellEncoding.check(source, lines: opening...closing)

        // Options in the info string, from the file's own bytes so that columns are exact.
        var options = CellOptions()
        let infoText = String(decoding: openingContent[fenceEnd...], as: UTF8.self)
        let lineStartColumn = fenceEnd - openingContent.startIndex - bomShift + 1
        var rest = Substring(infoText)
        var restColumn = lineStartColumn
        while let first = rest.first, first == " " || first == "\t" {
            rest = rest.dropFirst()
            restColumn += 1
        }
        rest = rest.dropFirst(2)  // "nn"
        try CellOptionParser.parseInfo(rest, line: opening, column: restColumn + 2, into: &options)

        // `#|` lines at the top of the cell.
        var codeLines: [String] = []
        var fileLines: [Int] = []
        var columnOffsets: [Int] = []
        for (offset, literalLine) in literalLines.enumerated() {
            let fileLine = opening + 1 + offset
            let text = String(decoding: literalLine, as: UTF8.self)
            let content = source.lines[fileLine - 1].content
            let columnOffset: Int
            if content.count >= literalLine.count, content.suffix(literalLine.count).elementsEqual(literalLine) {
                columnOffset = String(decoding: content.dropLast(literalLine.count), as: UTF8.self).unicodeScalars.count
            } else {
                columnOffset = prefix.count
            }
            codeLines.append(text)
            fileLines.append(fileLine)
            columnOffsets.append(columnOffset)
        }
        var hashPipeOptions: [WrittenOption] = []
        var optionLineCount = 0
        for (offset, line) in codeLines.enumerated() {
            let trimmed = Substring(line).drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("#|") else { break }
            let column = columnOffsets[offset] + (line.count - trimmed.count) + 1
            hashPipeOptions.append(
                try CellOptionParser.parseHashPipe(trimmed, line: fileLines[offset], column: column, into: &options))
            optionLineCount += 1
        }

        return NotebookCell(
            index: index, openingLine: opening, closingLine: closing, containerPrefix: prefix,
            options: options, hashPipeOptions: hashPipeOptions, optionLineCount: optionLineCount,
            source: CellSourceLines(
                code: codeLines.joined(separator: "\n"), fileLines: fileLines, columnOffsets: columnOffsets),
            existingRegion: nil)
    }

    /// The closing fence's line, verified: when cmark's `end_line` is a content line
    /// (unclosed at the end of the file) or a line where another block starts (a
    /// container ended the block), the fence was never closed.
    private static func closingLine(
        of block: FencedBlock, literalLineCount: Int, fenceByte: UInt8, fenceLength: Int,
        source: MarkdownSource, nodeStartLines: Set<Int>
    ) throws -> Int {
        let candidate = block.endLine
        let closed =
            literalLineCount == candidate - block.startLine - 1
            && candidate > block.startLine && candidate <= source.lines.count
            && !nodeStartLines.contains(candidate)
            && isClosingFence(source.lines[candidate - 1].content, fenceByte: fenceByte, fenceLength: fenceLength)
        guard closed else {
            throw LocatedError(
                line: block.startLine, column: block.startColumn,
                message: "this nn cell's fence is never closed (everything after it would be part of the cell)")
        }
        return candidate
    }

    /// Whether a line, after its container prefix (spaces, tabs, `>`), is a fence of at
    /// least `fenceLength` `fenceByte`s followed only by spaces.
    static func isClosingFence(_ content: ArraySlice<UInt8>, fenceByte: UInt8, fenceLength: Int) -> Bool {
        var rest = content.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ">") }
        var run = 0
        while let first = rest.first, first == fenceByte {
            run += 1
            rest = rest.dropFirst()
        }
        return run >= fenceLength && rest.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    private static func isFenceByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "`") || byte == UInt8(ascii: "~")
    }

    /// The prefix of the lines that continue the fence's container: the opening line's
    /// bytes before the fence, with list markers turned into spaces (`"1. > "` → `"   > "`).
    static func continuationPrefix(_ beforeFence: ArraySlice<UInt8>) -> [UInt8] {
        beforeFence.map { byte in
            byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\t") ? byte : UInt8(ascii: " ")
        }
    }

    private static func splitLiteral(_ literal: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in literal.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(literal[start..<index])
            start = index + 1
        }
        if start < literal.count { lines.append(literal[start...]) }
        return lines
    }
}
