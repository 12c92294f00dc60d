import Foundation
import NNLang
import Notebook
import Testing

/// The CommonMark examples turned into notebooks: the first fence of each example
/// becomes an `nn` cell, wherever it sits (lists, quotes, unclosed, nested…). Whatever
/// cmark makes of it, nbrun must not crash, must keep every byte when cells print
/// nothing, and must be idempotent when cells echo their code (backticks included).
struct CorpusVariantTests {
    /// Prints nothing.
    final class SilentExecutor: CellExecutor {
        var progressHandler: ((ProgressEvent) -> Void)?
        func manualSeed(_ seed: Int) {}
        func run(_ cell: CellSource, timeout: Double?) -> CellResult { CellResult(outputs: [], error: nil) }
    }

    /// Prints its own code, and fails when the code contains "fail".
    final class EchoExecutor: CellExecutor {
        var progressHandler: ((ProgressEvent) -> Void)?
        func manualSeed(_ seed: Int) {}
        func run(_ cell: CellSource, timeout: Double?) -> CellResult {
            let error = cell.code.contains("fail")
                ? Diagnostic(line: cell.fileLines.first ?? 0, column: 1, message: "failed") : nil
            return CellResult(outputs: [.text(cell.code), .logRow([LogColumn(name: "n", text: "1", isNumber: true)])], error: error)
        }
    }

    /// Each example with its first fence made a cell, and each example followed by a
    /// cell; every one also inside a block quote, a list item, and with CRLF line ends.
    static var variants: [(number: Int, markdown: String)] {
        var bases: [(Int, String)] = []
        for (index, example) in PreservationTests.examples.enumerated() {
            for fence in ["```", "~~~"] {
                guard let range = example.markdown.range(of: fence) else { continue }
                var text = example.markdown
                text.replaceSubrange(range, with: fence + "nn")
                bases.append((index + 1, text))
            }
            bases.append((index + 1, example.markdown + "```nn\nprint `x`\n```\n"))
        }
        var result: [(Int, String)] = []
        for (number, text) in bases {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let quoted = lines.map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
            let listed = lines.enumerated().map { $0.offset == 0 ? "- " + $0.element : ($0.element.isEmpty ? "" : "  " + $0.element) }
                .joined(separator: "\n")
            for variant in [text, quoted, listed] {
                result.append((number, variant))
                result.append((number, variant.replacingOccurrences(of: "\n", with: "\r\n")))
            }
        }
        return result
    }

    func run(_ bytes: [UInt8], _ executor: @escaping () -> CellExecutor, keepGoing: Bool = true) throws -> [UInt8] {
        let notebook = try NotebookRunner.parse(bytes, path: "v.md")
        var settings = RunSettings()
        settings.keepGoing = keepGoing
        return try NotebookRunner.run(notebook, path: "v.md", settings: settings) { _ in executor() }.rendered
    }

    @Test func variantsArePreservedAndIdempotent() throws {
        var cells = 0
        var invalid = 0
        #expect(Self.variants.count > 4000)
        for (number, markdown) in Self.variants {
            let bytes = Array(markdown.utf8)
            let notebook: ParsedNotebook
            do {
                notebook = try NotebookRunner.parse(bytes, path: "v.md")
            } catch is InvalidNotebook {
                invalid += 1
                continue
            }
            cells += notebook.cells.count
            for cell in notebook.cells {
                #expect(cell.closingLine > cell.openingLine, "example \(number)")
            }
            #expect(try run(bytes, { SilentExecutor() }) == bytes, "example \(number) changed by silent cells")
            let rendered = try run(bytes, { EchoExecutor() })
            #expect(try run(rendered, { EchoExecutor() }) == rendered, "example \(number) not idempotent")
            // Removing the outputs again (silent cells) gives back the original bytes.
            #expect(try run(rendered, { SilentExecutor() }) == bytes, "example \(number): regions not removable")
        }
        #expect(cells > 3000)
        #expect(invalid > 5)
    }
}
