import NNLang
import Notebook
import Testing

/// Output kinds rendered through a whole notebook (scripted executor).
struct RendererTests {
    func region(_ code: String) throws -> String {
        let text = try render("```nn\n\(code)\n```\n").text
        guard let start = text.range(of: "<!-- nbrun:output -->\n") else { return "" }
        return String(text[start.upperBound...]).replacingOccurrences(of: "<!-- /nbrun:output -->\n", with: "")
    }

    @Test func logRowsFormOneTableAtTheFirstRow() throws {
        #expect(try region("log a=1\nprint x\nlog b=s") == "| a | b |\n| ---: | --- |\n| 1 |  |\n|  | s |\n\n```text\nx\n```\n")
    }

    @Test func plotsUseDistinctMarkersAndALegend() throws {
        let plot = try region("plot sin,cos,square,relu,exp")
        for marker in ["*", "+", "o", "x", "#"] { #expect(plot.contains(marker)) }
        #expect(plot.contains("* sin   + cos   o square   x relu   # exp"))
        #expect(plot.hasPrefix("```text\n"))
    }

    @Test func plotSizeTitleAndLabels() throws {
        let plot = try region("plot relu width=20 height=5 title=T xlabel=X ylabel=Y")
        let lines = plot.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1].trimmingCharacters(in: .whitespaces) == "T")
        #expect(lines[2] == "Y")
        // Five rows of plot area, each ending at most 20 characters after the axis.
        let rows = lines.filter { $0.contains("|") || $0.hasSuffix("+") || $0.contains(" +") }
        #expect(rows.count >= 5)
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == "X" })
        let axis = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("+-") || $0.contains("++") })
        #expect(axis.count <= 24)
    }

    @Test func logScaleAxisShowsDecades() throws {
        let plot = try region("plot exp logy")
        #expect(plot.contains("10 +"))
        #expect(plot.contains(" 1 +"))
    }

    @Test func braillePlotsUseBraillePatterns() throws {
        let plot = try region("plot sin braille")
        let braille = plot.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        #expect(braille.count > 20)
        #expect(!plot.contains("*"))
    }

    @Test func tablesAndMermaid() throws {
        let table = try region("table")
        #expect(table.hasPrefix("**Forward primal trace**\n\n| v | expression | value |\n| --- | --- | ---: |\n| v₋₁ | x₁ | 2 |"))
        let diagram = try region("mermaid")
        #expect(diagram.hasPrefix("```mermaid\nflowchart LR\n"))
    }

    @Test func errorsAreTextBlocksStartingWithError() throws {
        let text = try render("# T\n\n```nn error=true\nprint ok\nerror boom\n```\n", path: "dir/e.md").text
        #expect(text.contains("```text\nerror: boom\n  --> e.md:5:7\n```\n"))
    }

    @Test func unexpectedErrorStopsTheRun() throws {
        let result = try render("```nn\nerror bad\n```\n\n```nn\nprint later\n```\n", path: "s.md")
        #expect(result.run.failed)
        #expect(result.run.diagnostics.map(\.formatted) == ["s.md:2:7: error: bad\nerror bad\n      ^\n"])
        #expect(!result.text.contains("later\n```\n<!--"))
        var settings = RunSettings()
        settings.keepGoing = true
        #expect(try render("```nn\nerror bad\n```\n\n```nn\nprint later\n```\n", settings: settings).text.contains("```text\nlater\n```"))
    }

    @Test func expectedErrorThatDoesNotComeIsAFailure() throws {
        let result = try render("```nn error=true\nprint fine\n```\n")
        #expect(result.run.failed)
        #expect(result.text.contains("error: this cell was expected to fail (error=true) but ran without an error"))
    }

    @Test func inPlaceKeepsCodeAndOptionLines() throws {
        var settings = RunSettings()
        settings.mode = .inPlace
        let input = "```nn echo=false\n#| name: x\nprint hi\n```\n"
        let text = try render(input, settings: settings).text
        #expect(text.hasPrefix(input))
        #expect(try render(input).text.hasPrefix("\n<!-- nbrun:output -->"))
    }

    @Test func parametersReachTheExecutor() throws {
        var settings = RunSettings()
        settings.parameters = [("lr", "0.5")]
        let text = try render("---\nparams:\n  lr: 0.1\n  n: 3\n---\n```nn\nparam lr\nparam n\n```\n", settings: settings).text
        #expect(text.contains("lr = 0.5\nn = 3\n"))
    }

    @Test func progressEventsReachTheObserver() throws {
        let notebook = try NotebookRunner.parse(Array("```nn name=loop\nprogress 3\n```\n".utf8), path: "p.md")
        var events: [String] = []
        var observer = RunObserver()
        observer.cellStarted = { index, total, label in events.append("start \(index + 1)/\(total) \(label)") }
        observer.progress = { events.append("\($0.done)/\($0.total)") }
        observer.cellFinished = { _, _, label, _ in events.append("end \(label)") }
        _ = try NotebookRunner.run(notebook, path: "p.md", settings: RunSettings(), observer: observer) {
            ScriptedExecutor(options: $0)
        }
        #expect(events == ["start 1/1 loop", "0/3", "1/3", "2/3", "3/3", "end loop"])
    }

    @Test func tickLabelsAvoidExponentsForThousands() throws {
        let xs = (0...2000).map(Double.init)
        let spec = PlotSpec(series: [.init(name: "loss", x: xs, y: xs.map { 1 / ($0 + 1) })], logy: true)
        let notebook = try NotebookRunner.parse(Array("```nn\n```\n".utf8), path: "p.md")
        let run = try NotebookRunner.run(notebook, path: "p.md", settings: RunSettings()) { _ in
            FixedExecutor(outputs: [.plot(spec)])
        }
        let text = String(decoding: run.rendered, as: UTF8.self)
        #expect(text.contains("2000\n"))
        #expect(!text.contains("e+"))
        #expect(text.contains("0.001 +"))
    }

    @Test func extremeValuesDoNotCrashThePlot() throws {
        for ys in [[1e308, -1e308], [1e20, 1e20 + 1e5], [.nan, .infinity], [0, 0], [5], []] as [[Double]] {
            let spec = PlotSpec(series: [.init(name: "", x: ys.indices.map(Double.init), y: ys)])
            let notebook = try NotebookRunner.parse(Array("```nn\n```\n".utf8), path: "p.md")
            let run = try NotebookRunner.run(notebook, path: "p.md", settings: RunSettings()) { _ in
                FixedExecutor(outputs: [.plot(spec)])
            }
            #expect(String(decoding: run.rendered, as: UTF8.self).contains("```text\n"))
        }
    }
}

/// Returns the same outputs for every cell.
final class FixedExecutor: CellExecutor {
    var progressHandler: ((ProgressEvent) -> Void)?
    let outputs: [CellOutput]
    init(outputs: [CellOutput]) { self.outputs = outputs }
    func manualSeed(_ seed: Int) {}
    func run(_ cell: CellSource, timeout: Double?) -> CellResult { CellResult(outputs: outputs, error: nil) }
}
