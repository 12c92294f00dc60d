import Foundation
import Testing

/// One row of the bad-input table: the files, the command line, and what nbrun must do —
/// the exact exit status and first line of standard error, within a time bound, with every
/// input byte left as it was and no temporary file left behind.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The bytes of `nb.md`.
    var notebook: [UInt8]
    /// Other files to create (relative path, bytes).
    var files: [String: [UInt8]] = [:]
    /// Extra set-up in the scratch folder (symbolic links, FIFOs).
    var setup: @Sendable (URL) throws -> Void = { _ in }
    var arguments: [String] = ["nb.md"]
    var status: Int32
    /// The first line of standard error, exactly ("" for none).
    var error: String
    /// Seconds the whole run may take (a hang fails the row).
    var timeLimit: Double = 45
    /// Whether the rendered nb.out.md must exist afterwards (status 0 and 1 write it).
    var writesOutput: Bool? = nil

    var testDescription: String { name }
}

/// A notebook of one `nn` cell (code on lines 2...), with the given info-string options.
func cell(_ code: String, options: String = "") -> [UInt8] {
    Array("```nn\(options.isEmpty ? "" : " " + options)\n\(code)\n```\n".utf8)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
