import Foundation
import Testing

/// Runs the built `nbrun` binary: exit codes, standard error, files. (The cells here
/// only assign, so they behave the same with any language implementation.)
@Suite(.serialized)
struct CLITests {
    static let packageRoot = NbrunProcess.packageRoot
    /// The nbrun built with this test bundle (same folder), else one in .build.
    static let binary = NbrunProcess.binary

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func nbrun(_ arguments: String...) throws -> Result {
        let binary = try #require(Self.binary, "nbrun binary not found next to the tests or in .build")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    func write(_ name: String, _ text: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    static let notebook = "# N\n\n```nn\nx = 1\nprint(x)\n```\n\nEnd.\n"

    @Test func rendersBesideTheNotebookByDefault() throws {
        try write("a.md", Self.notebook)
        let result = try nbrun("a.md")
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let output = try #require(read("a.out.md"))
        #expect(output.hasPrefix("# N\n\n```nn\nx = 1\nprint(x)\n```\n\n<!-- nbrun:output -->\n```text\n1\n```\n"))
        #expect(output.hasSuffix("\nEnd.\n"))
        #expect(read("a.md") == Self.notebook)
        // No temporary files are left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["a.md", "a.out.md"])
    }

    @Test func outputFileStandardOutputAndOutDir() throws {
        try write("a.md", Self.notebook)
        #expect(try nbrun("a.md", "-o", "rendered.md").status == 0)
        let rendered = try #require(read("rendered.md"))
        let stdout = try nbrun("a.md", "-o", "-")
        #expect(stdout.status == 0)
        #expect(stdout.stdout == rendered)
        try write("b.md", Self.notebook)
        #expect(try nbrun("a.md", "b.md", "--out-dir", "handouts").status == 0)
        #expect(read("handouts/a.md") == rendered)
        #expect(read("handouts/b.md") == rendered)
        #expect(read("a.out.md") == nil)
    }

    @Test func inPlaceRefreshesTheNotebook() throws {
        try write("a.md", "```nn echo=false\n#| name: x\ny = 2\n```\n")
        #expect(try nbrun("--in-place", "a.md").status == 0)
        let once = try #require(read("a.md"))
        #expect(once.hasPrefix("```nn echo=false\n#| name: x\ny = 2\n```\n"))
        #expect(try nbrun("--in-place", "a.md").status == 0)
        #expect(read("a.md") == once)
        #expect(try nbrun("--in-place", "--check", "a.md").status == 0)
    }

    @Test func checkComparesWithTheExistingOutput() throws {
        try write("a.md", Self.notebook)
        let missing = try nbrun("--check", "a.md")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("a.out.md: error: no rendered output to compare with"))
        #expect(try nbrun("a.md").status == 0)
        let clean = try nbrun("--check", "a.md")
        #expect(clean.status == 0)
        #expect(clean.stdout == "")
        let good = try #require(read("a.out.md"))
        try write("a.out.md", good.replacingOccurrences(of: "End.", with: "Fin."))
        let changed = try nbrun("--check", "a.md")
        #expect(changed.status == 1)
        #expect(changed.stdout.hasPrefix("--- a.out.md\n+++ a.out.md (rendered now)\n@@ "))
        #expect(changed.stdout.contains("\n-Fin.\n+End.\n"))
        // --check never writes.
        #expect(read("a.out.md") == good.replacingOccurrences(of: "End.", with: "Fin."))
    }

    @Test func checkWithNumericTolerance() throws {
        try write("a.md", "Value 1.000\n\n```nn\nx = 1\n```\n")
        #expect(try nbrun("a.md").status == 0)
        let good = try #require(read("a.out.md"))
        try write("a.out.md", good.replacingOccurrences(of: "1.000", with: "1.001"))
        #expect(try nbrun("--check", "a.md").status == 1)
        #expect(try nbrun("--check", "--rtol", "0.01", "a.md").status == 0)
        #expect(try nbrun("--check", "--atol", "0.01", "a.md").status == 0)
        #expect(try nbrun("--check", "--atol", "0.0001", "a.md").status == 1)
    }

    @Test func parallelJobsGiveTheSameBytes() throws {
        for name in ["a", "b", "c"] { try write("\(name).md", Self.notebook + "\n```nn\n\(name) = 3\n```\n") }
        #expect(try nbrun("-j", "3", "a.md", "b.md", "c.md", "--out-dir", "parallel").status == 0)
        #expect(try nbrun("a.md", "b.md", "c.md", "--out-dir", "serial").status == 0)
        for name in ["a", "b", "c"] {
            #expect(read("parallel/\(name).md") != nil)
            #expect(read("parallel/\(name).md") == read("serial/\(name).md"))
        }
    }

