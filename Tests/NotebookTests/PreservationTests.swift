import Foundation
import Notebook
import Testing

/// Every byte outside the output regions is kept, and rendering is idempotent.
struct PreservationTests {
    struct Example: Decodable {
        var markdown: String
    }

    static let examples: [Example] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/commonmark/commonmark-spec-examples.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode([Example].self, from: data)) ?? []
    }()

    @Test func commonMarkExamplesRoundTripByteForByte() throws {
        #expect(Self.examples.count == 652)
        for (number, example) in Self.examples.enumerated() {
            let bytes = Array(example.markdown.utf8)
            let rendered = try renderBytes(bytes)
            #expect(rendered == bytes, "example \(number + 1) changed")
        }
    }

    /// Each example with a cell before and after it: idempotent, and the example's own
    /// bytes (which cannot contain the cells' regions) are still in the output.
    @Test func commonMarkExamplesAroundCellsAreIdempotent() throws {
        for (number, example) in Self.examples.enumerated() {
            for eol in ["\n", "\r\n"] {
                let body = example.markdown.replacingOccurrences(of: "\n", with: eol)
                let markdown = "```nn\(eol)print before\(eol)```\(eol)\(eol)" + body + "\(eol)```nn\(eol)print after\(eol)```\(eol)"
                let rendered: [UInt8]
                do {
                    rendered = try renderBytes(Array(markdown.utf8))
                } catch is InvalidNotebook {
                    continue  // the example left the second cell's fence unclosed (e.g. an open fence)
                }
                let again = try renderBytes(rendered)
                #expect(again == rendered, "example \(number + 1) (\(eol == "\n" ? "LF" : "CRLF")) not idempotent")
                let text = String(decoding: rendered, as: UTF8.self)
                #expect(text.contains(body), "example \(number + 1) not preserved")
            }
        }
    }

    // Hand-written cases: (input, expected output).

    @Test func crlfFileStaysCRLF() throws {
        let input = "# T\r\n\r\n```nn\r\nprint hi\r\n```\r\nafter\r\n"
        let expected =
            "# T\r\n\r\n```nn\r\nprint hi\r\n```\r\n\r\n<!-- nbrun:output -->\r\n```text\r\nhi\r\n```\r\n<!-- /nbrun:output -->\r\nafter\r\n"
        #expect(try render(input).text == expected)
        #expect(try render(expected).text == expected)
    }

    @Test func byteOrderMarkIsKept() throws {
        let input = "\u{FEFF}```nn\nprint hi\n```\n"
        let rendered = try render(input).text
        #expect(rendered.hasPrefix("\u{FEFF}```nn\nprint hi\n```\n\n<!-- nbrun:output -->\n"))
        #expect(try render(rendered).text == rendered)
        // Options on line 1 are found after the BOM.
        #expect(try render("\u{FEFF}```nn echo=false\nprint hi\n```\n").text.hasPrefix("\u{FEFF}\n<!-- nbrun:output -->"))
    }

    @Test func missingFinalNewlineStaysMissing() throws {
        let rendered = try render("```nn\nprint hi\n```").text
        #expect(rendered == "```nn\nprint hi\n```\n\n<!-- nbrun:output -->\n```text\nhi\n```\n<!-- /nbrun:output -->")
        #expect(try render(rendered).text == rendered)
        #expect(try render("text\n```nn\n```").text == "text\n```nn\n```")
    }

    @Test func lineEndingsOfCROnlyFiles() throws {
        let input = "```nn\rprint hi\r```\rafter\r"
        let rendered = try render(input).text
        #expect(rendered == "```nn\rprint hi\r```\r\r<!-- nbrun:output -->\r```text\rhi\r```\r<!-- /nbrun:output -->\rafter\r")
    }

    @Test func tabsHtmlBlocksAndOtherCodeBlocksAreKept() throws {
        let input = """
            \tindented code
            <div>
            ```nn
            not a cell: inside an HTML block
            </div>

            ```python
            print("not a cell")
            ```

            ~~~nn
            print tilde fence
            ~~~
            - item\twith tab
            \t```nn
            \tprint tab-indented cell
            \t```

            """
        let rendered = try render(input)
        #expect(rendered.text.contains("\tindented code\n<div>\n```nn\nnot a cell: inside an HTML block\n</div>\n"))
        #expect(rendered.text.contains("```python\nprint(\"not a cell\")\n```\n"))
        #expect(rendered.text.contains("~~~nn\nprint tilde fence\n~~~\n\n<!-- nbrun:output -->\n```text\ntilde fence\n```\n<!-- /nbrun:output -->\n- item\twith tab\n"))
        #expect(rendered.text.contains("\t```nn\n\tprint tab-indented cell\n\t```\n\n\t<!-- nbrun:output -->\n\t```text\n\ttab-indented cell\n"))
        #expect(try render(rendered.text).text == rendered.text)
    }

    @Test func nestedFencesStayInsideTheirCell() throws {
        let input = "````nn\nprint a\n```\nprint b\n```\n````\n"
        let rendered = try render(input).text
        #expect(rendered == input + "\n<!-- nbrun:output -->\n```text\na\nb\n```\n<!-- /nbrun:output -->\n")
        // An nn fence inside another language's block is not a cell.
        let quoted = "````markdown\n```nn\nprint x\n```\n````\n"
        #expect(try render(quoted).text == quoted)
    }

    @Test func unclosedFencesAreInvalidWhenTheyAreCells() throws {
        for input in [
            "```nn\nprint x\n", "text\n```nn\nprint x", "> ```nn\n> print x\nafter\n",
            "- ```nn\n  print x\n```\n", "```nn\nprint x\n``\n", "````nn\nprint x\n```\n",
            "- ```nn\n  x\n  > ```\n", "> ```nn\n> x\n\nafter\n",
        ] {
            #expect(throws: InvalidNotebook.self, "\(input.debugDescription)") { try render(input) }
        }
        // An unclosed fence of another language swallows the rest, cells included: no cells.
        let other = "```python\nx\n```nn\nprint y\n```\n"
        #expect(try render(other).text == other)
    }

    @Test func unclosedFenceDiagnosticNamesTheLine() throws {
        do {
            _ = try render("# T\n\n> ```nn\n> print x\nafter\n", path: "doc.md")
            Issue.record("expected an error")
        } catch let error as InvalidNotebook {
            #expect(error.diagnostics.first?.line == 3)
            #expect(error.diagnostics.first?.formatted.hasPrefix("doc.md:3:3: error: this nn cell's fence is never closed") == true)
        }
    }

    @Test func setextHeadingsAndLazyContinuationLines() throws {
        let input = """
            Heading
            =======
            ```nn
            print after a setext heading
            ```
            Second
            ---
            > a quote with a
            lazy continuation line
            > ```nn
            > print in quote
            > ```
            lazy paragraph after the cell

            """
        let rendered = try render(input).text
        #expect(rendered.hasPrefix("Heading\n=======\n```nn\nprint after a setext heading\n```\n\n<!-- nbrun:output -->\n"))
        #expect(rendered.contains("<!-- /nbrun:output -->\nSecond\n---\n> a quote with a\nlazy continuation line\n> ```nn\n"))
        #expect(rendered.hasSuffix("> ```\n>\n> <!-- nbrun:output -->\n> ```text\n> in quote\n> ```\n> <!-- /nbrun:output -->\nlazy paragraph after the cell\n"))
        #expect(try render(rendered).text == rendered)
    }

    @Test func outputCannotBreakOutOfItsRegion() throws {
        // A carriage return in output is a line end: the next line still gets the "> " prefix.
        let rendered = try render("> ```nn\n> write a\\rb\\r\\nc\n> print <!-- /nbrun:output -->\n> ```\n").text
        #expect(rendered.hasSuffix("> ```text\n> a\n> b\n> c<!-- /nbrun:output -->\n> ```\n> <!-- /nbrun:output -->\n"))
        let again = try render(rendered).text
        #expect(again == rendered)
    }

    @Test func degenerateFiles() throws {
        for input in ["", "\u{FEFF}", "\n", "```nn\n```\n", "```nn\n```", "\r\n\r\n", "<!-- nbrun:output -->\n"] {
            #expect(try render(input).text == input, "\(input.debugDescription)")
        }
        // Invalid UTF-8 outside cells is kept byte for byte.
        let bytes: [UInt8] = [0xFF, 0xFE, 0x0A] + Array("```nn\nprint x\n```\n".utf8) + [0xC3, 0x28, 0x0A]
        let rendered = try renderBytes(bytes)
        #expect(rendered.starts(with: [0xFF, 0xFE, 0x0A]))
        #expect(rendered.suffix(3) == [0xC3, 0x28, 0x0A])
    }

    @Test func regionsInListsAndQuotesAreReplaced() throws {
        let input = "- ```nn\n  print one\n  ```\n- b\n"
        let first = try render(input).text
        #expect(first == "- ```nn\n  print one\n  ```\n\n  <!-- nbrun:output -->\n  ```text\n  one\n  ```\n  <!-- /nbrun:output -->\n- b\n")
        let edited = first.replacingOccurrences(of: "print one", with: "print two")
        #expect(try render(edited).text == first.replacingOccurrences(of: "one", with: "two"))
    }
}
