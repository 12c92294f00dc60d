import Foundation

/// Recursive-descent parser for nn, following the precedence of the spec (§3), lowest
/// first: lambda; `a if c else b`; or; and; not; comparisons; `+ -`; `* / // % @`;
/// unary `- +`; `**`; postfix call, attribute, subscript; atoms.
///
/// Nesting is bounded (`maxNesting`) so that 100,000 parentheses produce an error
/// rather than a stack overflow, and so is the length of operator chains, which
/// would otherwise build trees too deep for the later passes.
struct Parser {
    static let maxNesting = 200
    static let maxChainLength = 2000

    private var tokens: [Token]
    private var index = 0
    private var nesting = 0

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses a whole cell.
    static func parseProgram(_ code: String, map: LocationMap) throws -> [Stmt] {
        var parser = Parser(tokens: try Lexer.tokenize(code, map: map))
        return try parser.parseProgram()
    }

    // MARK: Token helpers

    private var current: Token { tokens[index] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func check(_ op: String) -> Bool { current.isOp(op) }
    private func checkKeyword(_ k: String) -> Bool { current.isKeyword(k) }

    private mutating func match(_ op: String) -> Bool {
        if check(op) { advance(); return true }
        return false
    }

    private mutating func matchKeyword(_ k: String) -> Bool {
        if checkKeyword(k) { advance(); return true }
        return false
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .eof: return "end of cell"
        case .newline: return "end of line"
        case .indent: return "indent"
        case .dedent: return "dedent"
        case .string, .fstring: return "string literal"
        case .int, .float: return "number '\(token.text)'"
        case .name: return "name '\(token.text)'"
        case .keyword: return "keyword '\(token.text)'"
        case .op: return "'\(token.text)'"
        }
    }

    private func syntaxError(_ message: String, at token: Token? = nil) -> LangError {
        LangError("invalid syntax: " + message, at: (token ?? current).location)
    }

    private mutating func expect(_ op: String, _ context: String) throws {
        guard match(op) else {
            throw syntaxError("expected '\(op)' \(context), found \(describe(current))")
        }
    }

    private mutating func expectName(_ context: String) throws -> String {
        guard current.kind == .name else {
            throw syntaxError("expected a name \(context), found \(describe(current))")
        }
        return advance().text
    }

    private mutating func enter() throws {
        nesting += 1
        if nesting > Parser.maxNesting {
            throw LangError("too many nested parentheses, brackets or blocks (limit \(Parser.maxNesting))",
                            at: current.location)
        }
    }

    private mutating func leave() { nesting -= 1 }

    // MARK: Statements

    mutating func parseProgram() throws -> [Stmt] {
        var statements: [Stmt] = []
        while current.kind != .eof {
            if current.kind == .newline { advance(); continue }
            if current.kind == .indent { throw LangError("unexpected indent", at: current.location) }
            if current.kind == .dedent { advance(); continue }
            statements.append(contentsOf: try parseStatement())
        }
        return statements
    }

    private mutating func parseStatement() throws -> [Stmt] {
        let token = current
        if token.kind == .keyword {
            switch token.text {
            case "if": return [try parseIf()]
            case "while": return [try parseWhile()]
            case "for": return [try parseFor()]
            case "def": return [try parseDef()]
            case "class": return [try parseClass()]
            case "with": return [try parseWith()]
            case "try": throw syntaxError("'try' is not part of nn (errors stop the cell)")
            default: break
            }
        }
        if token.isOp("@") { throw syntaxError("decorators are not part of nn") }
        return try parseSimpleStatements()
    }

    /// `stmt; stmt; …` up to the end of the line.
    private mutating func parseSimpleStatements() throws -> [Stmt] {
        var statements = [try parseSimpleStatement()]
        while match(";") {
            if current.kind == .newline || current.kind == .eof { break }
            statements.append(try parseSimpleStatement())
        }
        if current.kind == .newline {
            advance()
        } else if current.kind != .eof && current.kind != .dedent {
            throw syntaxError("unexpected \(describe(current)) after statement")
        }
        return statements
    }

