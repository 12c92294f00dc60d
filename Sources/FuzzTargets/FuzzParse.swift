import NNLang

/// `lex`: the lexer alone on any bytes. Invariants: it ends with at least the EOF
/// token or a located error, and is deterministic.
public func fuzzLex(_ bytes: [UInt8]) {
    let cell = cellSource(decodedCode(bytes))
    let first = SyntaxCheck.tokenCount(cell)
    switch first {
    case .success(let count): fuzzCheck(count >= 1, "lex: no EOF token")
    case .failure(let diagnostic): checkLocated(diagnostic, in: cell, "lex")
    }
    fuzzCheck(SyntaxCheck.tokenCount(cell) == first, "lex: not deterministic")
}

/// `parse`: lexer, parser and resolver on any bytes, on the cell stack as in a run.
/// Invariants: valid code or one located error; a lexer error is the parse error;
/// deterministic.
public func fuzzParse(_ bytes: [UInt8]) {
    let cell = cellSource(decodedCode(bytes))
    let (lexed, checked, again) = onCellStack {
        (SyntaxCheck.tokenCount(cell), SyntaxCheck.check(cell), SyntaxCheck.check(cell))
    }
    if let checked { checkLocated(checked, in: cell, "parse") }
    if case .failure(let lexError) = lexed {
        fuzzCheck(checked == lexError, "parse: lexer error \(lexError) but parse gave \(String(describing: checked))")
    }
    fuzzCheck(checked == again, "parse: not deterministic")
}
