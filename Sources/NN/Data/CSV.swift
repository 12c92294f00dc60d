import Foundation

/// A parsed numeric CSV file: optional header names and rows of numbers.
public struct NumericCSV: Sendable {
    public var header: [String]?
    public var rows: [[Double]]

    /// Parses comma-separated numbers; every row must have as many fields as the first.
    /// Empty lines are skipped. Errors name the line (1-based, counting the header).
    public init(text: String, header hasHeader: Bool, name: String = "csv") throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var firstLineNumber = 1
        if hasHeader {
            guard let first = lines.first else { throw NNError("load_csv: '\(name)' is empty") }
            header = first.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            lines.removeFirst()
            firstLineNumber = 2
        }
        rows = []
        var width: Int? = header?.count
        for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var row: [Double] = []
            row.reserveCapacity(fields.count)
            for field in fields {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed) else {
                    throw NNError("load_csv: '\(name)' line \(i + firstLineNumber): '\(trimmed)' is not a number")
                }
                row.append(value)
            }
            if let w = width, w != row.count {
                throw NNError("load_csv: '\(name)' line \(i + firstLineNumber) has \(row.count) fields, expected \(w)")
            }
            width = row.count
            rows.append(row)
        }
    }
}
