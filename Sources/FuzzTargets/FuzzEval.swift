import Foundation
import NNLang

/// The limits of the `eval` target: small, so that runaway inputs end quickly.
public enum EvalFuzzLimits {
    public static let cellTimeout = 1.0
    public static let maxTensorBytes = 64 << 20
    /// Cells per input: lines `# %%` split the input, as in a notebook of several cells.
    public static let maxCells = 4
}

/// `eval`: any bytes run as up to four cells of one `Session` (cells split at `# %%`
/// lines) with a 1 s time limit per cell and a 64 MiB tensor budget. Invariants: no
/// crash, hang or unbounded memory (libFuzzer's -timeout and -rss_limit_mb), and every
/// error is located in the input (in its cell, or for a runtime error in a function
/// defined by an earlier cell, there; never after its cell).
public func fuzzEval(_ bytes: [UInt8]) {
    let directory = EvalDirectory.shared.fresh()
    var options = SessionOptions(notebookDirectory: directory)
    options.cellTimeout = EvalFuzzLimits.cellTimeout
    options.maxTensorBytes = EvalFuzzLimits.maxTensorBytes
    guard let session = try? Session(options: options) else {
        fuzzCheck(false, "eval: cannot create a session")
        return
    }
    let cells = Array(evalCells(decodedCode(bytes)).prefix(EvalFuzzLimits.maxCells))
    // A runtime error may point into an earlier cell (the body of a function defined there).
    let lines = (cells.first?.fileLines.first ?? 3)...((cells.last?.fileLines.last ?? 3) + 1)
    for cell in cells {
        let result = session.run(cell)
        if let error = result.error {
            checkLocated(error, in: lines, "eval")
            fuzzCheck(error.line <= (cell.fileLines.last ?? 3) + 1, "eval: error located after its cell: \(error)")
        }
    }
}

/// Splits code at `# %%` lines into cells that keep their line numbers (starting at line 3).
func evalCells(_ code: String) -> [CellSource] {
    var cells: [CellSource] = []
    var lines: [Substring] = []
    var firstLine = 3
    var lineNumber = 3
    func flush() {
        let count = max(lines.count, 1)
        cells.append(
            CellSource(
                code: lines.joined(separator: "\n"), fileLines: Array(firstLine..<(firstLine + count)),
                columnOffsets: Array(repeating: 0, count: count), name: "cell \(cells.count + 1)"))
        lines = []
    }
    for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("# %%") {
            flush()
            firstLine = lineNumber + 1
        } else {
            lines.append(line)
        }
        lineNumber += 1
    }
    flush()
    return cells
}

/// The notebook folder of the eval target: an empty temporary folder per input, so
/// that files one input saves do not change how the next one runs.
final class EvalDirectory: @unchecked Sendable {
    static let shared = EvalDirectory()
    private let path: String

    private init() {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("nbrun-fuzz-eval-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func fresh() -> String {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty {
            for entry in entries {
                try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(entry))
            }
        }
        return path
    }
}
