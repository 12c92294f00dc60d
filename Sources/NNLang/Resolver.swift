/// Binds every name to a slot before the code runs (no dictionary lookup per variable
/// access) and turns the AST into executable nodes (Interpreter/).
///
/// Python's scoping: a name assigned anywhere in a function is local to it; other names
/// are looked up in enclosing function scopes (closures), then in the notebook's global
/// scope. Class bodies have their own scope, which methods do not see. Comprehensions
/// have their own scope too.
final class Scope {
    enum Kind { case module, function, classBody, comprehension }
    let kind: Kind
    let parent: Scope?
    private(set) var slots: [String: Int] = [:]
    private(set) var slotNames: [String] = []
    /// Set when the scope (or a lambda or comprehension inside it) calls `super()`.
    var usesSuper = false
    /// Set when a def, lambda, class or comprehension is nested in the scope: its frames
    /// may then be captured, so they cannot be reused.
    var hasNestedScope = false

    init(kind: Kind, parent: Scope?) {
        self.kind = kind
        self.parent = parent
    }

    @discardableResult
    func declare(_ name: String) -> Int {
        if let slot = slots[name] { return slot }
        let slot = slotNames.count
        slots[name] = slot
        slotNames.append(name)
        return slot
    }
}

final class Resolver {
    private let globals: Globals
    private var scope: Scope
    private var loopDepth = 0
    private var functionDepth = 0

    init(globals: Globals) {
        self.globals = globals
        self.scope = Scope(kind: .module, parent: nil)
    }

    /// Resolves the statements of one cell; the cell's last expression statement becomes
    /// a display statement.
    func resolveCell(_ statements: [Stmt]) throws -> [StmtNode] {
        var nodes = try statements.map(resolve)
        if case .expression(let e, let loc)? = statements.last {
            nodes[nodes.count - 1] = DisplayStmt(try resolve(e), loc)
        }
        return nodes
    }

    // MARK: Names

    private func read(_ name: String, _ loc: SourceLocation) -> ExprNode {
        var current: Scope? = scope
        var depth = 0
        while let s = current {
            if s.kind == .module { break }
            if let slot = s.slots[name] {
                return depth == 0 ? LocalNode(slot: slot, name: name, loc) : EnclosingNode(depth: depth, slot: slot, name: name, loc)
            }
            var parent = s.parent
            if s.kind == .function, parent?.kind == .classBody { parent = parent?.parent }
            current = parent
            depth += 1
        }
        return GlobalNode(slot: globals.slot(for: name), name: name, visibleLocals: visibleLocals(), loc)
    }

    private func visibleLocals() -> [String] {
        var names: [String] = []
        var current: Scope? = scope
        while let s = current, s.kind != .module {
            names.append(contentsOf: s.slotNames)
            current = s.parent
        }
        return names
    }

    private func writeTarget(_ name: String, _ loc: SourceLocation) -> TargetNode {
        if scope.kind == .module { return GlobalTarget(slot: globals.slot(for: name), name: name, loc) }
        return LocalTarget(slot: scope.declare(name), name: name, loc)
    }

    private func target(_ e: Expr) throws -> TargetNode {
        switch e {
        case .name(let name, let loc): return writeTarget(name, loc)
        case .attribute(let object, let name, let loc): return AttributeTarget(try resolve(object), name, loc)
        case .item(let object, let index, let loc): return SubscriptTarget(try resolve(object), try resolve(index), loc)
        case .tuple(let items, let loc), .list(let items, let loc):
            var starIndex: Int?
            var targets: [TargetNode] = []
            for (i, item) in items.enumerated() {
                if case .starred(let inner, let sloc) = item {
                    if starIndex != nil { throw LangError("multiple starred expressions in assignment", at: sloc) }
                    starIndex = i
                    targets.append(try target(inner))
                } else {
                    targets.append(try target(item))
                }
            }
            return UnpackTarget(targets, starIndex: starIndex, loc)
        default:
            throw LangError("invalid syntax: cannot assign to expression", at: e.location)
        }
    }

