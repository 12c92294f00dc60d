import Foundation
import NNLang
import Notebook

/// `render`: any bytes as a notebook, parsed and rendered with cells whose outputs are
/// made from their code (text with backticks and region markers, log rows, tables,
/// plots, Mermaid, errors) and, once, with the real `Session` under small limits
/// (notebooks of up to four cells).
/// Invariants:
/// - a notebook that parses renders to a notebook that parses;
/// - rendering is idempotent, in handout and in `--in-place` mode;
/// - `--in-place`, the bytes outside the output regions are kept: removing the regions
///   from the rendering gives the input back (for inputs without region markers), and
///   the silent rendering (no outputs) of the rendering equals that of the input.
public func fuzzRender(_ bytes: [UInt8]) {
    let notebook: ParsedNotebook
    do {
        notebook = try NotebookRunner.parse(bytes, path: "fuzz.md")
    } catch let invalid as InvalidNotebook {
        fuzzCheck(!invalid.diagnostics.isEmpty, "render: invalid notebook without a diagnostic")
        for diagnostic in invalid.diagnostics {
            fuzzCheck(diagnostic.line >= 1 && diagnostic.column >= 1, "render: parse error at \(diagnostic.line):\(diagnostic.column)")
        }
        return
    } catch {
        fuzzCheck(false, "render: parse threw \(error)")
        return
    }
    let keepGoing = bytes.count % 2 == 0
    let hasMarkers = bytes.containsSubsequence(Array("nbrun:output".utf8))

    let inPlace = render(bytes, mode: .inPlace, keepGoing: keepGoing, ScriptedCells.init)
    checkEqual(render(inPlace, mode: .inPlace, keepGoing: keepGoing, ScriptedCells.init), inPlace, "render: --in-place not idempotent")
    let silent = render(bytes, mode: .inPlace, keepGoing: keepGoing, SilentCells.init)
    checkEqual(render(inPlace, mode: .inPlace, keepGoing: keepGoing, SilentCells.init), silent, "render: --in-place changed bytes outside the regions")
    if !hasMarkers {
        checkEqual(withoutInsertedRegions(inPlace), bytes, "render: --in-place rendering minus its regions is not the input")
    }

    let handout = render(bytes, mode: .handout, keepGoing: keepGoing, ScriptedCells.init)
    checkEqual(render(handout, mode: .handout, keepGoing: keepGoing, ScriptedCells.init), handout, "render: handout not idempotent")

    // The real language on the same cells (limits small: 0.25 s a cell, 64 MiB; at most
    // four cells, so that whole handouts among the seeds do not slow the fuzzer down).
    if (1...4).contains(notebook.cells.count) {
        let real = render(bytes, mode: .inPlace, keepGoing: keepGoing, LimitedSession.make)
        if !hasMarkers {
            checkEqual(withoutInsertedRegions(real), bytes, "render: session outputs changed bytes outside the regions")
        }
    }
}

/// Traps when `actual != expected`, naming the first line where they differ.
private func checkEqual(_ actual: [UInt8], _ expected: [UInt8], _ message: String) {
    guard actual != expected else { return }
    if let folder = ProcessInfo.processInfo.environment["NBRUN_FUZZ_DUMP"] {
        // For diagnosis: both renderings as files.
        _ = FileManager.default.createFile(atPath: folder + "/actual.md", contents: Data(actual))
        _ = FileManager.default.createFile(atPath: folder + "/expected.md", contents: Data(expected))
    }
    let a = MarkdownSource(bytes: actual).lines.map(\.bytes)
    let e = MarkdownSource(bytes: expected).lines.map(\.bytes)
    let line = (0..<min(a.count, e.count)).first(where: { a[$0] != e[$0] }) ?? min(a.count, e.count)
    func show(_ lines: [[UInt8]]) -> String {
        line < lines.count ? String(reflecting: String(decoding: lines[line], as: UTF8.self)) : "end of file"
    }
    fuzzCheck(false, "\(message): line \(line + 1) is \(show(a)), expected \(show(e))")
}

/// Renders `bytes` (which parsed once, so must parse again) with `makeExecutor`.
private func render(_ bytes: [UInt8], mode: RenderMode, keepGoing: Bool, _ makeExecutor: @escaping (SessionOptions) throws -> CellExecutor) -> [UInt8] {
    do {
        let notebook = try NotebookRunner.parse(bytes, path: "fuzz.md")
        var settings = RunSettings()
        settings.mode = mode
        settings.keepGoing = keepGoing
        settings.defaultTimeout = LimitedSession.timeout
        return try NotebookRunner.run(notebook, path: "fuzz.md", settings: settings, executor: makeExecutor).rendered
    } catch {
        fuzzCheck(false, "render: a rendering no longer parses or runs: \(error)")
        return []
    }
}

/// Removes every region nbrun inserts (blank line, opening marker, body, closing marker,
/// all with the cell's container prefix); at the end of a file without a final newline
/// the cell's closing fence gets its ending back. Only for inputs without markers.
func withoutInsertedRegions(_ bytes: [UInt8]) -> [UInt8] {
    let lines = MarkdownSource(bytes: bytes).lines
    let opening = Array("<!-- nbrun:output -->".utf8)
    let closing = Array("<!-- /nbrun:output -->".utf8)
    var kept: [(content: [UInt8], ending: [UInt8])] = []
    var index = 0
    while index < lines.count {
        let content = Array(lines[index].content)
        guard content.count >= opening.count, content.suffix(opening.count).elementsEqual(opening), let blank = kept.last else {
            kept.append((content, Array(lines[index].ending)))
            index += 1
            continue
        }
        let prefix = Array(content.dropLast(opening.count))
        var end = index + 1
        while end < lines.count, Array(lines[end].content) != prefix + closing { end += 1 }
        fuzzCheck(end < lines.count, "render: region opened at line \(index + 1) never closed")
        let blankPrefix = Array(String(decoding: prefix, as: UTF8.self).trimmingSuffix(while: { $0 == " " || $0 == "\t" }).utf8)
        fuzzCheck(blank.content == blankPrefix, "render: no blank line before the region at line \(index + 1)")
        kept.removeLast()
        if lines[end].ending.isEmpty, let fence = kept.popLast() {
            kept.append((fence.content, []))
        }
        index = end + 1
    }
    return Array(kept.map { $0.content + $0.ending }.joined())
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var result = self
        while let last = result.last, predicate(last) { result.removeLast() }
        return result
    }
}

