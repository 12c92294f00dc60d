import Foundation
import FuzzTargets
import Testing

/// The seed corpora through the fuzz targets: the invariants hold on every seed.
struct FuzzSeedTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Example: Decodable { var markdown: String }

    static let examples: [String] = {
        let url = root.appendingPathComponent("Tests/NotebookTests/Golden/commonmark/commonmark-spec-examples.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return ((try? JSONDecoder().decode([Example].self, from: data)) ?? []).map(\.markdown)
    }()

    static func files(in folder: String, suffix: String) -> [URL] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { url.appendingPathComponent($0) }
    }

    /// Issue 9: every CommonMark spec example with an nn cell before and after it renders
    /// byte-preserving (the rendering minus its regions is the input) and idempotent, in
    /// handout and --in-place mode, with LF and CRLF line endings.
    @Test func commonMarkExamplesBetweenCells() throws {
        #expect(Self.examples.count == 652)
        for example in Self.examples {
            for eol in ["\n", "\r\n"] {
                let body = example.replacingOccurrences(of: "\n", with: eol)
                let markdown = "```nn\(eol)print('before')\(eol)```\(eol)\(eol)" + body + "\(eol)```nn\(eol)print('after')\(eol)```\(eol)"
                FuzzTarget.render.run(Array(markdown.utf8))
            }
        }
    }

    @Test func commonMarkExamplesAlone() throws {
        for example in Self.examples {
            FuzzTarget.render.run(Array(example.utf8))
        }
    }

    @Test func languageProgramsLexAndParse() throws {
        let programs = Self.files(in: "Tests/NNLangTests/Programs", suffix: ".nn")
        #expect(programs.count > 100)
        for url in programs {
            let bytes = Array(try Data(contentsOf: url))
            FuzzTarget.lex.run(bytes)
            FuzzTarget.parse.run(bytes)
        }
    }

    @Test func handoutsRender() throws {
        let notebooks = Self.files(in: "Tests/NotebookTests/Golden/runner", suffix: ".md")
        #expect(!notebooks.isEmpty)
        for url in notebooks {
            FuzzTarget.render.run(Array(try Data(contentsOf: url)))
        }
    }

    @Test func commandLines() throws {
        for line in [
            "notebooks/mlp.md", "--check\0a.md", "-P\0lr=0.05\0-P\0steps=[1, 2]\0a.md", "--timeout\0-1\0a.md",
            "-j\00\0a.md", "--help", "--version", "", "--in-place\0-o\0x.md\0a.md", "-P\0=1\0a.md",
        ] {
            FuzzTarget.cli.run(Array(line.utf8))
        }
    }
}
