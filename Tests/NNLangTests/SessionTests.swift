import Foundation
import NNLang
import Testing

/// The Session API the notebook layer relies on: file positions, parameters, seeding,
/// progress events, display of the last expression, and errors as values.
func cell(_ code: String, firstLine: Int = 10, offset: Int = 0) -> CellSource {
    let n = code.split(separator: "\n", omittingEmptySubsequences: false).count
    return CellSource(code: code, fileLines: Array(firstLine..<(firstLine + n)), columnOffsets: Array(repeating: offset, count: n), name: "test")
}

@Test func diagnosticsUseFileLinesAndContainerOffsets() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let result = session.run(cell("x = 1\ny = x + zz", firstLine: 41, offset: 2))
    #expect(result.error == Diagnostic(line: 42, column: 11, message: "name 'zz' is not defined"))
}

@Test func parametersBecomeGlobals() throws {
    var options = SessionOptions(notebookDirectory: ".")
    options.parameters = [(name: "lr", value: "0.05"), (name: "steps", value: "200"), (name: "name", value: "adam")]
    let session = try Session(options: options)
    let result = session.run(cell("print(lr * 2, steps + 1, name)"))
    #expect(result.outputs == [.text("0.1 201 adam\n")])
}

@Test func seedingIsDeterministic() throws {
    let a = try Session(options: SessionOptions(notebookDirectory: "."))
    let b = try Session(options: SessionOptions(notebookDirectory: "."))
    let code = cell("print(randn(3))")
    #expect(a.run(code).outputs == b.run(code).outputs)
    a.manualSeed(7)
    if let error = b.run(cell("manual_seed(7)")).error { Issue.record("unexpected error \(error)") }
    #expect(a.run(code).outputs == b.run(code).outputs)
}

@Test func progressEventsGoToTheHandler() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    var events: [ProgressEvent] = []
    session.progressHandler = { events.append($0) }
    let result = session.run(cell("for i in progress(range(3), label='epochs'):\n    pass"))
    #expect(result.outputs.isEmpty)
    #expect(events.map(\.done) == [1, 2, 3, 3])
    #expect(events.allSatisfy { $0.label == "epochs" && $0.total == 3 })
}

@Test func lastExpressionIsDisplayedAndErrorsKeepEarlierOutputs() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    #expect(session.run(cell("1 + 1")).outputs == [.text("2\n")])
    let result = session.run(cell("print('before')\n1 / 0"))
    #expect(result.outputs == [.text("before\n")])
    #expect(result.error?.message == "division by zero")
    #expect(result.error?.line == 11)
}

@Test func oversizedSourceIsRefused() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let big = String(repeating: "x = 1\n", count: Session.maxSourceBytes / 6 + 10)
    let result = session.run(cell(big))
    #expect(result.error?.message.contains("the limit is") == true)
}

@Test func deepRecursionInUserCodeIsAnError() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let result = session.run(cell("def f(n):\n    return f(n + 1)\nf(0)"))
    #expect(result.error?.message.hasPrefix("maximum recursion depth exceeded") == true)
}

@Test func hundredThousandParenthesesAreAnError() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let code = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let result = session.run(cell(code))
    #expect(result.error?.message.hasPrefix("too many nested parentheses") == true)
}

@Test func moduleBaseClassIsReadOnly() throws {
    let session = try Session(options: SessionOptions(notebookDirectory: "."))
    let result = session.run(cell("Module.x = 1"))
    #expect(result.error?.message == "cannot set attribute 'x' of the built-in class 'Module'")
}

@Test func classesWithMethodsAreFreedWhenRebound() throws {
    // A method refers back to its class for `super()`; if that reference were strong, each
    // class below would stay alive with its 4 MB attribute and the third would exceed the cap.
    var options = SessionOptions(notebookDirectory: ".")
    options.maxTensorBytes = 10 << 20
    let session = try Session(options: options)
    let result = session.run(cell("""
        for i in range(6):
            class N:
                big = zeros(1000000)
                def m(self):
                    return super().__init__ is not None
            N().m()
        print('done')
        """))
    #expect(result.error == nil)
    #expect(result.outputs == [.text("done\n")])
}
