import Foundation
import Notebook
import Testing

/// `nbrun --check` over the project's own Markdown, in process: every `notebooks/*.md` and
/// `docs/*.md` that has been rendered must be current. A file with a committed `NAME.out.md`
/// is compared with it; a file whose cells already carry output regions was rendered
/// `--in-place` and is compared with itself. Every file with `nn` cells is checked, so a
/// handout or documentation page that was never rendered fails too.
struct HandoutTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func markdownFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasSuffix(".out.md") }.sorted().map { "\(folder)/\($0)" }
    }

    static func handoutOutput(_ path: String) -> URL? {
        let output = root.appendingPathComponent(String(path.dropLast(3)) + ".out.md")
        return FileManager.default.fileExists(atPath: output.path) ? output : nil
    }

    static let checked: [String] = (markdownFiles(in: "notebooks") + markdownFiles(in: "docs")).filter { path in
        if handoutOutput(path) != nil { return true }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
            let notebook = try? NotebookRunner.parse(Array(data), path: path)
        else { return false }
        return !notebook.cells.isEmpty
    }

    @Test(arguments: checked)
    func renderedOutputIsCurrent(_ path: String) throws {
        let source = Self.root.appendingPathComponent(path)
        let handout = Self.handoutOutput(path)
        let target = handout ?? source
        var settings = RunSettings()
        settings.mode = handout == nil ? .inPlace : .handout
        settings.outputName = target.lastPathComponent
        // Under ThreadSanitizer the training cells run 5–15× slower than the 60 s default
        // allows; the time limit guards against hangs, it is not what these tests check.
        if let scale = ProcessInfo.processInfo.environment["NBRUN_TEST_TIME_SCALE"].flatMap(Double.init), scale > 0 {
            settings.defaultTimeout *= scale
        }
        let notebook = try NotebookRunner.parse(Array(try Data(contentsOf: source)), path: source.path)
        let run = try NotebookRunner.run(notebook, path: source.path, settings: settings)
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics.map(\.formatted).joined())")
        let diff = OutputComparison.difference(
            rendered: run, existing: Array(try Data(contentsOf: target)), tolerance: .init(),
            existingName: target.lastPathComponent)
        #expect(diff == nil, "\(path) is not current; run nbrun on it:\n\(diff ?? "")")
    }
}
