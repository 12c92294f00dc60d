import Foundation

/// Notebook parameters: globals defined before the first cell, from the YAML front
/// matter's `params:` block and from `-P name=value` (which wins).
///
/// ```markdown
/// ---
/// params:
///   lr: 0.05
///   optimizer: adam
/// ---
/// ```
public enum Parameters {
    /// The `params:` of the front matter, each value turned into the source text of a literal.
    static func fromFrontMatter(_ source: MarkdownSource) throws -> [(name: String, value: String)] {
        guard source.lines.count >= 2, source.lineText(1).trimmingTrailingSpaces == "---" else { return [] }
        var closing: Int?
        for line in 2...source.lines.count {
            let text = source.lineText(line).trimmingTrailingSpaces
            if text == "---" || text == "..." {
                closing = line
                break
            }
        }
        guard let closing else { return [] }
        var parameters: [(name: String, value: String)] = []
        var inParams = false
        for line in stride(from: 2, to: closing, by: 1) {
            let text = source.lineText(line)
            let indented = text.first == " " || text.first == "\t"
            let trimmed = Substring(text).trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if !indented {
                inParams = trimmed.hasPrefix("params:")
                if inParams, !trimmed.dropFirst("params:".count).trimmingSpaces.isEmpty {
                    throw LocatedError(
                        line: line, column: 1, message: "write params as indented 'name: value' lines")
                }
                continue
            }
            guard inParams else { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw LocatedError(
                    line: line, column: text.count - trimmed.count + 1,
                    message: "a parameter needs the form 'name: value'")
            }
            let name = String(trimmed[..<colon].trimmingSpaces)
            let value = String(trimmed[trimmed.index(after: colon)...].trimmingSpaces)
            guard isIdentifier(name) else {
                throw LocatedError(
                    line: line, column: text.count - trimmed.count + 1,
                    message: "parameter name '\(name)' is not an identifier")
            }
            parameters.append((name, literal(value)))
        }
        return parameters
    }

    /// Parses `-P name=value`.
    public static func parseAssignment(_ text: String) -> (name: String, value: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = String(text[..<equals])
        guard isIdentifier(name) else { return nil }
        return (name, literal(String(text[text.index(after: equals)...])))
    }

    /// Front-matter parameters overridden by command-line ones, in first-seen order.
    public static func merged(_ base: [(name: String, value: String)], overrides: [(name: String, value: String)])
        -> [(name: String, value: String)]
    {
        var result = base
        for parameter in overrides {
            if let index = result.firstIndex(where: { $0.name == parameter.name }) {
                result[index].value = parameter.value
            } else {
                result.append(parameter)
            }
        }
        return result
    }

    /// The source text of a literal for a written value: numbers, booleans, None,
    /// quoted strings and lists as written (YAML's `true` as `True`); any other word becomes a string.
    static func literal(_ value: String) -> String {
        switch value {
        case "true", "True", "TRUE": return "True"
        case "false", "False", "FALSE": return "False"
        case "null", "~", "None", "": return "None"
        default: break
        }
        let numberCharacters = Set("0123456789+-.eE_")
        if Double(value) != nil, value.allSatisfy(numberCharacters.contains),
            value.contains(where: \.isNumber)
        {
            return value
        }
        if value.count >= 2,
            (value.hasPrefix("\"") && value.hasSuffix("\"")) || (value.hasPrefix("'") && value.hasSuffix("'"))
                || (value.hasPrefix("[") && value.hasSuffix("]"))
        {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