    private mutating func parseSimpleStatement() throws -> Stmt {
        let token = current
        let loc = token.location
        if token.kind == .keyword {
            switch token.text {
            case "pass": advance(); return .pass(loc)
            case "break": advance(); return .breakStatement(loc)
            case "continue": advance(); return .continueStatement(loc)
            case "return":
                advance()
                if current.kind == .newline || current.kind == .eof || check(";") || current.kind == .dedent {
                    return .returnStatement(nil, loc)
                }
                return .returnStatement(try parseExpressionList(), loc)
            case "import", "from":
                // Accepted and ignored: every library name is already a global.
                while current.kind != .newline && current.kind != .eof && !check(";") { advance() }
                return .ignoredImport(loc)
            case "assert":
                advance()
                let condition = try parseExpression()
                let message = match(",") ? try parseExpression() : nil
                return .assert(condition, message: message, loc)
            case "del":
                advance()
                var targets = [try parseOr()]
                while match(",") { targets.append(try parseOr()) }
                for t in targets { try checkTarget(t, deleting: true) }
                return .delete(targets, loc)
            case "global", "nonlocal":
                throw syntaxError("'\(token.text)' is not part of nn (assign module state through objects instead)")
            case "raise", "yield", "except", "finally":
                throw syntaxError("'\(token.text)' is not part of nn")
            default: break
            }
        }
        let first = try parseExpressionList(allowStar: true)
        if check("=") {
            var targets = [first]
            var value = first
            while match("=") {
                value = try parseExpressionList(allowStar: true)
                targets.append(value)
            }
            targets.removeLast()
            for t in targets { try checkTarget(t) }
            return .assign(targets, value, loc)
        }
        if current.kind == .op, let op = augmentedOperator(current.text) {
            let opToken = advance()
            guard case .name = first else {
                if case .attribute = first {} else if case .item = first {} else {
                    throw syntaxError("illegal expression for augmented assignment", at: opToken)
                }
                let value = try parseExpressionList()
                return .augmentedAssign(first, op, value, loc)
            }
            let value = try parseExpressionList()
            return .augmentedAssign(first, op, value, loc)
        }
        if check(":") {
            // A type annotation `x: int = 3` — accept and ignore the annotation.
            if case .name = first {
                advance()
                _ = try parseExpression()
                if match("=") {
                    let value = try parseExpressionList()
                    return .assign([first], value, loc)
                }
                return .pass(loc)
            }
        }
        return .expression(first, loc)
    }

    private func augmentedOperator(_ text: String) -> BinaryOp? {
        switch text {
        case "+=": return .add
        case "-=": return .subtract
        case "*=": return .multiply
        case "/=": return .divide
        case "//=": return .floorDivide
        case "%=": return .modulo
        case "&=": return .bitAnd
        case "|=": return .bitOr
        case "^=": return .bitXor
        case "**=": return .power
        case "@=": return .matmul
        default: return nil
        }
    }

    private func checkTarget(_ e: Expr, deleting: Bool = false) throws {
        switch e {
        case .name, .attribute, .item: return
        case .tuple(let items, _), .list(let items, _):
            if deleting { throw LangError("invalid syntax: cannot delete a tuple", at: e.location) }
            for item in items { try checkTarget(item) }
        case .starred(let inner, _):
            if deleting { throw LangError("invalid syntax: cannot delete starred", at: e.location) }
            try checkTarget(inner)
        case .call:
            throw LangError("invalid syntax: cannot assign to function call", at: e.location)
        case .int, .float, .string, .fstring, .bool, .none:
            throw LangError("invalid syntax: cannot assign to literal", at: e.location)
        default:
            throw LangError("invalid syntax: cannot assign to expression", at: e.location)
        }
    }

    /// `:` then either an indented block or simple statements on the same line.
    private mutating func parseBlock(_ context: String) throws -> [Stmt] {
        try expect(":", context)
        try enter()
        defer { leave() }
        if current.kind != .newline {
            return try parseSimpleStatements()
        }
        advance()
        guard current.kind == .indent else {
            throw LangError("expected an indented block \(context)", at: current.location)
        }
        advance()
        var body: [Stmt] = []
        while current.kind != .dedent && current.kind != .eof {
            if current.kind == .newline { advance(); continue }
            if current.kind == .indent { throw LangError("unexpected indent", at: current.location) }
            body.append(contentsOf: try parseStatement())
        }
        if current.kind == .dedent { advance() }
        return body
    }

