import Foundation

/// `--check`: compares a fresh render with the file on disk, ignoring `check=false`
/// regions and, with `rtol`/`atol`, numbers that differ by less than the tolerance.
public enum OutputComparison {
    public struct Tolerance: Sendable {
        public var relative: Double
        public var absolute: Double
        public init(relative: Double = 0, absolute: Double = 0) {
            self.relative = relative
            self.absolute = absolute
        }
        var isExact: Bool { relative == 0 && absolute == 0 }
    }

    /// nil when the files agree, else a unified diff (existing → rendered).
    public static func difference(
        rendered: NotebookRun, existing: [UInt8], tolerance: Tolerance, existingName: String
    ) -> String? {
        let new = MarkdownSource(bytes: rendered.rendered).lines.map(\.bytes)
        let oldRaw = MarkdownSource(bytes: existing).lines.map(\.bytes)
        let old = withUncheckedRegionsCopied(from: new, ranges: rendered.uncheckedLines, into: oldRaw) ?? oldRaw
        if old == new { return nil }
        if !tolerance.isExact, old.count == new.count,
            zip(old, new).allSatisfy({ linesAgree($0, $1, tolerance) })
        {
            return nil
        }
        var diff = UnifiedDiff.make(
            old: old.map(displayed), new: new.map(displayed), oldName: existingName,
            newName: existingName + " (rendered now)")
        if diff.isEmpty {
            // Only line endings or the final newline differ, which the diff does not show.
            diff = "--- \(existingName)\n+++ \(existingName) (rendered now)\n(line endings differ)\n"
        }
        return diff
    }

    /// The existing lines with each `check=false` region's body replaced by the new one,
    /// provided everything before it lines up; nil when it does not.
    static func withUncheckedRegionsCopied(from new: [[UInt8]], ranges: [Range<Int>], into old: [[UInt8]])
        -> [[UInt8]]?
    {
        guard !ranges.isEmpty else { return old }
        var result: [[UInt8]] = []
        var newIndex = 0
        var oldIndex = 0
        for range in ranges {
            let fixed = new[newIndex..<range.lowerBound]
            guard oldIndex + fixed.count <= old.count, old[oldIndex..<(oldIndex + fixed.count)].elementsEqual(fixed),
                range.upperBound < new.count
            else { return nil }
            result += fixed
            oldIndex += fixed.count
            let closingMarker = trimmedEnding(new[range.upperBound])
            guard let end = old[oldIndex...].firstIndex(where: { trimmedEnding($0) == closingMarker }) else {
                return nil
            }
            result += new[range]
            oldIndex = end
            newIndex = range.upperBound
        }
        return result + old[oldIndex...]
    }

    private static func trimmedEnding(_ line: [UInt8]) -> ArraySlice<UInt8> {
        var slice = line[...]
        while let last = slice.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return slice
    }

    private static func displayed(_ line: [UInt8]) -> String {
        String(decoding: trimmedEnding(line), as: UTF8.self)
    }

    /// Same text between the numbers, and numbers equal within the tolerance.
    static func linesAgree(_ old: [UInt8], _ new: [UInt8], _ tolerance: Tolerance) -> Bool {
        if old == new { return true }
        let oldTokens = tokens(displayed(old))
        let newTokens = tokens(displayed(new))
        guard oldTokens.count == newTokens.count else { return false }
        for (a, b) in zip(oldTokens, newTokens) {
            switch (a, b) {
            case (.text(let x), .text(let y)) where x == y: continue
            case (.number(let x), .number(let y)):
                if x == y || abs(x - y) <= tolerance.absolute + tolerance.relative * abs(x) { continue }
                return false
            default: return false
            }
        }
        return old.last == new.last
    }

    /// A piece of a line for the tolerance comparison.
    public enum Token: Equatable, Sendable {
        case text(String)
        case number(Double)
    }

    /// Splits a line into numbers (`-1.5`, `2e-05`, `.5`) and the text between them.
    public static func tokens(_ line: String) -> [Token] {
        let chars = Array(line.unicodeScalars)
        var tokens: [Token] = []
        var text = ""
        var index = 0
        func isDigit(_ i: Int) -> Bool { i < chars.count && ("0"..."9").contains(chars[i]) }
        while index < chars.count {
            var end = index
            if chars[end] == "-" || chars[end] == "+" { end += 1 }
            let digitsStart = end
            while isDigit(end) { end += 1 }
            if end < chars.count, chars[end] == ".", isDigit(end + 1) || end > digitsStart {
                end += 1
                while isDigit(end) { end += 1 }
            }
            let hasDigits = (digitsStart..<end).contains { isDigit($0) }
            let previousIsWord = index > 0 && (chars[index - 1].properties.isAlphabetic || chars[index - 1] == "_")
            if hasDigits, !previousIsWord {
                if end < chars.count, chars[end] == "e" || chars[end] == "E" {
                    var exponent = end + 1
                    if exponent < chars.count, chars[exponent] == "-" || chars[exponent] == "+" { exponent += 1 }
                    if isDigit(exponent) {
                        while isDigit(exponent) { exponent += 1 }
                        end = exponent
                    }
                }
                let literal = String(String.UnicodeScalarView(chars[index..<end]))
                if let value = Double(literal) {
                    if !text.isEmpty { tokens.append(.text(text)) }
                    text = ""
                    tokens.append(.number(value))
                    index = end
                    continue
                }
            }
            text.unicodeScalars.append(chars[index])
            index += 1
        }
        if !text.isEmpty { tokens.append(.text(text)) }
        return tokens
    }
}
