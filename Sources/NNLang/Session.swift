/// One notebook run: the global scope shared by its cells, the random generator,
/// the limits and the output sink. (Skeleton stub — replaced by the interpreter.)
public final class Session {
    public let options: SessionOptions
    /// Called with progress events from `progress()`; the notebook layer draws bars on stderr.
    public var progressHandler: ((ProgressEvent) -> Void)?

    public init(options: SessionOptions) throws {
        self.options = options
    }

    /// Reseeds the random generator (cell option `seed=N`).
    public func manualSeed(_ seed: Int) {}

    /// Runs one cell in the shared global scope.
    public func run(_ cell: CellSource, timeout: Double? = nil) -> CellResult {
        CellResult(outputs: [.text(cell.code + "\n")], error: nil)
    }
}

/// A `progress(iterable)` update: `label`, items done, total items.
public struct ProgressEvent: Sendable {
    public var label: String
    public var done: Int
    public var total: Int
    public init(label: String, done: Int, total: Int) {
        self.label = label
        self.done = done
        self.total = total
    }
}
