import NNLang
import Testing

/// Runtime errors inside functions carry "called from here" notes for each call site,
/// innermost first (a Python traceback read from the bottom up); recursion is shortened.

@Test func errorInNestedCallsListsEachCallSite() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let code = """
    def inner(x):
        return x + undefined_name
    def outer(y):
        return inner(y) * 2
    outer(1)
    """
    let result = session.run(cell(code, firstLine: 20))
    #expect(result.error == Diagnostic(
        line: 21, column: 16, message: "name 'undefined_name' is not defined",
        notes: [DiagnosticNote(line: 23, column: 12, message: "called from here"),
                DiagnosticNote(line: 24, column: 1, message: "called from here")]))
}

@Test func errorInMethodAndBuiltinCallbacksNamesTheCallSites() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let code = """
    class C:
        def key(self, v):
            return v / 0
    c = C()
    sorted([2, 1], key=c.key)
    """
    let result = session.run(cell(code, firstLine: 1))
    #expect(result.error?.line == 3)
    #expect(result.error?.message == "division by zero")
    #expect(result.error?.notes == [DiagnosticNote(line: 5, column: 1, message: "called from here")])
}

@Test func errorOutsideFunctionsHasNoNotes() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let result = session.run(cell("x = [1]\ny = x[3]"))
    #expect(result.error?.notes == [])
    // A builtin's own error is located at its call site, with no note.
    let builtin = session.run(cell("int('x')"))
    #expect(builtin.error?.notes == [])
}

@Test func deepRecursionIsSummarisedInAFewNotes() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let code = """
    def down(n):
        if n == 0:
            return 1 // 0
        return down(n - 1)
    def start():
        return down(50)
    start()
    """
    let result = session.run(cell(code, firstLine: 1))
    #expect(result.error?.line == 3)
    #expect(result.error?.notes == [
        DiagnosticNote(line: 4, column: 12, message: "called from here (50 times)"),
        DiagnosticNote(line: 6, column: 12, message: "called from here"),
        DiagnosticNote(line: 7, column: 1, message: "called from here"),
    ])
    let limit = session.run(cell("def f(n):\n    return f(n + 1)\nf(0)", firstLine: 1))
    #expect(limit.error?.message.hasPrefix("maximum recursion depth exceeded") == true)
    #expect((limit.error?.notes.count ?? 0) <= 9)
    #expect(limit.error?.notes.last == DiagnosticNote(line: 3, column: 1, message: "called from here"))
}

@Test func manyDistinctCallersAreBounded() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    var code = "def f0():\n    return 1 // 0\n"
    for i in 1...12 { code += "def f\(i)():\n    return f\(i - 1)()\n" }
    code += "f12()"
    let result = session.run(cell(code, firstLine: 1))
    let notes = result.error?.notes ?? []
    #expect(notes.count == 8)
    #expect(notes[4].message == "called from here (after 5 more calls not shown)")
    #expect(notes.last == DiagnosticNote(line: 27, column: 1, message: "called from here"))
}
