/// An `nn` cell is UTF-8 source code. cmark quietly turns a NUL byte or a malformed
/// sequence into U+FFFD, which would run as a different program than the file holds (or
/// fail with a puzzling message), so both make the notebook invalid, located at the byte.
enum CellEncoding {
    /// Throws at the first NUL byte or invalid UTF-8 sequence on the file's `lines`.
    static func check(_ source: MarkdownSource, lines: ClosedRange<Int>) throws {
        for number in lines where number >= 1 && number <= source.lines.count {
            var content = source.lines[number - 1].content
            if number == 1, source.hasBOM { content = content.dropFirst(MarkdownSource.bom.count) }
            guard let (offset, message) = firstProblem(in: content) else { continue }
            let column = String(decoding: content.prefix(offset), as: UTF8.self).unicodeScalars.count + 1
            throw LocatedError(line: number, column: column, message: message)
        }
    }

    /// The byte offset and description of the first NUL or invalid sequence, if any.
    static func firstProblem(in bytes: ArraySlice<UInt8>) -> (Int, String)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0 {
                    return (offset, "an nn cell cannot contain a NUL byte (cells are UTF-8 text)")
                }
                offset += encoded.count
            case .error(let length):
                let shown = bytes.dropFirst(offset).prefix(length).map { "0x" + hex($0) }.joined(separator: " ")
                return (offset, "invalid UTF-8 in an nn cell (byte \(shown))")
            case .emptyInput:
                return nil
            }
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
