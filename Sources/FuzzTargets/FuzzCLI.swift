import NbrunCLI
import NNLang
import Notebook

/// `cli`: the input split at NUL bytes into arguments, parsed as nbrun's command line
/// (never run). Invariants: usage errors exit 2 with a message, help exits 0; every
/// `-P` assignment's value is a literal the session accepts; front-matter params made
/// of the same words parse or fail with a located error.
public func fuzzCLI(_ bytes: [UInt8]) {
    let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map { decodedCode($0) }
    switch CommandLineEntry.parse(arguments) {
    case .run:
        break
    case .finished(let status, let message):
        fuzzCheck(status == 0 || status == 2, "cli: exit status \(status)")
        fuzzCheck(status == 0 || !message.isEmpty, "cli: usage error without a message")
    }
    for argument in arguments.prefix(8) {
        guard let (name, value) = Parameters.parseAssignment(argument) else { continue }
        fuzzCheck(argument.hasPrefix(name + "="), "cli: parameter name '\(name)' not from '\(argument)'")
        // The session reads the value as a literal, or keeps it as a string: never fails.
        var options = SessionOptions(notebookDirectory: "/nonexistent-nbrun-fuzz")
        options.parameters = [(name, value)]
        options.cellTimeout = 1
        fuzzCheck((try? Session(options: options)) != nil, "cli: session rejects parameter \(name)=\(value)")
    }
    // The same words as front-matter parameter lines.
    let frontMatter = "---\nparams:\n" + arguments.prefix(16).map { "  " + $0.replacingOccurrences(of: "=", with: ": ") + "\n" }.joined() + "---\n"
    do {
        _ = try NotebookRunner.parse(Array(frontMatter.utf8), path: "params.md")
    } catch let invalid as InvalidNotebook {
        for diagnostic in invalid.diagnostics {
            fuzzCheck(diagnostic.line >= 1 && diagnostic.column >= 1, "cli: front matter error at \(diagnostic.line):\(diagnostic.column)")
        }
    } catch {
        fuzzCheck(false, "cli: front matter parse threw \(error)")
    }
}
