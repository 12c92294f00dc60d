import Notebook
import Testing

/// `--check`: unified diffs, `check=false` regions, numeric tolerance.
struct CheckTests {
    func difference(_ markdown: String, existing: String, tolerance: OutputComparison.Tolerance = .init()) throws
        -> String?
    {
        let run = try render(markdown).run
        return OutputComparison.difference(
            rendered: run, existing: Array(existing.utf8), tolerance: tolerance, existingName: "x.out.md")
    }

    @Test func sameBytesAgree() throws {
        let input = "```nn\nprint 1\n```\n"
        let rendered = try render(input).text
        #expect(try difference(input, existing: rendered) == nil)
    }

    @Test func differenceIsAUnifiedDiff() throws {
        let input = "a\nb\nc\n\n```nn\nprint 1.5\n```\n"
        let stale = try render(input).text.replacingOccurrences(of: "```text\n1.5", with: "```text\n2.5")
        let diff = try #require(try difference(input, existing: stale))
        #expect(diff == """
            --- x.out.md
            +++ x.out.md (rendered now)
            @@ -8,6 +8,6 @@
             
             <!-- nbrun:output -->
             ```text
            -2.5
            +1.5
             ```
             <!-- /nbrun:output -->

            """)
    }

    @Test func toleranceAcceptsCloseNumbers() throws {
        let input = "```nn\nlog step=1 loss=0.5000\n```\n"
        let close = try render(input).text.replacingOccurrences(of: "0.5000", with: "0.5001")
        #expect(try difference(input, existing: close) != nil)
        #expect(try difference(input, existing: close, tolerance: .init(relative: 1e-3)) == nil)
        #expect(try difference(input, existing: close, tolerance: .init(absolute: 1e-3)) == nil)
        #expect(try difference(input, existing: close, tolerance: .init(absolute: 1e-5)) != nil)
        let changedText = try render(input).text.replacingOccurrences(of: "loss", with: "cost")
        #expect(try difference(input, existing: changedText, tolerance: .init(absolute: 1)) != nil)
    }

    @Test func uncheckedRegionsAreIgnored() throws {
        let input = "```nn check=false\nprint took 1.23 s\nprint and more\n```\n\n```nn\nprint 1\n```\n"
        let other = try render(input).text.replacingOccurrences(of: "took 1.23 s\nand more", with: "took 9 s")
        #expect(try difference(input, existing: other) == nil)
        // A change elsewhere still shows.
        let changed = other.replacingOccurrences(of: "```text\n1\n", with: "```text\n2\n")
        #expect(try difference(input, existing: changed) != nil)
    }

    @Test func numberTokens() {
        #expect(OutputComparison.tokens("loss 0.5, x2 -1e-05") == [
            .text("loss "), .number(0.5), .text(", x2 "), .number(-1e-05),
        ])
    }

    @Test func diffOfInsertedLines() {
        let diff = UnifiedDiff.make(old: ["a", "b"], new: ["a", "x", "b"], oldName: "o", newName: "n")
        #expect(diff == "--- o\n+++ n\n@@ -1,2 +1,3 @@\n a\n+x\n b\n")
        #expect(UnifiedDiff.make(old: ["a"], new: ["a"], oldName: "o", newName: "n") == "")
    }
}