    @Test func parametersFromTheCommandLine() throws {
        try write("a.md", "---\nparams:\n  lr: 0.1\n---\n\n```nn\ny = 1\n```\n")
        #expect(try nbrun("-P", "lr=0.5", "-P", "steps=10", "a.md").status == 0)
        let bad = try nbrun("-P", "1lr=0.5", "a.md")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("-P needs name=value"))
    }

    @Test func renderedOutputsAreNotRenderedAgain() throws {
        try write("a.out.md", Self.notebook)
        let result = try nbrun("a.out.md")
        #expect(result.status == 0)
        #expect(result.stderr.contains("skipping a.out.md"))
        #expect(read("a.out.out.md") == nil)
        #expect(try nbrun("--quiet", "a.out.md").stderr == "")
    }

    @Test func invalidNotebooksExitWith2AndPointAtTheLine() throws {
        try write("open.md", "# T\n\n> ```nn\n> x = 1\n\nafter\n")
        let open = try nbrun("open.md")
        #expect(open.status == 2)
        #expect(open.stderr == """
            open.md:3:3: error: this nn cell's fence is never closed (everything after it would be part of the cell)
            > ```nn
              ^

            """)
        #expect(read("open.out.md") == nil)
        try write("opt.md", "```nn colour=red\nx = 1\n```\n")
        let option = try nbrun("opt.md")
        #expect(option.status == 2)
        #expect(option.stderr.hasPrefix("opt.md:1:7: error: unknown cell option 'colour'"))
        let missing = try nbrun("nowhere.md")
        #expect(missing.status == 2)
        #expect(missing.stderr == "nowhere.md: error: cannot read the notebook\n")
    }

    @Test func failingCellExits1AndStillWritesTheOutput() throws {
        try write("a.md", "```nn error=true\nx = 1\n```\n\n```nn\ny = 2\n```\n")
        let result = try nbrun("a.md")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("a.md:1:1: error: this cell was expected to fail (error=true) but ran without an error\n"))
        let output = try #require(read("a.out.md"))
        #expect(output.contains("error: this cell was expected to fail"))
        // The run stopped: the second cell has no region. --keep-going runs it.
        #expect(!output.contains("```nn\ny = 2\n```\n\n<!--"))
        #expect(try nbrun("--keep-going", "a.md").status == 1)
    }

    @Test func badUsageExitsWith2() throws {
        try write("a.md", Self.notebook)
        try write("b.md", Self.notebook)
        #expect(try nbrun().status == 2)
        #expect(try nbrun("a.md", "b.md", "-o", "x.md").status == 2)
        #expect(try nbrun("--in-place", "-o", "x.md", "a.md").status == 2)
        #expect(try nbrun("--bogus", "a.md").status == 2)
        #expect(try nbrun("-j", "0", "a.md").status == 2)
        #expect(try nbrun("--timeout", "-3", "a.md").status == 2)
        #expect(try nbrun("--timeout", "5", "--keep-going", "--quiet", "a.md").status == 0)
        #expect(try nbrun("a.md", "--out-dir", ".").status == 2)  // would overwrite the notebook
    }

    @Test func helpListsEveryDocumentedOption() throws {
        let help = try nbrun("--help")
        #expect(help.status == 0)
        let docs = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        for option in ["-o", "--out-dir", "--in-place", "--check", "--rtol", "--atol", "-j", "-P", "--keep-going",
            "--timeout", "--quiet", "Exit status"]
        {
            #expect(help.stdout.contains(option), "--help lacks \(option)")
            #expect(docs.contains(option), "docs/cli.md lacks \(option)")
        }
    }

    /// Progress appears only on a terminal: run under `script`, which gives nbrun a pty.
    @Test func progressOnATerminalOnly() throws {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script), let binary = Self.binary else { return }
        try write("p.md", "```nn name=loop\nfor i in progress(range(3)):\n    pass\nprint(1)\n```\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qc", "\(binary.path) p.md", "/dev/null"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("[p.md] cell 1/1 loop"))
        #expect(read("p.out.md")?.contains("[p.md]") == false)
        #expect(try nbrun("--quiet", "p.md").stderr == "")
    }
}
