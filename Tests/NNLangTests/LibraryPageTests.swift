import Foundation
import NNLang
import Testing

/// docs/library.md must list every entry of the binding table with the signature the
/// table declares and the same one-line description `help()` prints, so that the page
/// cannot drift from the code. Each entry is a list item of the form
///
///     - `cross_entropy(input, target, ...)` — Softmax cross-entropy of logits ...
///
/// A failure prints the exact lines to paste into the page.
@Suite struct LibraryPageTests {
    /// docs/library.md, found from this file's path (Tests/NNLangTests/ → repository root).
    /// `NBRUN_LIBRARY_PAGE=/tmp/empty.md (an empty file)` makes the test list every entry (to rebuild the page).
    static let pageURL = ProcessInfo.processInfo.environment["NBRUN_LIBRARY_PAGE"].map(URL.init(fileURLWithPath:))
        ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/library.md")

    static func page() throws -> String {
        try String(contentsOf: pageURL, encoding: .utf8)
    }

    /// The line a page entry starts with: the backticked signature.
    static func code(_ entry: BuiltinEntry) -> String { "`\(entry.signature)`" }

    /// The full line for an entry, as it should appear in the page.
    static func line(_ entry: BuiltinEntry) -> String {
        entry.doc.isEmpty ? "- \(code(entry))" : "- \(code(entry)) — \(entry.doc)"
    }

    @Test func bindingTableIsNotEmpty() {
        let names = Set(Library.standard.documentedEntries.map(\.name))
        for expected in ["print", "len", "help", "tensor", "zeros", "relu", "backward"] where !names.contains(expected) {
            // `backward` is a Tensor method; the rest are globals.
            if expected == "backward", names.contains("Tensor.backward") { continue }
            Issue.record("the binding table has no entry '\(expected)'")
        }
    }

    @Test func everyBuiltinHasItsSignatureOnThePage() throws {
        let page = try Self.page()
        let missing = Library.standard.documentedEntries.filter { !page.contains(Self.code($0)) }
        if !missing.isEmpty {
            Issue.record("""
                \(missing.count) built-ins are missing from docs/library.md (or their signature differs \
                from the binding table). Add these lines to the right section:
                \(missing.map(Self.line).joined(separator: "\n"))
                """)
        }
    }

    @Test func everyDescriptionMatchesHelp() throws {
        let page = try Self.page()
        let pageLines = Set(page.components(separatedBy: "\n"))
        // Only entries whose signature is on the page; missing ones fail the test above.
        let differing = Library.standard.documentedEntries.filter {
            !$0.doc.isEmpty && page.contains(Self.code($0)) && !pageLines.contains(Self.line($0))
        }
        if !differing.isEmpty {
            Issue.record("""
                \(differing.count) entries of docs/library.md describe a built-in differently from \
                the binding table (help() prints the table's line). Expected:
                \(differing.map(Self.line).joined(separator: "\n"))
                """)
        }
    }

    @Test func pageListsNoBuiltinThatDoesNotExist() throws {
        // Every list item of the form "- `name(...)` — ..." must be a table entry, so that
        // a renamed or removed built-in does not linger on the page.
        let known = Set(Library.standard.documentedEntries.map(Self.code))
        let stale = try Self.page().components(separatedBy: "\n").compactMap { line -> String? in
            guard line.hasPrefix("- `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            let code = String(line[line.index(line.startIndex, offsetBy: 2)...end])
            return known.contains(code) ? nil : code
        }
        if !stale.isEmpty {
            Issue.record("docs/library.md lists entries the binding table does not have:\n\(stale.joined(separator: "\n"))")
        }
    }
}
