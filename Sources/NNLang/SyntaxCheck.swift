/// Checks a cell's code without running it: the lexer, the parser and the resolver
/// that `Session.run` applies before evaluating. For tools that only look at code
/// (the fuzzer in Sources/FuzzTargets).
///
/// ```swift
/// let error = SyntaxCheck.check(CellSource(code: "x = (1", fileLines: [1], columnOffsets: [0], name: "cell 1"))
/// // error?.message == "'(' was never closed"
/// ```
///
/// Runs on the caller's thread; `Session.run` uses a large stack for the same passes, so
/// callers with deep inputs should too.
public enum SyntaxCheck {
    /// The number of tokens the lexer makes of `code` (INDENT, DEDENT, NEWLINE and the
    /// final EOF included), or the lexer's error.
    public static func tokenCount(_ cell: CellSource) -> Result<Int, Diagnostic> {
        let map = LocationMap(fileLines: cell.fileLines, columnOffsets: cell.columnOffsets)
        do {
            return .success(try Lexer.tokenize(cell.code, map: map).count)
        } catch {
            return .failure(diagnostic(error, cell))
        }
    }

    /// Lexes, parses and resolves `cell` in an empty global scope; nil when the code is valid.
    public static func check(_ cell: CellSource) -> Diagnostic? {
        let map = LocationMap(fileLines: cell.fileLines, columnOffsets: cell.columnOffsets)
        do {
            let ast = try Parser.parseProgram(cell.code, map: map)
            _ = try Resolver(globals: Globals()).resolveCell(ast)
            return nil
        } catch {
            return diagnostic(error, cell)
        }
    }

    private static func diagnostic(_ error: Error, _ cell: CellSource) -> Diagnostic {
        let first = Diagnostic(line: cell.fileLines.first ?? 1, column: (cell.columnOffsets.first ?? 0) + 1, message: "\(error)")
        guard let error = error as? LangError else { return first }
        guard let location = error.location, location.line > 0 else {
            return Diagnostic(line: first.line, column: first.column, message: error.message)
        }
        return Diagnostic(line: Int(location.line), column: Int(location.column), message: error.message)
    }
}
