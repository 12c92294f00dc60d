import Notebook
import Testing

/// Cell options from the info string and `#|` lines; errors name the line and column.
struct CellOptionTests {
    func cells(_ markdown: String) throws -> [NotebookCell] {
        try NotebookRunner.parse(Array(markdown.utf8), path: "opts.md").cells
    }

    func diagnostic(_ markdown: String) -> NotebookDiagnostic? {
        do {
            _ = try cells(markdown)
            return nil
        } catch let error as InvalidNotebook {
            return error.diagnostics.first
        } catch {
            return nil
        }
    }

    @Test func infoStringOptions() throws {
        let cell = try #require(
            cells("```nn echo=false eval=FALSE include=true error=true timeout=2.5 name=train seed=3 check=false\n```\n").first)
        #expect(!cell.options.echo && !cell.options.eval && cell.options.include && cell.options.error)
        #expect(cell.options.timeout == 2.5 && cell.options.name == "train" && cell.options.seed == 3)
        #expect(!cell.options.check)
        #expect(cell.label == "train")
    }

    @Test func hashPipeOptions() throws {
        let cell = try #require(cells("```nn\n#| echo: false\n#|name: setup\n  #| seed: 1\nx = 1\n#| not an option line any more\n```\n").first)
        #expect(!cell.options.echo && cell.options.name == "setup" && cell.options.seed == 1)
        #expect(cell.optionLineCount == 3)
        // The language receives the option lines too (as comments), with file positions.
        #expect(cell.source.code.hasPrefix("#| echo: false\n"))
        #expect(cell.source.fileLines == [2, 3, 4, 5, 6])
    }

    @Test func defaultsAndLabels() throws {
        let found = try cells("```nn\n```\n\n```nn\n```\n")
        #expect(found.map(\.label) == ["cell 1", "cell 2"])
        #expect(found[0].options == CellOptions())
    }

    @Test func onlyTheFirstInfoWordMakesACell() throws {
        #expect(try cells("```nnx\n```\n```python nn\n```\n``` nn\n```\n").count == 1)
    }

    @Test func unknownOptionNamesItsLineAndColumn() {
        let error = diagnostic("# T\n```nn echo=false colour=red\n```\n")
        #expect(error?.line == 2)
        #expect(error?.column == 18)
        #expect(error?.message.hasPrefix("unknown cell option 'colour'") == true)
        #expect(error?.formatted == """
            opts.md:2:18: error: unknown cell option 'colour' (known: echo, eval, include, error, timeout, name, seed, check)
            ```nn echo=false colour=red
                             ^

            """)
    }

    @Test func badValuesAreErrors() {
        #expect(diagnostic("```nn echo=maybe\n```\n")?.message == "cell option 'echo' needs true or false, not 'maybe'")
        #expect(diagnostic("```nn timeout=-1\n```\n")?.message.contains("positive number of seconds") == true)
        #expect(diagnostic("```nn seed=1.5\n```\n")?.message.contains("needs an integer") == true)
        #expect(diagnostic("```nn name=a/b\n```\n")?.message.contains("needs an ID") == true)
        #expect(diagnostic("```nn verbose\n```\n")?.message == "cell option 'verbose' needs the form key=value")
        let hashPipe = diagnostic("> ```nn\n> #| eval: sometimes\n> ```\n")
        #expect(hashPipe?.line == 2)
        #expect(hashPipe?.column == 6)
        #expect(diagnostic("```nn\n#| eval\n```\n")?.message == "cell option line needs the form '#| key: value'")
    }

    @Test func frontMatterParameters() throws {
        let notebook = try NotebookRunner.parse(
            Array("---\ntitle: x\nparams:\n  lr: 0.05\n  name: adam\n  flag: false\n  text: 'hi'\nother: 1\n---\n# Doc\n".utf8),
            path: "p.md")
        #expect(notebook.parameters.map(\.name) == ["lr", "name", "flag", "text"])
        #expect(notebook.parameters.map(\.value) == ["0.05", "\"adam\"", "False", "'hi'"])
        let merged = Parameters.merged(
            notebook.parameters, overrides: [Parameters.parseAssignment("lr=0.1")!, Parameters.parseAssignment("steps=10")!])
        #expect(merged.map(\.value) == ["0.1", "\"adam\"", "False", "'hi'", "10"])
        #expect(Parameters.parseAssignment("1x=2") == nil)
        #expect(Parameters.parseAssignment("novalue") == nil)
    }

    @Test func badFrontMatterIsAnError() {
        #expect(diagnostic("---\nparams:\n  not a pair\n---\n")?.line == 3)
        #expect(diagnostic("---\nparams:\n  2x: 1\n---\n")?.message == "parameter name '2x' is not an identifier")
    }

    @Test func cellsInContainersHaveTheirPrefixAndColumns() throws {
        let found = try cells("> - ```nn\n>   y = 1\n>   ```\n")
        let cell = try #require(found.first)
        #expect(cell.containerPrefix == Array(">   ".utf8))
        #expect(cell.source.code == "y = 1")
        #expect(cell.source.columnOffsets == [4])
        #expect(cell.closingLine == 3)
    }
}