    private mutating func parseIf() throws -> Stmt {
        let loc = advance().location
        var branches: [(Expr, [Stmt])] = []
        let condition = try parseExpression()
        branches.append((condition, try parseBlock("after 'if' condition")))
        var elseBody: [Stmt]?
        while true {
            if matchKeyword("elif") {
                let c = try parseExpression()
                branches.append((c, try parseBlock("after 'elif' condition")))
            } else if matchKeyword("else") {
                elseBody = try parseBlock("after 'else'")
                break
            } else {
                break
            }
        }
        return .ifStatement(branches, elseBody: elseBody, loc)
    }

    private mutating func parseWhile() throws -> Stmt {
        let loc = advance().location
        let condition = try parseExpression()
        let body = try parseBlock("after 'while' condition")
        let elseBody = matchKeyword("else") ? try parseBlock("after 'else'") : nil
        return .whileLoop(condition, body, elseBody: elseBody, loc)
    }

    private mutating func parseFor() throws -> Stmt {
        let loc = advance().location
        let target = try parseTargetList()
        guard matchKeyword("in") else { throw syntaxError("expected 'in' in for statement, found \(describe(current))") }
        let iterable = try parseExpressionList()
        let body = try parseBlock("after 'for' header")
        let elseBody = matchKeyword("else") ? try parseBlock("after 'else'") : nil
        return .forLoop(target, iterable, body, elseBody: elseBody, loc)
    }

    /// Loop and comprehension targets: `x`, `i, x`, `(a, b)`, `i, (x, y)`.
    private mutating func parseTargetList() throws -> Expr {
        let loc = current.location
        var items = [try parseTargetItem()]
        var sawComma = false
        while check(",") {
            advance()
            sawComma = true
            if checkKeyword("in") || check("=") { break }
            items.append(try parseTargetItem())
        }
        let target: Expr = sawComma ? .tuple(items, loc) : items[0]
        try checkTarget(target)
        return target
    }

    /// One loop target: a name, attribute, subscript or parenthesised tuple (no
    /// comparisons, so that `in` ends it), or `*name`.
    private mutating func parseTargetItem() throws -> Expr {
        if check("*") {
            let loc = advance().location
            return .starred(try parsePostfix(), loc)
        }
        return try parsePostfix()
    }

    private mutating func parseDef() throws -> Stmt {
        let loc = advance().location
        let name = try expectName("after 'def'")
        try expect("(", "after function name")
        let parameters = try parseParameters(closing: ")")
        try expect(")", "after parameters")
        if match("->") { _ = try parseExpression() }
        let body = try parseBlock("after function header")
        return .functionDef(FunctionDecl(name: name, parameters: parameters, body: body, location: loc))
    }

    /// Parameters of `def` (closing ")") or `lambda` (closing ":").
    private mutating func parseParameters(closing: String) throws -> [Parameter] {
        var parameters: [Parameter] = []
        var keywordOnly = false
        var seenDefault = false
        var names = Set<String>()
        while !check(closing) {
            let loc = current.location
            if match("**") {
                let name = try expectName("after '**'")
                parameters.append(Parameter(name: name, kind: .varKeyword, location: loc))
            } else if match("*") {
                if check(",") {
                    keywordOnly = true
                } else {
                    let name = try expectName("after '*'")
                    parameters.append(Parameter(name: name, kind: .varPositional, location: loc))
                    keywordOnly = true
                }
            } else if check("/") {
                advance()  // positional-only marker: accepted, no effect
            } else {
                let name = try expectName("in parameter list")
                if closing == ")" && match(":") { _ = try parseExpression() }  // annotation, ignored
                var defaultValue: Expr?
                if match("=") {
                    defaultValue = try parseExpression()
                    seenDefault = true
                } else if seenDefault && !keywordOnly {
                    throw LangError("invalid syntax: parameter without a default follows parameter with a default", at: loc)
                }
                if names.contains(name) {
                    throw LangError("duplicate argument '\(name)' in function definition", at: loc)
                }
                names.insert(name)
                parameters.append(Parameter(name: name, defaultValue: defaultValue, keywordOnly: keywordOnly, location: loc))
            }
            if !match(",") { break }
        }
        return parameters
    }

    private mutating func parseClass() throws -> Stmt {
        let loc = advance().location
        let name = try expectName("after 'class'")
        var base: Expr?
        if match("(") {
            if !check(")") {
                base = try parseExpression()
                if check(",") { throw syntaxError("nn classes have a single base class") }
            }
            try expect(")", "after base class")
        }
        let body = try parseBlock("after class header")
        return .classDef(name: name, base: base, body: body, loc)
    }

