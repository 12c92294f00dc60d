import Foundation
import Testing

/// Interrupting nbrun and running it in parallel never loses or half-writes a file.
@Suite struct DataSafetyTests {
    /// A cell that runs for `seconds` (printing first, so the run has an output to write).
    static func slowNotebook(seconds: Double) -> [UInt8] {
        bytes("# Slow\n\n```nn timeout=600\nprint(1)\nstart = clock()\nwhile clock() - start < \(seconds):\n    pass\n```\n")
    }

    /// How long nbrun gets to start and enter its cell before a signal is sent (generous:
    /// start-up is slow under the sanitizers and on a loaded machine).
    static let startPause: useconds_t = 3_000_000

    /// Waits until the file exists (nbrun has started its run), at most `seconds`.
    static func waitFor(_ condition: () -> Bool, seconds: Double = 30) {
        let deadline = Date() + seconds
        while !condition() && Date() < deadline { usleep(20_000) }
    }

    static func temporaryFiles(_ scratch: NbrunProcess) -> [String] {
        scratch.listing().filter { $0.contains(".nbrun-") && $0.hasSuffix(".tmp") }
    }

    @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func signalKeepsThePreviousOutput(_ signal: Int32, _ status: Int32, _ name: String) throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        let notebook = Self.slowNotebook(seconds: 300)
        try scratch.write("nb.md", notebook)
        try scratch.write("nb.out.md", bytes("previous output\n"))
        let result = try scratch.run(["nb.md"], timeLimit: 60) { process in
            usleep(Self.startPause)  // well inside the cell
            kill(process.processIdentifier, signal)
        }
        #expect(!result.timedOut)
        #expect(result.status == status)
        #expect(result.stderr.hasSuffix("nbrun: interrupted by \(name); outputs not yet written keep their previous contents\n"))
        #expect(result.seconds < 30, "stops promptly")
        #expect(scratch.read("nb.md") == notebook)
        #expect(scratch.read("nb.out.md") == bytes("previous output\n"))
        #expect(Self.temporaryFiles(scratch) == [])
    }

    @Test func interruptedInPlaceRunKeepsTheNotebook() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        let notebook = Self.slowNotebook(seconds: 300)
        try scratch.write("nb.md", notebook)
        let result = try scratch.run(["--in-place", "nb.md"], timeLimit: 60) { process in
            usleep(Self.startPause)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(result.status == 130)
        #expect(scratch.read("nb.md") == notebook)
        #expect(scratch.listing() == ["nb.md"])
    }

    /// A cell saving a model over and over is interrupted: the model file is whole (the
    /// old or the new bytes) and no temporary file is left in the notebook's folder.
    @Test func interruptDuringSaveLeavesNoTemporaryFile() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        try scratch.write("nb.md", bytes("```nn timeout=600\nm = Linear(300, 300)\nwhile True:\n    save(m, \"m.safetensors\")\n```\n"))
        let result = try scratch.run(["nb.md"], timeLimit: 60) { process in
            Self.waitFor { scratch.read("m.safetensors") != nil }
            usleep(500_000)
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(result.status == 143)
        #expect(Self.temporaryFiles(scratch) == [])
        // 300×300 + 300 float32 values and the header: a complete file.
        let saved = try #require(scratch.read("m.safetensors"))
        #expect(saved.count > 361_200 && saved.count < 361_200 + 200)
    }

    @Test func inPlaceRefusesWhenTheNotebookChangedMeanwhile() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        // The cell signals that it runs (nbrun has read the notebook) by saving a file.
        try scratch.write("nb.md", bytes("""
            ```nn timeout=600
            save(Linear(1, 1), "started.safetensors")
            start = clock()
            while clock() - start < 3:
                pass
            print(1)
            ```

            """))
        let edited = bytes("# Edited while nbrun ran\n")
        let result = try scratch.run(["--in-place", "nb.md"], timeLimit: 120) { _ in
            Self.waitFor { scratch.read("started.safetensors") != nil }
            try? scratch.write("nb.md", edited)
        }
        #expect(result.status == 2)
        #expect(result.stderr == "nb.md: error: the notebook changed while it ran; it was not overwritten (run nbrun again)\n")
        #expect(scratch.read("nb.md") == edited)
        #expect(scratch.listing() == ["nb.md", "started.safetensors"])
    }

    @Test func inPlaceThroughASymbolicLinkUpdatesTheFileAndKeepsTheLink() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        try scratch.write("real/nb.md", bytes("```nn\nprint(2)\n```\n"))
        try FileManager.default.createSymbolicLink(atPath: scratch.url("nb.md").path, withDestinationPath: "real/nb.md")
        let result = try scratch.run(["--in-place", "nb.md"])
        #expect(result.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.url("nb.md").path) == "real/nb.md")
        let updated = String(decoding: try #require(scratch.read("real/nb.md")), as: UTF8.self)
        #expect(updated.contains("<!-- nbrun:output -->\n```text\n2\n```"))
    }

    @Test func replacedOutputKeepsItsPermissions() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        try scratch.write("nb.md", bytes("```nn\nprint(3)\n```\n"))
        try scratch.write("nb.out.md", bytes("old\n"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: scratch.url("nb.out.md").path)
        #expect(try scratch.run(["nb.md"]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.url("nb.out.md").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// The same notebook named twice (directly and through a link) is rendered once.
    @Test func parallelRunRendersARepeatedNotebookOnce() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        try scratch.write("nb.md", bytes("```nn\nprint(4)\n```\n"))
        try FileManager.default.createSymbolicLink(atPath: scratch.url("alias.md").path, withDestinationPath: "nb.md")
        let result = try scratch.run(["-j", "2", "nb.md", "nb.md", "./nb.md", "alias.md"])
        #expect(result.status == 0)
        #expect(result.stderr == """
            nbrun: nb.md is named more than once; it is rendered once
            nbrun: ./nb.md is named more than once; it is rendered once
            nbrun: alias.md is named more than once; it is rendered once

            """)
        #expect(scratch.listing() == ["alias.md", "nb.md", "nb.out.md"])
    }

    /// Eight notebooks on two threads: each output written once, identical to a serial run.
    @Test func parallelRunWritesEveryOutputOnce() throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        let names = (0..<8).map { "n\($0).md" }
        for (index, name) in names.enumerated() {
            try scratch.write(name, bytes("```nn\nx = randn(3)\nprint(x * \(index))\n```\n"))
        }
        #expect(try scratch.run(["-j", "2", "--out-dir", "parallel"] + names).status == 0)
        #expect(try scratch.run(["--out-dir", "serial"] + names).status == 0)
        for name in names {
            #expect(scratch.read("parallel/\(name)") != nil)
            #expect(scratch.read("parallel/\(name)") == scratch.read("serial/\(name)"))
        }
        #expect(Self.temporaryFiles(scratch) == [])
    }
}
