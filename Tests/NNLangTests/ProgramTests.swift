import Foundation
import NNLang
import Testing

/// Runs every program in Programs/ and compares its output with the `# expect:`
/// comments in it (Crafting Interpreters style).
///
/// - `# expect: text` — the next line of output is `text`.
/// - `# expect error: message` — running stops with this error, reported on this line.
/// - A line `#---` starts a new cell (same session, so globals carry over); an error
///   stops only its own cell.
/// - Non-text outputs are shown as one line each: `log: a=1, b=0.5000`, `plot: …`, `table: …`.
struct ProgramFile: CustomTestStringConvertible, Sendable {
    let url: URL
    var testDescription: String { url.lastPathComponent }
}

func programFiles() -> [ProgramFile] {
    guard let dir = Bundle.module.url(forResource: "Programs", withExtension: nil),
        let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
    else { return [] }
    return names.filter { $0.hasSuffix(".nn") }.sorted().map { ProgramFile(url: dir.appendingPathComponent($0)) }
}

func describe(_ output: CellOutput) -> [String] {
    switch output {
    case .text(let s):
        var lines = s.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    case .logRow(let columns):
        return ["log: " + columns.map { "\($0.name)=\($0.text)\($0.isNumber ? "" : "'")" }.joined(separator: ", ")]
    case .plot(let p):
        var line = "plot: "
        if let t = p.title { line += "title=\(t) " }
        if let x = p.xlabel { line += "xlabel=\(x) " }
        if let y = p.ylabel { line += "ylabel=\(y) " }
        line += "\(p.width)x\(p.height)\(p.logy ? " logy" : "")\(p.braille ? " braille" : "") "
        line += p.series.map { s in
            let ys = s.y
            func f(_ d: Double) -> String { String(format: "%.4g", d) }
            return "\(s.name)[\(ys.count)] x=\(f(s.x.first ?? .nan))..\(f(s.x.last ?? .nan)) y0=\(f(ys.first ?? .nan)) yn=\(f(ys.last ?? .nan))"
        }.joined(separator: "; ")
        return [line]
    case .table(let t):
        var lines = ["table: \(t.title ?? "")", t.header.joined(separator: " | ")]
        lines += t.rows.map { $0.joined(separator: " | ") }
        return lines
    case .mermaid(let m):
        return m.components(separatedBy: "\n").filter { !$0.isEmpty }
    }
}

@Test(arguments: programFiles())
func program(_ file: ProgramFile) throws {
    let source = try String(contentsOf: file.url, encoding: .utf8)
    let lines = source.components(separatedBy: "\n")
    var expectedOutput: [String] = []
    var expectedErrors: [(line: Int, message: String)] = []
    var cells: [CellSource] = []
    var timeout = 20.0
    var cellLines: [String] = []
    var cellFileLines: [Int] = []
    func flush() {
        if !cellLines.isEmpty {
            cells.append(CellSource(code: cellLines.joined(separator: "\n"), fileLines: cellFileLines,
                                    columnOffsets: cellFileLines.map { _ in 0 }, name: "cell \(cells.count + 1)"))
        }
        cellLines = []
        cellFileLines = []
    }
    for (i, line) in lines.enumerated() {
        if line.trimmingCharacters(in: .whitespaces) == "#---" { flush(); continue }
        cellLines.append(line)
        cellFileLines.append(i + 1)
        if line.hasPrefix("# timeout: "), let t = Double(line.dropFirst("# timeout: ".count)) { timeout = t }
        if let r = line.range(of: "# expect: ") {
            expectedOutput.append(String(line[r.upperBound...]))
        } else if line.hasSuffix("# expect:") {
            expectedOutput.append("")
        } else if let r = line.range(of: "# expect error: ") {
            expectedErrors.append((i + 1, String(line[r.upperBound...])))
        }
    }
    flush()
    let session = try Session(options: SessionOptions(notebookDirectory: file.url.deletingLastPathComponent().path))
    var actualOutput: [String] = []
    var actualErrors: [(line: Int, message: String)] = []
    for cell in cells {
        let result = session.run(cell, timeout: timeout)
        actualOutput += result.outputs.flatMap(describe)
        if let e = result.error { actualErrors.append((e.line, e.message)) }
    }
    #expect(actualOutput == expectedOutput, "\(file.testDescription): output differs")
    if actualOutput != expectedOutput {
        for i in 0..<max(actualOutput.count, expectedOutput.count) {
            let a = i < actualOutput.count ? actualOutput[i] : "<none>"
            let e = i < expectedOutput.count ? expectedOutput[i] : "<none>"
            if a != e { print("  \(file.testDescription) line \(i): expected «\(e)» got «\(a)»") }
        }
    }
    #expect(actualErrors.map { "\($0.line): \($0.message)" } == expectedErrors.map { "\($0.line): \($0.message)" },
            "\(file.testDescription): errors differ")
}
