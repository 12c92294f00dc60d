import Foundation
import Tensor

/// One notebook run: the global scope shared by its cells, the random generator,
/// the limits and the output sink. Cells run in document order with `run(_:)`.
///
/// ```swift
/// let session = try Session(options: SessionOptions(notebookDirectory: "notebooks"))
/// let result = session.run(CellSource(code: "print(1 + 1)", fileLines: [3], columnOffsets: [0], name: "cell 1"))
/// // result.outputs == [.text("2\n")]
/// ```
public final class Session {
    public let options: SessionOptions
    /// Called with progress events from `progress()`; the notebook layer draws bars on stderr.
    public var progressHandler: ((ProgressEvent) -> Void)?
    /// Largest accepted cell source, in bytes.
    public static let maxSourceBytes = 1 << 20
    /// Stack size of the thread cells run on: deep enough for the recursion limit
    /// whatever thread the caller is on.
    static let cellStackBytes = 512 << 20

    private var interpreter: Interpreter!
    /// The seed of the session's random generator (0 at the start of each notebook).
    public private(set) var seed: Int = 0

    public init(options: SessionOptions) throws {
        self.options = options
        interpreter = Interpreter(session: self, library: .standard)
        for (name, text) in options.parameters {
            interpreter.globals.define(name, try parameterValue(name: name, text))
        }
    }

    deinit {
        // Functions close over frames that may hold them: drop the globals to break cycles.
        interpreter?.globals.clear()
    }

    /// A `-P name=value` parameter: the value is read as an nn literal (`0.05`, `200`,
    /// `'adam'`, `[16, 16]`); anything that is not a valid expression is taken as a string.
    private func parameterValue(name: String, _ text: String) throws -> Value {
        let map = LocationMap(fileLines: [1], columnOffsets: [0])
        guard let statements = try? Parser.parseProgram(text, map: map), statements.count == 1,
            case .expression = statements[0]
        else { return .str(text) }
        let resolver = Resolver(globals: interpreter.globals)
        guard let nodes = try? resolver.resolveCell(statements), let node = nodes.first as? DisplayStmt else {
            return .str(text)
        }
        // Any expression parses, so a runaway one (`-P 'a=[i for i in range(10**12)]'`, found
        // by the cli fuzzer) gets a cell's time limit and memory budget.
        let rt = interpreter!
        let seconds = options.cellTimeout > 0 ? min(options.cellTimeout, 1e9) : 60
        rt.deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        defer { rt.deadline = 0 }
        guard let value = try? memoryBudget.withInstalled({ try node.expression.eval(rt.moduleFrame, rt) }) else {
            return .str(text)
        }
        return value
    }

    /// Reseeds the random generator (cell option `seed=N`, `manual_seed(n)`).
    public func manualSeed(_ seed: Int) {
        self.seed = seed
        interpreter.generator.reseed(UInt64(bitPattern: Int64(seed)))
    }

    /// Caps the bytes of live tensors created by this notebook's cells.
    private lazy var memoryBudget = MemoryBudget(limit: options.maxTensorBytes)

    /// Runs one cell in the shared global scope. Never throws: errors (syntax, runtime,
    /// time limit) come back in `CellResult.error`, with the outputs produced before them.
    public func run(_ cell: CellSource, timeout: Double? = nil) -> CellResult {
        let result = CellResultSlot()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            result.value = runOnCurrentThread(cell, timeout: timeout ?? options.cellTimeout)
            done.signal()
        }
        thread.stackSize = Session.cellStackBytes
        thread.start()
        done.wait()
        return result.value
    }

    private func diagnostic(_ message: String, _ location: SourceLocation?, _ cell: CellSource,
                            callers: [SourceLocation] = []) -> Diagnostic {
        if let loc = location, loc.line > 0 {
            return Diagnostic(line: Int(loc.line), column: Int(loc.column), message: message,
                              notes: Diagnostic.callerNotes(callers))
        }
        return Diagnostic(line: cell.fileLines.first ?? 1, column: (cell.columnOffsets.first ?? 0) + 1, message: message)
    }

    private func runOnCurrentThread(_ cell: CellSource, timeout: Double) -> CellResult {
        let rt = interpreter!
        rt.outputs = []
        rt.outputBytes = 0
        rt.callDepth = 0
        rt.unpinFunctions()
        if cell.code.utf8.count > Session.maxSourceBytes {
            return CellResult(outputs: [], error: diagnostic(
                "cell source is \(cell.code.utf8.count) bytes; the limit is \(Session.maxSourceBytes) bytes", nil, cell))
        }
        let map = LocationMap(fileLines: cell.fileLines, columnOffsets: cell.columnOffsets)
        let statements: [StmtNode]
        do {
            let ast = try Parser.parseProgram(cell.code, map: map)
            statements = try Resolver(globals: rt.globals).resolveCell(ast)
        } catch let e as LangError {
            return CellResult(outputs: [], error: diagnostic(e.message, e.location, cell))
        } catch {
            return CellResult(outputs: [], error: diagnostic("\(error)", nil, cell))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        rt.deadline = timeout > 0 ? start + UInt64(min(timeout, 1e9) * 1e9) : 0
        var current: StmtNode?
        do {
            try memoryBudget.withInstalled {
                for statement in statements {
                    current = statement
                    _ = try statement.exec(rt.moduleFrame, rt)
                }
            }
        } catch let e as LangError {
            return CellResult(outputs: rt.outputs, error: diagnostic(e.message, e.location ?? current?.location, cell,
                                                                     callers: e.callers))
        } catch let signal as TimeoutSignal {
            if let message = signal.message {
                return CellResult(outputs: rt.outputs, error: diagnostic(message, current?.location, cell))
            }
            let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : pythonFloatRepr(timeout)
            return CellResult(outputs: rt.outputs, error: diagnostic(
                "cell exceeded its time limit of \(seconds) s (set timeout= on the cell or --timeout)", current?.location, cell))
        } catch {
            let message = (languageError(error) as? LangError)?.message ?? "\(error)"
            return CellResult(outputs: rt.outputs, error: diagnostic(message, current?.location, cell))
        }
        return CellResult(outputs: rt.outputs, error: nil)
    }
}

/// The cell thread's result, handed back through `Session.run`'s semaphore (which orders the
/// write before the read).
private final class CellResultSlot: @unchecked Sendable {
    var value = CellResult(outputs: [], error: nil)
}
