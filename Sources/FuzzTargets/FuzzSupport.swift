import Foundation
import NNLang

/// Stops the process when an invariant fails, so that libFuzzer (or the replay driver,
/// or a test) reports the input. A failed check is a bug in nbrun, not in the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("fuzz invariant violated: \(message())\n".utf8))
        fatalError("fuzz invariant violated: \(message())")
    }
}

/// The fuzz targets by name (`NBRUN_FUZZ_TARGET`, the folders of Reproducers/).
public enum FuzzTarget: String, CaseIterable, Sendable {
    case lex, parse, eval, render, cli

    /// Runs one input through the target; traps on a violated invariant.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .lex: fuzzLex(bytes)
        case .parse: fuzzParse(bytes)
        case .eval: fuzzEval(bytes)
        case .render: fuzzRender(bytes)
        case .cli: fuzzCLI(bytes)
        }
    }
}

/// Cell code as the notebook layer makes it from file bytes: decoded as UTF-8 with
/// invalid sequences replaced (MarkdownSource.lineText, CellFinder).
func decodedCode(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// A cell source for `code` as if the cell's first code line were line 3 of a file,
/// inside a container whose prefix is two columns wide (like "> " or "- ").
func cellSource(_ code: String) -> CellSource {
    let lineCount = code.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    return CellSource(
        code: code, fileLines: Array(3..<(3 + lineCount)), columnOffsets: Array(repeating: 2, count: lineCount),
        name: "cell 1")
}

/// A diagnostic must point into the cell (or just past its last line, for an
/// unexpected end of input) at a column of at least 1.
func checkLocated(_ diagnostic: Diagnostic, in cell: CellSource, _ what: String) {
    checkLocated(diagnostic, in: (cell.fileLines.first ?? 1)...((cell.fileLines.last ?? 1) + 1), what)
}

/// A diagnostic must point into `lines` at a column of at least 1.
func checkLocated(_ diagnostic: Diagnostic, in lines: ClosedRange<Int>, _ what: String) {
    fuzzCheck(
        lines.contains(diagnostic.line) && diagnostic.column >= 1,
        "\(what): diagnostic at \(diagnostic.line):\(diagnostic.column) outside lines \(lines): \(diagnostic.message)")
    fuzzCheck(!diagnostic.message.isEmpty, "\(what): empty diagnostic message")
}

/// Runs `body` on a thread with the stack `Session.run` gives cells (the lexer, parser
/// and resolver run there in nbrun), and waits for it.
func onCellStack<T>(_ body: @escaping () -> T) -> T {
    let result = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        result.value = body()
        done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    done.wait()
    return result.value!
}

/// Carries a result from the cell thread back to the waiting caller.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
