import Foundation
import Notebook
import Testing

/// The render fuzzer's findings, minimised by hand and run with the real language.
struct FuzzFindingTests {
    func render(_ markdown: String, mode: RenderMode = .inPlace) throws -> String {
        let notebook = try NotebookRunner.parse(Array(markdown.utf8), path: "f.md")
        var settings = RunSettings()
        settings.mode = mode
        settings.keepGoing = true
        return String(decoding: try NotebookRunner.run(notebook, path: "f.md", settings: settings).rendered, as: UTF8.self)
    }

    /// A closing marker printed by a cell sits inside the region's ```text block; it
    /// used to end the region there, so re-rendering kept the rest of the old region.
    @Test func cellPrintingTheClosingMarker() throws {
        let source = "```nn\nprint('<!-- /nbrun:output -->')\nprint('more')\n```\n\nafter\n"
        let once = try render(source)
        #expect(once == "```nn\nprint('<!-- /nbrun:output -->')\nprint('more')\n```\n\n<!-- nbrun:output -->\n```text\n<!-- /nbrun:output -->\nmore\n```\n<!-- /nbrun:output -->\n\nafter\n")
        #expect(try render(once) == once)
    }

    /// An old region whose text opens a fence that its closing marker does not close used
    /// to hide the next cell until the region was rewritten: the second rendering then
    /// found (and ran) a cell the first had not.
    @Test func oldRegionWithAnUnclosedFence() throws {
        let source = """
            ```nn
            print(1)
            ```

            <!-- nbrun:output -->
            ```text
            1
            <!-- /nbrun:output -->
            ```
            <!-- /nbrun:output -->

            ```nn
            print(2)
            ```

            """
        let once = try render(source)
        #expect(once.contains("```nn\nprint(2)\n```\n\n<!-- nbrun:output -->\n```text\n2\n```\n<!-- /nbrun:output -->\n"))
        #expect(try render(once) == once)
    }

    /// `error=true` on a cell that succeeds named it "cell N"; a handout drops `echo=false`
    /// cells, so N changed when the handout was rendered again.
    @Test func expectedFailureMessageSurvivesHiddenCells() throws {
        let source = "```nn echo=false\nprint('hidden')\n```\n\n```nn error=true\nprint(1)\n```\n"
        let once = try render(source, mode: .handout)
        #expect(once.contains("error: this cell was expected to fail (error=true) but ran without an error"))
        #expect(try render(once, mode: .handout) == once)
    }

    /// Finding 8: a blank line inside an old region of a cell in a list item was masked
    /// without the item's indentation, which ended the list while cells were being found;
    /// an unterminated HTML comment after the region then no longer hid the next cell, so
    /// the first rendering ran a cell that the rendering itself (parsed by cmark) hides.
    @Test func blankLineInOldRegionInsideAListItem() throws {
        let source = """
            - item

              ```nn
              print('a\\n\\nb')
              ```

              <!-- nbrun:output -->
              ```text
              old

              old
              ```
              <!-- /nbrun:output -->
                 <!-- unterminated comment

              ```nn
              print('hidden')
              ```

            """
        let once = try render(source)
        #expect(!once.contains("```text\n  hidden"))
        #expect(try render(once) == once)
    }

    /// Finding 9: in a handout, an `echo: false` cell's code is dropped and only its
    /// region stays; a stray opening marker left after the cell before it then made that
    /// region look like the earlier cell's, and the second rendering deleted it.
    @Test func strayOpeningMarkerBeforeAHiddenCell() throws {
        let source = "```nn\nx = 1\n```\n\n<!-- nbrun:output -->\nstray\n\n```nn\n#| echo: false\nprint(2)\n```\n"
        let once = try render(source, mode: .handout)
        #expect(once.contains("<!-- nbrun:output -->\nstray\n"))
        #expect(once.contains("```text\n2\n```\n<!-- /nbrun:output -->"))
        #expect(try render(once, mode: .handout) == once)
    }

    /// Finding 10: a hidden (`include=false`) cell that failed was dropped from the handout
    /// with its error, so the reader never saw why the later cells had no outputs, and the
    /// second rendering (without that cell) ran them.
    @Test func hiddenCellThatFailsIsShown() throws {
        let source = "```nn include=false\nx = undefined_name\n```\n\n```nn echo=false\nprint(1)\n```\n"
        let notebook = try NotebookRunner.parse(Array(source.utf8), path: "f.md")
        var settings = RunSettings()
        settings.mode = .handout
        let once = String(decoding: try NotebookRunner.run(notebook, path: "f.md", settings: settings).rendered, as: UTF8.self)
        #expect(once.hasPrefix("```nn include=false\nx = undefined_name\n```\n\n<!-- nbrun:output -->\n```text\nerror: name 'undefined_name' is not defined"))
        #expect(!once.contains("print(1)"))
        let again = try NotebookRunner.parse(Array(once.utf8), path: "f.md")
        #expect(String(decoding: try NotebookRunner.run(again, path: "f.md", settings: settings).rendered, as: UTF8.self) == once)
    }
}
