import Foundation
import NNLang
import Notebook
import Testing

/// Golden notebooks: `Golden/FOLDER/NAME.md` rendered must equal `NAME.out.md` byte for
/// byte, and rendering `NAME.out.md` again must give it back unchanged (idempotence).
/// `Golden/runner` runs with the scripted executor (runner behaviour alone),
/// `Golden/nn` with the language's real `Session`.
/// `NBRUN_UPDATE_GOLDEN=1 swift test --filter GoldenTests` rewrites the expected files.
struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func inputs(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasSuffix(".out.md") && $0 != "README.md" }.sorted()
            .map { "\(folder)/\($0)" }
    }

    /// Settings a golden file asks for by its name.
    static func settings(for name: String) -> RunSettings {
        var settings = RunSettings()
        let file = (name as NSString).lastPathComponent
        if file.hasPrefix("keep-going") { settings.keepGoing = true }
        if file.hasPrefix("in-place") { settings.mode = .inPlace }
        settings.outputName = settings.mode == .inPlace ? file : String(file.dropLast(3)) + ".out.md"
        return settings
    }

    static func render(_ bytes: [UInt8], _ name: String) throws -> [UInt8] {
        let file = (name as NSString).lastPathComponent
        let notebook = try NotebookRunner.parse(bytes, path: file)
        let settings = settings(for: name)
        if name.hasPrefix("runner/") {
            return try NotebookRunner.run(notebook, path: file, settings: settings) { ScriptedExecutor(options: $0) }
                .rendered
        }
        return try NotebookRunner.run(notebook, path: file, settings: settings).rendered
    }

    @Test(arguments: inputs("runner") + inputs("nn"))
    func goldenNotebook(_ name: String) throws {
        let input = try Data(contentsOf: Self.root.appendingPathComponent(name))
        let expectedURL = Self.root.appendingPathComponent(String(name.dropLast(3)) + ".out.md")
        let rendered = try Self.render(Array(input), name)
        if ProcessInfo.processInfo.environment["NBRUN_UPDATE_GOLDEN"] != nil {
            try Data(rendered).write(to: expectedURL)
        }
        let expected = try Data(contentsOf: expectedURL)
        #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        let again = try Self.render(rendered, name)
        #expect(String(decoding: again, as: UTF8.self) == String(decoding: rendered, as: UTF8.self))
    }

    @Test func everyGoldenHasItsExpectedOutput() {
        #expect(Self.inputs("runner").count >= 11)
        #expect(Self.inputs("nn").count >= 2)
        for name in Self.inputs("runner") + Self.inputs("nn") {
            let expected = Self.root.appendingPathComponent(String(name.dropLast(3)) + ".out.md")
            #expect(FileManager.default.fileExists(atPath: expected.path), "missing \(expected.lastPathComponent)")
        }
    }
}
