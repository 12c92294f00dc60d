import Foundation
import NNLang
import Notebook

/// A stand-in for the language in runner tests: each cell line is a command that
/// produces one output, so golden notebooks test the runner independently of NNLang.
///
///     print TEXT              text output (TEXT + newline)
///     write TEXT              text output without a newline (`\r`, `\n` escapes)
///     log k=v k=v             a log row (numbers when the value parses as one)
///     plot f,g key=value…     a plot of named functions (sin, cos, relu, sigmoid, square,
///                             exp, loss); keys: title xlabel ylabel width height logy braille
///     table                   a ready-made table with a title
///     mermaid                 a small flowchart
///     error MESSAGE           fail at this line (column of MESSAGE)
///     progress N              N progress events
///     seed                    print the current seed
///     param NAME              print the parameter's literal source text
final class ScriptedExecutor: CellExecutor {
    var progressHandler: ((ProgressEvent) -> Void)?
    let options: SessionOptions
    private var seed = 0
    var cellsRun: [String] = []

    init(options: SessionOptions) { self.options = options }

    func manualSeed(_ seed: Int) { self.seed = seed }

    func run(_ cell: CellSource, timeout: Double?) -> CellResult {
        cellsRun.append(cell.name)
        var outputs: [CellOutput] = []
        for (index, line) in cell.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(separator: " ", maxSplits: 1)
            guard let command = words.first else { continue }
            let rest = words.count > 1 ? String(words[1]) : ""
            switch command {
            case "print": outputs.append(.text(rest + "\n"))
            case "write":
                // `\r` and `\n` in the text stand for those characters.
                outputs.append(.text(rest.replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\n", with: "\n")))
            case "log":
                outputs.append(.logRow(rest.split(separator: " ").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    let value = parts.count > 1 ? parts[1] : ""
                    return LogColumn(name: parts[0], text: value, isNumber: Double(value) != nil)
                }))
            case "plot": outputs.append(.plot(Self.plot(rest)))
            case "table":
                outputs.append(.table(OutputTable(
                    title: "Forward primal trace", header: ["v", "expression", "value"],
                    rightAligned: [false, false, true],
                    rows: [["v₋₁", "x₁", "2"], ["v₀", "x₂", "5"], ["v₁", "ln v₋₁", "0.693"]])))
            case "mermaid": outputs.append(.mermaid("flowchart LR\n  a[\"x [3]\"] --> b[\"relu [3]\"]\n"))
            case "error":
                let column = cell.columnOffsets[index] + line.count - rest.count + 1
                return CellResult(
                    outputs: outputs,
                    error: Diagnostic(line: cell.fileLines[index], column: column, message: rest))
            case "progress":
                let total = Int(rest) ?? 0
                for done in 0...total { progressHandler?(ProgressEvent(label: "steps", done: done, total: total)) }
            case "seed": outputs.append(.text("seed \(seed)\n"))
            case "param":
                let value = options.parameters.first { $0.name == rest }?.value ?? "undefined"
                outputs.append(.text("\(rest) = \(value)\n"))
            default: break
            }
        }
        return CellResult(outputs: outputs, error: nil)
    }

    private static let functions: [String: (Double) -> Double] = [
        "sin": { sin($0) }, "cos": { cos($0) }, "relu": { max(0, $0) },
        "sigmoid": { 1 / (1 + exp(-$0)) }, "square": { $0 * $0 }, "exp": { exp($0) },
        "loss": { 2 * exp(-$0 / 4) + 0.01 },
    ]

    static func plot(_ arguments: String) -> PlotSpec {
        var words = arguments.split(separator: " ").map(String.init)
        let names = words.isEmpty ? [] : words.removeFirst().split(separator: ",").map(String.init)
        var spec = PlotSpec(series: [])
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "_", with: " ") : ""
            switch parts[0] {
            case "title": spec.title = value
            case "xlabel": spec.xlabel = value
            case "ylabel": spec.ylabel = value
            case "width": spec.width = Int(value) ?? 60
            case "height": spec.height = Int(value) ?? 15
            case "logy": spec.logy = true
            case "braille": spec.braille = true
            default: break
            }
        }
        let lossLike = names.contains("loss")
        let xs = (0...60).map { lossLike ? Double($0) / 2 : -3 + Double($0) / 10 }
        spec.series = names.map { name in
            let f = functions[name] ?? { _ in .nan }
            return PlotSpec.Series(name: name, x: xs, y: xs.map(f))
        }
        return spec
    }
}

/// Renders notebook text with the scripted executor.
func render(
    _ markdown: String, path: String = "test.md", settings: RunSettings = RunSettings()
) throws -> (text: String, run: NotebookRun) {
    let notebook = try NotebookRunner.parse(Array(markdown.utf8), path: path)
    let run = try NotebookRunner.run(notebook, path: path, settings: settings) { ScriptedExecutor(options: $0) }
    return (String(decoding: run.rendered, as: UTF8.self), run)
}

func renderBytes(_ bytes: [UInt8], path: String = "test.md", settings: RunSettings = RunSettings()) throws -> [UInt8] {
    let notebook = try NotebookRunner.parse(bytes, path: path)
    return try NotebookRunner.run(notebook, path: path, settings: settings) { ScriptedExecutor(options: $0) }
        .rendered
}