    /// Names bound by a statement list (not descending into nested functions or classes).
    private func collectBindings(_ statements: [Stmt], into names: inout [String]) {
        func targetNames(_ e: Expr) {
            switch e {
            case .name(let n, _): names.append(n)
            case .tuple(let items, _), .list(let items, _): items.forEach(targetNames)
            case .starred(let inner, _): targetNames(inner)
            default: break
            }
        }
        for statement in statements {
            switch statement {
            case .assign(let targets, _, _): targets.forEach(targetNames)
            case .augmentedAssign(let t, _, _, _): targetNames(t)
            case .forLoop(let t, _, let body, let elseBody, _):
                targetNames(t)
                collectBindings(body, into: &names)
                collectBindings(elseBody ?? [], into: &names)
            case .whileLoop(_, let body, let elseBody, _):
                collectBindings(body, into: &names)
                collectBindings(elseBody ?? [], into: &names)
            case .ifStatement(let branches, let elseBody, _):
                for (_, body) in branches { collectBindings(body, into: &names) }
                collectBindings(elseBody ?? [], into: &names)
            case .functionDef(let d): names.append(d.name)
            case .classDef(let name, _, _, _): names.append(name)
            case .with(_, let asName, let body, _):
                if let t = asName { targetNames(t) }
                collectBindings(body, into: &names)
            case .delete(let targets, _): targets.forEach(targetNames)
            default: break
            }
        }
    }

    // MARK: Statements

    private func resolveBlock(_ statements: [Stmt]) throws -> [StmtNode] { try statements.map(resolve) }

    private func resolve(_ statement: Stmt) throws -> StmtNode {
        switch statement {
        case .expression(let e, let loc):
            return ExpressionStmt(try resolve(e), loc)
        case .assign(let targets, let value, let loc):
            let valueNode = try resolve(value)
            if targets.count == 1, case .name(let name, let nloc) = targets[0] {
                let t = writeTarget(name, nloc)
                if let local = t as? LocalTarget { return LocalAssignStmt(slot: local.slot, valueNode, loc) }
                if let global = t as? GlobalTarget { return GlobalAssignStmt(slot: global.slot, valueNode, loc) }
            }
            return AssignStmt(try targets.map(target), valueNode, loc)
        case .augmentedAssign(let t, let op, let value, let loc):
            let valueNode = try resolve(value)
            switch t {
            case .name(let name, let nloc):
                return AugmentedAssignStmt(.name(read: read(name, nloc), write: writeTarget(name, nloc)), op, valueNode, loc)
            case .attribute(let object, let name, _):
                return AugmentedAssignStmt(.attribute(try resolve(object), name), op, valueNode, loc)
            case .item(let object, let index, _):
                return AugmentedAssignStmt(.item(try resolve(object), try resolve(index)), op, valueNode, loc)
            default:
                throw LangError("invalid syntax: illegal expression for augmented assignment", at: loc)
            }
        case .ifStatement(let branches, let elseBody, let loc):
            let resolved = try branches.map { (try resolve($0.0), try resolveBlock($0.1)) }
            if resolved.count == 1 {
                return SimpleIfStmt(resolved[0].0, resolved[0].1, elseBody: try elseBody.map(resolveBlock), loc)
            }
            return IfStmt(resolved, elseBody: try elseBody.map(resolveBlock), loc)
        case .whileLoop(let condition, let body, let elseBody, let loc):
            let c = try resolve(condition)
            loopDepth += 1
            let b = try resolveBlock(body)
            loopDepth -= 1
            return WhileStmt(c, b, elseBody: try elseBody.map(resolveBlock), loc)
        case .forLoop(let t, let iterable, let body, let elseBody, let loc):
            let i = try resolve(iterable)
            let tn = try target(t)
            loopDepth += 1
            let b = try resolveBlock(body)
            loopDepth -= 1
            return ForStmt(tn, i, b, elseBody: try elseBody.map(resolveBlock), loc)
        case .functionDef(let decl):
            let (code, defaults) = try resolveFunction(name: decl.name, decl.parameters, body: decl.body, expression: nil, decl.location)
            let inClassBody = scope.kind == .classBody
            return FunctionDefStmt(code, defaults: defaults, target: writeTarget(decl.name, decl.location),
                                   inClassBody: inClassBody, decl.location)
        case .classDef(let name, let base, let body, let loc):
            let baseNode = try base.map(resolve)
            scope.hasNestedScope = true
            let classScope = Scope(kind: .classBody, parent: scope)
            var names: [String] = []
            collectBindings(body, into: &names)
            for n in names { classScope.declare(n) }
            let saved = (scope, loopDepth)
            scope = classScope
            loopDepth = 0
            defer { (scope, loopDepth) = saved }
            let bodyNodes = try resolveBlock(body)
            scope = saved.0
            return ClassDefStmt(name: name, base: baseNode, body: bodyNodes, slotNames: classScope.slotNames,
                                target: writeTarget(name, loc), loc)
        case .returnStatement(let value, let loc):
            if functionDepth == 0 { throw LangError("'return' outside function", at: loc) }
            return ReturnStmt(try value.map(resolve), loc)
        case .breakStatement(let loc):
            if loopDepth == 0 { throw LangError("'break' outside loop", at: loc) }
            return BreakStmt(loc)
        case .continueStatement(let loc):
            if loopDepth == 0 { throw LangError("'continue' not properly in loop", at: loc) }
            return ContinueStmt(loc)
        case .pass(let loc), .ignoredImport(let loc):
            return PassStmt(loc)
        case .with(let manager, let asName, let body, let loc):
            return WithStmt(try resolve(manager), target: try asName.map(target), try resolveBlock(body), loc)
        case .assert(let condition, let message, let loc):
            return AssertStmt(try resolve(condition), try message.map(resolve), loc)
        case .delete(let targets, let loc):
            return DeleteStmt(try targets.map(target), loc)
        }
    }

