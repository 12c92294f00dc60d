import NNLang

/// What runs a notebook's cells: the language's `Session` in nbrun, a scripted stand-in
/// in tests. One executor per notebook run, holding that notebook's global scope.
public protocol CellExecutor: AnyObject {
    /// Called with `progress()` updates while a cell runs.
    var progressHandler: ((ProgressEvent) -> Void)? { get set }
    /// Reseeds the random generator (cell option `seed=N`).
    func manualSeed(_ seed: Int)
    /// Runs one cell in the notebook's shared scope.
    func run(_ cell: CellSource, timeout: Double?) -> CellResult
}

extension Session: CellExecutor {}

/// Makes the executor of one notebook run from its settings.
public typealias CellExecutorFactory = (SessionOptions) throws -> CellExecutor
