/// A Markdown file as bytes split into lines, keeping every byte: each line's
/// content and its own line ending ("\n", "\r\n", "\r" or none at the end of the file).
///
/// Splicing works on these lines, never on cmark's literals, because a literal is
/// not a byte substring of the file (container prefixes stripped, tabs expanded).
///
/// ```swift
/// let source = MarkdownSource(bytes: Array("a\r\nb".utf8))
/// source.lines.count   // 2
/// source.lineEnding    // "\r\n"
/// ```
public struct MarkdownSource: Sendable {
    /// One line of the file: `content` excludes the line ending.
    public struct Line: Sendable, Equatable {
        public var content: ArraySlice<UInt8>
        public var ending: ArraySlice<UInt8>
        public var bytes: [UInt8] { Array(content) + Array(ending) }
    }

    public let bytes: [UInt8]
    /// Lines in file order; line N of cmark is `lines[N - 1]`.
    public let lines: [Line]
    /// Whether the file starts with a UTF-8 byte order mark (cmark strips it and
    /// counts line 1's columns after it).
    public let hasBOM: Bool
    /// The file's line ending (its first one), used for lines nbrun writes.
    public let lineEnding: [UInt8]

    public static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.hasBOM = bytes.starts(with: Self.bom)
        var lines: [Line] = []
        var start = 0
        var index = 0
        var firstEnding: [UInt8]?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                var end = index + 1
                if byte == UInt8(ascii: "\r"), end < bytes.count, bytes[end] == UInt8(ascii: "\n") {
                    end += 1
                }
                lines.append(Line(content: bytes[start..<index], ending: bytes[index..<end]))
                if firstEnding == nil { firstEnding = Array(bytes[index..<end]) }
                start = end
                index = end
            } else {
                index += 1
            }
        }
        if start < bytes.count {
            lines.append(Line(content: bytes[start..<bytes.count], ending: bytes[bytes.count..<bytes.count]))
        }
        self.lines = lines
        self.lineEnding = firstEnding ?? [UInt8(ascii: "\n")]
    }

    /// The text of line `number` (1-based) without its ending, for messages.
    public func lineText(_ number: Int) -> String {
        guard number >= 1, number <= lines.count else { return "" }
        var content = lines[number - 1].content
        if number == 1, hasBOM { content = content.dropFirst(Self.bom.count) }
        return String(decoding: content, as: UTF8.self)
    }
}