    /// Compiles a `def` or `lambda`: parameters take the first slots, then the locals.
    private func resolveFunction(name: String, _ parameters: [Parameter], body: [Stmt], expression: Expr?,
                                 _ loc: SourceLocation) throws -> (FunctionCode, [ExprNode?]) {
        let defaults = try parameters.filter { $0.kind == .normal }.map { try $0.defaultValue.map(resolve) }
        scope.hasNestedScope = true
        let functionScope = Scope(kind: .function, parent: scope)
        let named = parameters.filter { $0.kind == .normal }
        for p in named { functionScope.declare(p.name) }
        let varPositional = parameters.first { $0.kind == .varPositional }
        let varKeyword = parameters.first { $0.kind == .varKeyword }
        if let p = varPositional { functionScope.declare(p.name) }
        if let p = varKeyword { functionScope.declare(p.name) }
        var locals: [String] = []
        collectBindings(body, into: &locals)
        for n in locals { functionScope.declare(n) }
        let signature = Signature(
            names: named.map(\.name), positionalCount: named.filter { !$0.keywordOnly }.count,
            varPositionalName: varPositional?.name, varKeywordName: varKeyword?.name)
        let isSimple = varPositional == nil && varKeyword == nil && named.allSatisfy { $0.defaultValue == nil && !$0.keywordOnly }

        let saved = (scope, loopDepth, functionDepth)
        scope = functionScope
        loopDepth = 0
        functionDepth += 1
        defer { (scope, loopDepth, functionDepth) = saved }
        let bodyNodes = try resolveBlock(body)
        let expressionNode = try expression.map(resolve)
        let code = FunctionCode(name: name, qualifiedName: name, signature: signature,
                                slotCount: functionScope.slotNames.count, slotNames: functionScope.slotNames,
                                location: loc, isSimple: isSimple, reusesFrames: !functionScope.hasNestedScope,
                                body: bodyNodes, expression: expressionNode,
                                needsFunction: functionScope.usesSuper)
        return (code, defaults)
    }

    // MARK: Expressions

