/// The syntax tree produced by the parser. Every node carries the location of its
/// first token in the Markdown file. The resolver turns this tree into executable
/// nodes with names bound to slots (Interpreter/).
indirect enum Expr {
    case name(String, SourceLocation)
    case int(Int, SourceLocation)
    case float(Double, SourceLocation)
    case string(String, SourceLocation)
    case fstring([FStringPart], SourceLocation)
    case bool(Bool, SourceLocation)
    case none(SourceLocation)
    case ellipsis(SourceLocation)
    case unary(UnaryOp, Expr, SourceLocation)
    case binary(BinaryOp, Expr, Expr, SourceLocation)
    case and(Expr, Expr, SourceLocation)
    case or(Expr, Expr, SourceLocation)
    case not(Expr, SourceLocation)
    /// `a < b <= c`: the first operand, then each operator with its right operand.
    case compare(Expr, [(CompareOp, Expr)], SourceLocation)
    case conditional(condition: Expr, then: Expr, else: Expr, SourceLocation)
    case call(Expr, [Argument], SourceLocation)
    case attribute(Expr, String, SourceLocation)
    case item(Expr, Expr, SourceLocation)
    case slice(Expr?, Expr?, Expr?, SourceLocation)
    case tuple([Expr], SourceLocation)
    case list([Expr], SourceLocation)
    case dict([(Expr, Expr)], SourceLocation)
    /// `[element for … in … if …]`; `isGenerator` for `(x for x in xs)` / `sum(x for …)`,
    /// which nn evaluates eagerly into a list.
    case listComprehension(Expr, [ComprehensionClause], SourceLocation)
    case dictComprehension(Expr, Expr, [ComprehensionClause], SourceLocation)
    case lambda([Parameter], Expr, SourceLocation)
    /// `*xs` inside a list/tuple display or a call.
    case starred(Expr, SourceLocation)

    var location: SourceLocation {
        switch self {
        case .name(_, let l), .int(_, let l), .float(_, let l), .string(_, let l), .fstring(_, let l),
            .bool(_, let l), .none(let l), .ellipsis(let l), .unary(_, _, let l), .binary(_, _, _, let l),
            .and(_, _, let l), .or(_, _, let l), .not(_, let l), .compare(_, _, let l),
            .conditional(_, _, _, let l), .call(_, _, let l), .attribute(_, _, let l),
            .item(_, _, let l), .slice(_, _, _, let l), .tuple(_, let l), .list(_, let l),
            .dict(_, let l), .listComprehension(_, _, let l), .dictComprehension(_, _, _, let l),
            .lambda(_, _, let l), .starred(_, let l):
            return l
        }
    }
}

enum FStringPart {
    case literal(String)
    /// `{expr!conversion:spec}`; the spec may itself contain `{…}` replacement fields.
    case field(Expr, conversion: Character?, spec: [FStringPart]?)
}

enum UnaryOp { case negate, plus, invert }

public enum BinaryOp: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
    case modulo = "%", power = "**", matmul = "@"
    case bitAnd = "&", bitOr = "|", bitXor = "^"
}

public enum CompareOp: String {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case isIn = "in", notIn = "not in", `is` = "is", isNot = "is not"
}

enum Argument {
    case positional(Expr)
    case keyword(String, Expr)
    case star(Expr)
    case doubleStar(Expr)
}

struct ComprehensionClause {
    var target: Expr
    var iterable: Expr
    var conditions: [Expr]
}

struct Parameter {
    enum Kind { case normal, varPositional, varKeyword }
    var name: String
    var defaultValue: Expr?
    var kind: Kind = .normal
    /// Parameters after a bare `*` or `*args` can only be passed by keyword.
    var keywordOnly = false
    var location: SourceLocation
}

struct FunctionDecl {
    var name: String
    var parameters: [Parameter]
    var body: [Stmt]
    var location: SourceLocation
}

indirect enum Stmt {
    case expression(Expr, SourceLocation)
    /// `a = b = value`: every target receives the value.
    case assign([Expr], Expr, SourceLocation)
    case augmentedAssign(Expr, BinaryOp, Expr, SourceLocation)
    case ifStatement([(Expr, [Stmt])], elseBody: [Stmt]?, SourceLocation)
    case whileLoop(Expr, [Stmt], elseBody: [Stmt]?, SourceLocation)
    case forLoop(Expr, Expr, [Stmt], elseBody: [Stmt]?, SourceLocation)
    case functionDef(FunctionDecl)
    case classDef(name: String, base: Expr?, body: [Stmt], SourceLocation)
    case returnStatement(Expr?, SourceLocation)
    case breakStatement(SourceLocation)
    case continueStatement(SourceLocation)
    case pass(SourceLocation)
    case with(Expr, asName: Expr?, [Stmt], SourceLocation)
    case assert(Expr, message: Expr?, SourceLocation)
    case delete([Expr], SourceLocation)
    /// `import torch`, `from torch import nn`: accepted and ignored so that PyTorch
    /// snippets paste cleanly (every library name is already global).
    case ignoredImport(SourceLocation)

    var location: SourceLocation {
        switch self {
        case .expression(_, let l), .assign(_, _, let l), .augmentedAssign(_, _, _, let l),
            .ifStatement(_, _, let l), .whileLoop(_, _, _, let l), .forLoop(_, _, _, _, let l),
            .classDef(_, _, _, let l), .returnStatement(_, let l), .breakStatement(let l),
            .continueStatement(let l), .pass(let l), .with(_, _, _, let l), .assert(_, _, let l),
            .delete(_, let l), .ignoredImport(let l):
            return l
        case .functionDef(let d): return d.location
        }
    }
}
