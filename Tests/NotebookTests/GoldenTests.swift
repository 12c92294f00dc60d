import Foundation
import Notebook
import Testing

/// Golden notebooks: `Golden/runner/NAME.md` rendered (with the scripted executor)
/// must equal `NAME.out.md` byte for byte, and rendering `NAME.out.md` again must
/// give it back unchanged. `NBRUN_UPDATE_GOLDEN=1 swift test` rewrites the expected files.
struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/runner")

    static var inputs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasSuffix(".out.md") }.sorted()
    }

    /// Settings a golden file asks for by its name.
    static func settings(for name: String) -> RunSettings {
        var settings = RunSettings()
        if name.hasPrefix("keep-going") { settings.keepGoing = true }
        if name.hasPrefix("in-place") { settings.mode = .inPlace }
        return settings
    }

    @Test(arguments: inputs)
    func goldenNotebook(_ name: String) throws {
        let input = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let expectedURL = Self.folder.appendingPathComponent(String(name.dropLast(3)) + ".out.md")
        let settings = Self.settings(for: name)
        let rendered = try renderBytes(Array(input), path: name, settings: settings)
        if ProcessInfo.processInfo.environment["NBRUN_UPDATE_GOLDEN"] != nil {
            try Data(rendered).write(to: expectedURL)
        }
        let expected = try Data(contentsOf: expectedURL)
        #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        // Idempotence: the rendered notebook renders to itself.
        let again = try renderBytes(rendered, path: name, settings: settings)
        #expect(String(decoding: again, as: UTF8.self) == String(decoding: rendered, as: UTF8.self))
    }

    @Test func everyGoldenHasItsExpectedOutput() {
        #expect(Self.inputs.count >= 10)
        for name in Self.inputs {
            let expected = Self.folder.appendingPathComponent(String(name.dropLast(3)) + ".out.md")
            #expect(FileManager.default.fileExists(atPath: expected.path), "missing \(expected.lastPathComponent)")
        }
    }
}