    private func resolve(_ e: Expr) throws -> ExprNode {
        switch e {
        case .name(let name, let loc): return read(name, loc)
        case .int(let v, let loc): return ConstantNode(.int(v), loc)
        case .float(let v, let loc): return ConstantNode(.float(v), loc)
        case .string(let v, let loc): return ConstantNode(.str(v), loc)
        case .bool(let v, let loc): return ConstantNode(.bool(v), loc)
        case .none(let loc): return ConstantNode(.none, loc)
        case .ellipsis(let loc): return ConstantNode(.object(EllipsisObject()), loc)
        case .fstring(let parts, let loc): return try resolveFString(parts, loc)
        case .unary(.invert, let operand, let loc): return InvertNode(try resolve(operand), loc)
        case .unary(let op, let operand, let loc): return UnaryNode(negate: op == .negate, try resolve(operand), loc)
        case .binary(let op, let l, let r, let loc): return BinaryNode(op, try resolve(l), try resolve(r), loc)
        case .and(let l, let r, let loc): return AndNode(try resolve(l), try resolve(r), loc)
        case .or(let l, let r, let loc): return OrNode(try resolve(l), try resolve(r), loc)
        case .not(let operand, let loc): return NotNode(try resolve(operand), loc)
        case .compare(let first, let rest, let loc):
            if rest.count == 1 { return CompareNode(rest[0].0, try resolve(first), try resolve(rest[0].1), loc) }
            return CompareChainNode(try resolve(first), try rest.map { ($0.0, try resolve($0.1)) }, loc)
        case .conditional(let c, let t, let o, let loc):
            return ConditionalNode(try resolve(c), try resolve(t), try resolve(o), loc)
        case .call(let callee, let arguments, let loc):
            if case .name("super", _) = callee, arguments.isEmpty, isUnboundLocally("super") {
                var s: Scope? = scope
                while let current = s, current.kind != .module {
                    current.usesSuper = true
                    s = current.parent
                }
                return SuperNode(loc)
            }
            let args = try arguments.map(resolveArgument)
            if case .attribute(let object, let name, _) = callee {
                return MethodCallNode(try resolve(object), name, args, loc)
            }
            return CallNode(try resolve(callee), args, loc)
        case .attribute(let object, let name, let loc): return AttributeNode(try resolve(object), name, loc)
        case .item(let object, let index, let loc): return SubscriptNode(try resolve(object), try resolve(index), loc)
        case .slice(let a, let b, let c, let loc):
            return SliceNode(try a.map(resolve), try b.map(resolve), try c.map(resolve), loc)
        case .tuple(let items, let loc):
            return TupleDisplayNode(try items.map(resolveItem), starred: items.map(isStarred), loc)
        case .list(let items, let loc):
            return ListDisplayNode(try items.map(resolveItem), starred: items.map(isStarred), loc)
        case .dict(let entries, let loc):
            return DictDisplayNode(try entries.map { (try resolve($0.0), try resolve($0.1)) }, loc)
        case .listComprehension(let element, let clauses, let loc):
            return try resolveComprehension(element: element, key: nil, clauses, loc)
        case .dictComprehension(let key, let value, let clauses, let loc):
            return try resolveComprehension(element: value, key: key, clauses, loc)
        case .lambda(let parameters, let body, let loc):
            let (code, defaults) = try resolveFunction(name: "<lambda>", parameters, body: [], expression: body, loc)
            return LambdaNode(code, defaults: defaults, loc)
        case .starred(_, let loc):
            throw LangError("invalid syntax: can't use starred expression here", at: loc)
        }
    }

    private func isUnboundLocally(_ name: String) -> Bool {
        read(name, .unknown) is GlobalNode
    }

    private func isStarred(_ e: Expr) -> Bool {
        if case .starred = e { return true }
        return false
    }

    private func resolveItem(_ e: Expr) throws -> ExprNode {
        if case .starred(let inner, _) = e { return try resolve(inner) }
        return try resolve(e)
    }

    private func resolveArgument(_ a: Argument) throws -> ArgumentNode {
        switch a {
        case .positional(let e): return .positional(try resolve(e))
        case .keyword(let name, let e): return .keyword(name, try resolve(e))
        case .star(let e): return .star(try resolve(e))
        case .doubleStar(let e): return .doubleStar(try resolve(e))
        }
    }

    private func resolveFString(_ parts: [FStringPart], _ loc: SourceLocation) throws -> FStringNode {
        var pieces: [FStringNode.Piece] = []
        for part in parts {
            switch part {
            case .literal(let s): pieces.append(.literal(s))
            case .field(let expr, let conversion, let spec):
                pieces.append(.field(try resolve(expr), conversion: conversion, spec: try spec.map { try resolveFString($0, loc) }))
            }
        }
        return FStringNode(pieces, loc)
    }

    private func resolveComprehension(element: Expr, key: Expr?, _ clauses: [ComprehensionClause],
                                      _ loc: SourceLocation) throws -> ExprNode {
        // The first iterable is evaluated in the enclosing scope.
        let firstIterable = try resolve(clauses[0].iterable)
        scope.hasNestedScope = true
        let comprehensionScope = Scope(kind: .comprehension, parent: scope)
        let saved = scope
        scope = comprehensionScope
        defer { scope = saved }
        var resolved: [ComprehensionNode.Clause] = []
        for (i, clause) in clauses.enumerated() {
            let iterable = i == 0 ? firstIterable : try resolve(clause.iterable)
            let t = try target(clause.target)
            let conditions = try clause.conditions.map(resolve)
            resolved.append(ComprehensionNode.Clause(target: t, iterable: iterable, conditions: conditions))
        }
        let elementNode = try resolve(element)
        let keyNode = try key.map(resolve)
        return ComprehensionNode(clauses: resolved, element: elementNode, key: keyNode,
                                 slotCount: comprehensionScope.slotNames.count, loc)
    }
}