    private mutating func parseWith() throws -> Stmt {
        let loc = advance().location
        let manager = try parseExpression()
        var target: Expr?
        if matchKeyword("as") {
            let t = try parseOr()
            try checkTarget(t)
            target = t
        }
        if check(",") { throw syntaxError("nn's 'with' takes one context manager") }
        let body = try parseBlock("after 'with' header")
        return .with(manager, asName: target, body, loc)
    }

    // MARK: Expressions

    /// `a` or `a, b, …` (a tuple without parentheses).
    mutating func parseExpressionList(allowStar: Bool = false) throws -> Expr {
        let loc = current.location
        let first = try parseListItem(allowStar: allowStar)
        guard check(",") else {
            if case .starred = first { throw LangError("invalid syntax: can't use starred expression here", at: loc) }
            return first
        }
        var items = [first]
        while match(",") {
            if endsExpressionList { break }
            items.append(try parseListItem(allowStar: allowStar))
        }
        return .tuple(items, loc)
    }

    private var endsExpressionList: Bool {
        switch current.kind {
        case .newline, .eof, .dedent, .indent: return true
        case .op: return ["=", ")", "]", "}", ":", ";"].contains(current.text) || augmentedOperator(current.text) != nil
        default: return false
        }
    }

    private mutating func parseListItem(allowStar: Bool) throws -> Expr {
        if allowStar, check("*") {
            let loc = advance().location
            return .starred(try parseOr(), loc)
        }
        return try parseExpression()
    }

