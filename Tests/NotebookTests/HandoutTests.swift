import Foundation
import Notebook
import Testing

/// `nbrun --check` over the project's own Markdown, in process: every `notebooks/NAME.md`
/// with a committed `NAME.out.md` must render to it, and every `docs/*.md` with `nn` cells
/// must already hold its current outputs (docs are rendered `--in-place`).
struct HandoutTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func markdownFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasSuffix(".out.md") }.sorted().map { "\(folder)/\($0)" }
    }

    /// Handouts with a committed rendering, and docs that contain cells.
    static let checked: [String] = {
        let handouts = markdownFiles(in: "notebooks").filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent(String($0.dropLast(3)) + ".out.md").path)
        }
        let docs = markdownFiles(in: "docs").filter { path in
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
                let notebook = try? NotebookRunner.parse(Array(data), path: path)
            else { return false }
            return !notebook.cells.isEmpty
        }
        return handouts + docs
    }()

    @Test(arguments: checked)
    func renderedOutputIsCurrent(_ path: String) throws {
        let source = Self.root.appendingPathComponent(path)
        let inPlace = path.hasPrefix("docs/")
        let target = inPlace ? source : Self.root.appendingPathComponent(String(path.dropLast(3)) + ".out.md")
        var settings = RunSettings()
        settings.mode = inPlace ? .inPlace : .handout
        settings.outputName = target.lastPathComponent
        let notebook = try NotebookRunner.parse(Array(try Data(contentsOf: source)), path: source.path)
        let run = try NotebookRunner.run(notebook, path: source.path, settings: settings)
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics.map(\.formatted).joined())")
        let diff = OutputComparison.difference(
            rendered: run, existing: Array(try Data(contentsOf: target)), tolerance: .init(),
            existingName: target.lastPathComponent)
        #expect(diff == nil, "\(path) is not current; run nbrun on it:\n\(diff ?? "")")
    }
}
