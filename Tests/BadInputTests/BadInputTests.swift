import Foundation
import Testing

/// Runs every row of `BadInputTable` against the built nbrun binary.
@Suite struct BadInputTests {
    @Test(arguments: BadInputTable.all)
    func badInput(_ row: BadInputCase) throws {
        let scratch = try NbrunProcess()
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        try scratch.write("nb.md", row.notebook)
        for (path, bytes) in row.files { try scratch.write(path, bytes) }
        try row.setup(scratch.folder)
        let before = snapshot(scratch)

        let result = try scratch.run(row.arguments, timeLimit: row.timeLimit)

        #expect(!result.timedOut, "no hang: still running after \(row.timeLimit) s")
        #expect(!result.signalled, "no crash: killed by signal \(result.status)\n\(result.stderr.prefix(2000))")
        #expect(result.status == row.status, "exit status\n\(result.stderr.prefix(2000))")
        let folder = scratch.folder.resolvingSymlinksInPath().path
        let expected = row.error.replacingOccurrences(of: BadInputTable.folderPlaceholder, with: folder)
        let firstLine = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let shownFolder = scratch.folder.path
        #expect(
            firstLine == expected
                || firstLine == row.error.replacingOccurrences(of: BadInputTable.folderPlaceholder, with: shownFolder),
            "standard error:\n\(result.stderr.prefix(2000))")
        if row.status != 0 && !expected.isEmpty {
            #expect(firstLine.contains(": error: "), "the compiler-style 'path:line:col: error:' form")
        }
        // Every input is untouched, and nothing but nb.out.md appeared.
        let after = snapshot(scratch)
        for (path, bytes) in before { #expect(after[path] == bytes, "\(path) changed") }
        let appeared = Set(after.keys).subtracting(before.keys)
        #expect(appeared.isSubset(of: ["nb.out.md"]), "unexpected files: \(appeared.sorted())")
        if let writes = row.writesOutput { #expect((after["nb.out.md"] != nil) == writes) }
        if row.status == 0, let output = after["nb.out.md"] {
            // Everything of the source survives in the rendered file.
            #expect(output.starts(with: row.notebook.prefix(row.notebook.count - 4)), "the rendered file keeps the source")
        }
    }

    /// Regular files (bytes) and links (their target) under the scratch folder.
    private func snapshot(_ scratch: NbrunProcess) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for path in scratch.listing() {
            let url = scratch.url(path)
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                files[path] = Array(("link:" + target).utf8)
                continue
            }
            var info = stat()
            guard stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            files[path] = scratch.read(path) ?? []
        }
        return files
    }
}