    /// A full expression (Python's `test`): lambda or conditional expression.
    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { leave() }
        if checkKeyword("lambda") {
            let loc = advance().location
            let parameters = try parseParameters(closing: ":")
            try expect(":", "after lambda parameters")
            let body = try parseExpression()
            return .lambda(parameters, body, loc)
        }
        let loc = current.location
        let value = try parseOr()
        if checkKeyword("if") {
            // Inside a comprehension, `if` after the element belongs to the clause, not here:
            // `[x for x in xs if c]` — but an element `a if c else b` always has `else`.
            let save = index
            advance()
            let condition = try parseOr()
            guard matchKeyword("else") else {
                index = save
                return value
            }
            let otherwise = try parseExpression()
            return .conditional(condition: condition, then: value, else: otherwise, loc)
        }
        return value
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        var count = 0
        while checkKeyword("or") {
            let loc = advance().location
            left = .or(left, try parseAnd(), loc)
            count += 1
            if count > Parser.maxChainLength { throw LangError("expression too long", at: loc) }
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        var count = 0
        while checkKeyword("and") {
            let loc = advance().location
            left = .and(left, try parseNot(), loc)
            count += 1
            if count > Parser.maxChainLength { throw LangError("expression too long", at: loc) }
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if checkKeyword("not") {
            let loc = advance().location
            try enter()
            defer { leave() }
            return .not(try parseNot(), loc)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expr {
        let loc = current.location
        let first = try parseBitOr()
        var rest: [(CompareOp, Expr)] = []
        while true {
            var op: CompareOp?
            if current.kind == .op {
                op = ["<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual,
                      "==": .equal, "!=": .notEqual][current.text] as CompareOp?
                if op != nil { advance() }
            } else if checkKeyword("in") {
                advance()
                op = .isIn
            } else if checkKeyword("not") && next.isKeyword("in") {
                advance(); advance()
                op = .notIn
            } else if checkKeyword("is") {
                advance()
                op = matchKeyword("not") ? .isNot : .is
            }
            guard let found = op else { break }
            rest.append((found, try parseBitOr()))
            if rest.count > Parser.maxChainLength { throw LangError("expression too long", at: loc) }
        }
        return rest.isEmpty ? first : .compare(first, rest, loc)
    }

    /// `|`, `^`, `&` (between comparisons and arithmetic, as in Python): bitwise on
    /// ints and bools, elementwise logical on bool tensors.
    private mutating func parseBitOr() throws -> Expr {
        var left = try parseBitXor()
        while check("|") {
            let token = advance()
            left = .binary(.bitOr, left, try parseBitXor(), token.location)
        }
        return left
    }

    private mutating func parseBitXor() throws -> Expr {
        var left = try parseBitAnd()
        while check("^") {
            let token = advance()
            left = .binary(.bitXor, left, try parseBitAnd(), token.location)
        }
        return left
    }

    private mutating func parseBitAnd() throws -> Expr {
        var left = try parseArithmetic()
        while check("&") {
            let token = advance()
            left = .binary(.bitAnd, left, try parseArithmetic(), token.location)
        }
        return left
    }

    private mutating func parseArithmetic() throws -> Expr {
        var left = try parseTerm()
        var count = 0
        while current.kind == .op, current.text == "+" || current.text == "-" {
            let token = advance()
            left = .binary(token.text == "+" ? .add : .subtract, left, try parseTerm(), token.location)
            count += 1
            if count > Parser.maxChainLength { throw LangError("expression too long", at: token.location) }
        }
        return left
    }

    private mutating func parseTerm() throws -> Expr {
        var left = try parseUnary()
        var count = 0
        while current.kind == .op {
            let op: BinaryOp
            switch current.text {
            case "*": op = .multiply
            case "/": op = .divide
            case "//": op = .floorDivide
            case "%": op = .modulo
            case "@": op = .matmul
            default: return left
            }
            let token = advance()
            left = .binary(op, left, try parseUnary(), token.location)
            count += 1
            if count > Parser.maxChainLength { throw LangError("expression too long", at: token.location) }
        }
        return left
    }

    private mutating func parseUnary() throws -> Expr {
        if check("~") {
            let token = advance()
            try enter()
            defer { leave() }
            return .unary(.invert, try parseUnary(), token.location)
        }
        if current.kind == .op, current.text == "-" || current.text == "+" {
            let token = advance()
            try enter()
            defer { leave() }
            let operand = try parseUnary()
            // Fold negative literals so that -9223372036854775808 and -2.5 are constants.
            if token.text == "-" {
                if case .int(let v, _) = operand { return .int(-v, token.location) }
                if case .float(let v, _) = operand { return .float(-v, token.location) }
            }
            return .unary(token.text == "-" ? .negate : .plus, operand, token.location)
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        if check("**") {
            let token = advance()
            try enter()
            defer { leave() }
            // Right-associative, and binds tighter than a unary minus on its left.
            return .binary(.power, base, try parseUnary(), token.location)
        }
        return base
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parseAtom()
        var count = 0
        while true {
            count += 1
            if count > Parser.maxChainLength { throw LangError("expression too long", at: current.location) }
            if check("(") {
                let loc = advance().location
                try enter()
                let arguments = try parseArguments()
                leave()
                try expect(")", "to close the call's '('")
                expr = .call(expr, arguments, loc)
            } else if check(".") {
                let loc = advance().location
                let name = try expectName("after '.'")
                expr = .attribute(expr, name, loc)
            } else if check("[") {
                let loc = advance().location
                try enter()
                let index = try parseSubscriptList()
                leave()
                try expect("]", "to close the subscript")
                expr = .item(expr, index, loc)
            } else {
                return expr
            }
        }
    }

    private mutating func parseArguments() throws -> [Argument] {
        var arguments: [Argument] = []
        var sawKeyword = false
        while !check(")") {
            if match("**") {
                arguments.append(.doubleStar(try parseExpression()))
                sawKeyword = true
            } else if match("*") {
                arguments.append(.star(try parseExpression()))
            } else if current.kind == .name && next.isOp("=") {
                let name = advance().text
                advance()
                arguments.append(.keyword(name, try parseExpression()))
                sawKeyword = true
            } else {
                let loc = current.location
                let value = try parseExpression()
                if checkKeyword("for") {
                    let clauses = try parseComprehensionClauses()
                    arguments.append(.positional(.listComprehension(value, clauses, loc)))
                } else {
                    if sawKeyword {
                        throw LangError("invalid syntax: positional argument follows keyword argument", at: loc)
                    }
                    arguments.append(.positional(value))
                }
            }
            if !match(",") { break }
        }
        return arguments
    }

    private mutating func parseSubscriptList() throws -> Expr {
        let loc = current.location
        let first = try parseSubscriptItem()
        guard check(",") else { return first }
        var items = [first]
        while match(",") {
            if check("]") { break }
            items.append(try parseSubscriptItem())
        }
        return .tuple(items, loc)
    }

    private mutating func parseSubscriptItem() throws -> Expr {
        let loc = current.location
        var lower: Expr?
        if !check(":") { lower = try parseExpression() }
        guard match(":") else {
            guard let value = lower else { throw syntaxError("expected an index") }
            return value
        }
        var upper: Expr?
        var step: Expr?
        if !check(":") && !check("]") && !check(",") { upper = try parseExpression() }
        if match(":") {
            if !check("]") && !check(",") { step = try parseExpression() }
        }
        return .slice(lower, upper, step, loc)
    }

    private mutating func parseComprehensionClauses() throws -> [ComprehensionClause] {
        var clauses: [ComprehensionClause] = []
        while matchKeyword("for") {
            let target = try parseTargetList()
            guard matchKeyword("in") else { throw syntaxError("expected 'in' in comprehension, found \(describe(current))") }
            let iterable = try parseOr()
            var conditions: [Expr] = []
            while matchKeyword("if") {
                conditions.append(try parseOrNoConditional())
            }
            clauses.append(ComprehensionClause(target: target, iterable: iterable, conditions: conditions))
        }
        return clauses
    }

    private mutating func parseOrNoConditional() throws -> Expr { try parseOr() }

    private mutating func parseAtom() throws -> Expr {
        let token = current
        let loc = token.location
        switch token.kind {
        case .name:
            advance()
            return .name(token.text, loc)
        case .int:
            advance()
            return .int(token.intValue, loc)
        case .float:
            advance()
            return .float(token.floatValue, loc)
        case .string, .fstring:
            return try parseStrings()
        case .keyword:
            switch token.text {
            case "True": advance(); return .bool(true, loc)
            case "False": advance(); return .bool(false, loc)
            case "None": advance(); return .none(loc)
            default:
                throw syntaxError("unexpected keyword '\(token.text)'")
            }
        case .op:
            switch token.text {
            case "(":
                advance()
                try enter()
                defer { leave() }
                if match(")") { return .tuple([], loc) }
                let first = try parseListItem(allowStar: true)
                if checkKeyword("for") {
                    let clauses = try parseComprehensionClauses()
                    try expect(")", "to close the generator expression")
                    return .listComprehension(first, clauses, loc)
                }
                if match(")") {
                    if case .starred = first { throw LangError("invalid syntax: can't use starred expression here", at: loc) }
                    return first
                }
                var items = [first]
                while match(",") {
                    if check(")") { break }
                    items.append(try parseListItem(allowStar: true))
                }
                if current.kind == .eof { throw LangError("'(' was never closed", at: loc) }
                try expect(")", "to close '('")
                return .tuple(items, loc)
            case "[":
                advance()
                try enter()
                defer { leave() }
                if match("]") { return .list([], loc) }
                let first = try parseListItem(allowStar: true)
                if checkKeyword("for") {
                    let clauses = try parseComprehensionClauses()
                    try expect("]", "to close the list comprehension")
                    return .listComprehension(first, clauses, loc)
                }
                var items = [first]
                while match(",") {
                    if check("]") { break }
                    items.append(try parseListItem(allowStar: true))
                }
                if current.kind == .eof { throw LangError("'[' was never closed", at: loc) }
                try expect("]", "to close '['")
                return .list(items, loc)
            case "{":
                advance()
                try enter()
                defer { leave() }
                if match("}") { return .dict([], loc) }
                let key = try parseExpression()
                guard match(":") else { throw syntaxError("sets are not part of nn; a dict needs 'key: value'") }
                let value = try parseExpression()
                if checkKeyword("for") {
                    let clauses = try parseComprehensionClauses()
                    try expect("}", "to close the dict comprehension")
                    return .dictComprehension(key, value, clauses, loc)
                }
                var entries = [(key, value)]
                while match(",") {
                    if check("}") { break }
                    let k = try parseExpression()
                    try expect(":", "between dict key and value")
                    entries.append((k, try parseExpression()))
                }
                if current.kind == .eof { throw LangError("'{' was never closed", at: loc) }
                try expect("}", "to close '{'")
                return .dict(entries, loc)
            case "...":
                advance()
                return .ellipsis(loc)
            default:
                break
            }
        default:
            break
        }
        throw syntaxError("unexpected \(describe(token))")
    }

    /// Adjacent string literals concatenate (`"a" "b"`), f-strings included.
    private mutating func parseStrings() throws -> Expr {
        let loc = current.location
        var parts: [FStringPart] = []
        var anyFormat = false
        while current.kind == .string || current.kind == .fstring {
            let token = advance()
            if token.kind == .string {
                parts.append(.literal(token.text))
            } else {
                anyFormat = true
                parts.append(contentsOf: try FStringParser.parse(token.text, at: token.location))
            }
        }
        if !anyFormat {
            var text = ""
            for case .literal(let s) in parts { text += s }
            return .string(text, loc)
        }
        return .fstring(parts, loc)
    }
}

/// Splits an f-string's text into literal pieces and `{expr!conv:spec}` fields.
enum FStringParser {
    static func parse(_ text: String, at location: SourceLocation) throws -> [FStringPart] {
        let chars = Array(text)
        var parts: [FStringPart] = []
        var literal = ""
        var i = 0
        func error(_ message: String) -> LangError {
            LangError("f-string: " + message, at: SourceLocation(line: Int(location.line), column: Int(location.column) + i))
        }
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" {
                    literal.append("{")
                    i += 2
                    continue
                }
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                // Find the end of the expression: a top-level '!', ':' or '}'.
                let exprStart = i + 1
                var j = exprStart
                var depth = 0
                var quote: Character?
                while j < chars.count {
                    let d = chars[j]
                    if let q = quote {
                        if d == q { quote = nil }
                    } else if d == "'" || d == "\"" {
                        quote = d
                    } else if d == "(" || d == "[" || d == "{" {
                        depth += 1
                    } else if d == ")" || d == "]" || d == "}" {
                        if depth == 0 { break }
                        depth -= 1
                    } else if depth == 0 && d == ":" {
                        break
                    } else if depth == 0 && d == "!" && j + 1 < chars.count && chars[j + 1] != "=" {
                        break
                    }
                    j += 1
                }
                guard j < chars.count else { throw error("expecting '}'") }
                var exprText = String(chars[exprStart..<j])
                var selfDocumenting = false
                let trimmed = exprText.trimmingCharacters(in: .whitespaces)
                if trimmed.hasSuffix("=") && !trimmed.hasSuffix("==") && !trimmed.hasSuffix("!=")
                    && !trimmed.hasSuffix("<=") && !trimmed.hasSuffix(">=") {
                    selfDocumenting = true
                    parts.append(.literal(exprText))
                    exprText = String(trimmed.dropLast())
                }
                if exprText.trimmingCharacters(in: .whitespaces).isEmpty { throw error("empty expression not allowed") }
                let map = LocationMap(fileLines: [Int(location.line)],
                                      columnOffsets: [Int(location.column) - 1 + exprStart])
                var parser = Parser(tokens: try Lexer.tokenize(exprText, map: map))
                let expr = try parser.parseExpressionList()
                var conversion: Character? = selfDocumenting ? "r" : nil
                var spec: [FStringPart]?
                if chars[j] == "!" {
                    guard j + 1 < chars.count, "rsa".contains(chars[j + 1]) else {
                        throw error("invalid conversion character: expected 's', 'r', or 'a'")
                    }
                    conversion = chars[j + 1]
                    j += 2
                }
                if j < chars.count && chars[j] == ":" {
                    // The spec runs to the matching '}' and may hold nested fields.
                    var k = j + 1
                    var nested = 0
                    while k < chars.count {
                        if chars[k] == "{" { nested += 1 } else if chars[k] == "}" {
                            if nested == 0 { break }
                            nested -= 1
                        }
                        k += 1
                    }
                    guard k < chars.count else { throw error("expecting '}'") }
                    let specText = String(chars[(j + 1)..<k])
                    spec = try parse(specText, at: SourceLocation(line: Int(location.line), column: Int(location.column) + j + 1))
                    if selfDocumenting && conversion == "r" { conversion = nil }
                    j = k
                }
                guard j < chars.count, chars[j] == "}" else { throw error("expecting '}'") }
                parts.append(.field(expr, conversion: conversion, spec: spec))
                i = j + 1
            } else if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" {
                    literal.append("}")
                    i += 2
                    continue
                }
                throw error("single '}' is not allowed")
            } else {
                literal.append(c)
                i += 1
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }
}