extension Array where Element == UInt8 {
    fileprivate func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Cells whose outputs are made from their code, deterministically, so that every kind
/// of output (and code full of backticks and markers) reaches the renderer.
final class ScriptedCells: CellExecutor {
    var progressHandler: ((ProgressEvent) -> Void)?
    init(_ options: SessionOptions) {}
    func manualSeed(_ seed: Int) {}

    func run(_ cell: CellSource, timeout: Double?) -> CellResult {
        // Option lines (`#|`) leave the code in a handout, so outputs must not depend on them.
        var lines = cell.code.split(separator: "\n", omittingEmptySubsequences: false)
        var fileLines = cell.fileLines
        while let first = lines.first, first.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#|") {
            lines.removeFirst()
            if !fileLines.isEmpty { fileLines.removeFirst() }
        }
        let code = lines.joined(separator: "\n")
        var outputs: [CellOutput] = [.text(code)]
        let words = code.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        if code.contains("log") {
            outputs.append(.logRow(words.prefix(3).enumerated().map { LogColumn(name: $0.element, text: "\($0.offset)", isNumber: $0.offset % 2 == 0) }))
            outputs.append(.logRow([LogColumn(name: words.first ?? "", text: words.last ?? "", isNumber: false)]))
        }
        if code.contains("table") {
            outputs.append(.table(OutputTable(title: words.first, header: words.prefix(2).map { $0 }, rightAligned: [true, false], rows: [words.suffix(3).map { $0 }])))
        }
        if code.contains("graph") { outputs.append(.mermaid(code)) }
        if code.contains("plot") {
            let values = code.utf8.prefix(64).map { Double($0) - 64 }
            let special: [Double] = code.contains("nan") ? [.nan, .infinity, -.infinity] : []
            outputs.append(.plot(PlotSpec(
                series: [PlotSpec.Series(name: words.first ?? "", x: values.indices.map(Double.init) + special, y: values + special)],
                title: words.last, xlabel: words.first, ylabel: code.contains("ylabel") ? code : nil,
                width: 1 + code.utf8.count % 90, height: 1 + code.utf8.count % 30,
                logy: code.contains("logy"), braille: code.contains("braille"))))
        }
        if code.contains("print") { outputs.append(.text(words.joined(separator: "`"))) }
        var error: Diagnostic?
        if code.contains("fail") {
            let line = fileLines.isEmpty ? 0 : fileLines[code.utf8.count % fileLines.count]
            error = Diagnostic(line: line, column: code.utf8.count % 7, message: code)
        }
        return CellResult(outputs: outputs, error: error)
    }
}

/// Cells that print nothing: rendering with them removes the regions after cells.
final class SilentCells: CellExecutor {
    var progressHandler: ((ProgressEvent) -> Void)?
    init(_ options: SessionOptions) {}
    func manualSeed(_ seed: Int) {}
    func run(_ cell: CellSource, timeout: Double?) -> CellResult { CellResult(outputs: [], error: nil) }
}

/// The real session with the fuzzing limits, whatever `timeout=` a cell asks for.
final class LimitedSession: CellExecutor {
    static let timeout = 0.25
    private let session: Session
    var progressHandler: ((ProgressEvent) -> Void)? {
        get { session.progressHandler }
        set { session.progressHandler = newValue }
    }

    static func make(_ options: SessionOptions) throws -> CellExecutor {
        var limited = options
        limited.cellTimeout = timeout
        limited.maxTensorBytes = EvalFuzzLimits.maxTensorBytes
        limited.notebookDirectory = "/nonexistent-nbrun-fuzz"
        return LimitedSession(try Session(options: limited))
    }

    private init(_ session: Session) { self.session = session }
    func manualSeed(_ seed: Int) { session.manualSeed(seed) }
    func run(_ cell: CellSource, timeout: Double?) -> CellResult {
        // timeout=0 means no limit in nbrun; here every cell gets one.
        let asked = timeout ?? Self.timeout
        return session.run(cell, timeout: asked > 0 ? min(asked, Self.timeout) : Self.timeout)
    }
}

/// For diagnosing a render finding (`nbrun-fuzz cells FILE`): the cells found, one a line.
public func describeCells(_ bytes: [UInt8]) -> String {
    do {
        let notebook = try NotebookRunner.parse(bytes, path: "fuzz.md")
        return notebook.cells.map { cell in
            let region = cell.existingRegion.map { " region \($0.lowerBound)...\($0.upperBound)" } ?? ""
            return "cell \(cell.index + 1): lines \(cell.openingLine)...\(cell.closingLine)\(region)"
        }.joined(separator: "\n")
    } catch {
        return "invalid: \(error)"
    }
}

/// For diagnosing a render finding (`nbrun-fuzz render-once FILE`): the --in-place
/// rendering with the scripted cells, `keepGoing` as the render target chooses it.
public func renderOnce(_ bytes: [UInt8], keepGoing: Bool) -> [UInt8] {
    render(bytes, mode: .inPlace, keepGoing: keepGoing, ScriptedCells.init)
}
