import Foundation
import NNLang

/// Settings of one `nbrun` render.
public struct RunSettings: Sendable {
    public var mode: RenderMode = .handout
    /// The per-cell time limit when a cell sets no `timeout=`.
    public var defaultTimeout: Double = 60
    /// Cap on a notebook's live tensor bytes (and on any one list, tuple or string).
    public var maxTensorBytes: Int = 4 << 30
    /// Cap on the process's resident memory, checked while cells run.
    public var maxResidentBytes: Int = SessionOptions(notebookDirectory: "").maxResidentBytes
    /// Run the cells after an unexpected error too.
    public var keepGoing = false
    /// `-P name=value` parameters (they override the front matter's `params:`).
    public var parameters: [(name: String, value: String)] = []
    /// The rendered file's name, used in the locations of rendered errors (whose line
    /// numbers are the rendered file's). Default: the notebook's own file name.
    public var outputName: String?
    /// Where files being written are registered, so that an interrupted run removes them
    /// (nbrun's signal handler); also used for the files cells write with `save`.
    public var temporaryFiles: TemporaryFiles?
    public init() {}
}

/// Hooks for progress display; all optional. Called on the thread running the notebook.
public struct RunObserver {
    public var cellStarted: ((_ index: Int, _ total: Int, _ label: String) -> Void)?
    public var cellFinished: ((_ index: Int, _ total: Int, _ label: String, _ seconds: Double) -> Void)?
    public var progress: ((ProgressEvent) -> Void)?
    public init() {}
}

/// A rendered notebook and what went wrong while running it.
public struct NotebookRun: Sendable {
    /// The rendered Markdown.
    public var rendered: [UInt8]
    /// 0-based line ranges of `rendered` that `--check` does not compare (`check=false` regions).
    public var uncheckedLines: [Range<Int>]
    /// Unexpected cell errors (exit status 1), located in the Markdown file.
    public var diagnostics: [NotebookDiagnostic]
    public var failed: Bool { !diagnostics.isEmpty }
}

/// Reads, runs and renders notebooks: the notebook layer's entry point.
///
/// ```swift
/// let notebook = try NotebookRunner.parse(bytes, path: "mlp.md")
/// let run = try NotebookRunner.run(notebook, path: "mlp.md", settings: RunSettings())
/// try AtomicFile.write(run.rendered, to: "mlp.out.md")
/// ```
public enum NotebookRunner {
    /// Finds cells, options and parameters; an invalid notebook throws `InvalidNotebook`.
    public static func parse(_ bytes: [UInt8], path: String) throws -> ParsedNotebook {
        let source = MarkdownSource(bytes: bytes)
        do {
            let parameters = try Parameters.fromFrontMatter(source)
            let cells = try CellFinder.findCells(in: source)
            return ParsedNotebook(source: source, cells: cells, parameters: parameters)
        } catch let error as LocatedError {
            throw InvalidNotebook([
                NotebookDiagnostic(
                    path: path, line: error.line, column: error.column, message: error.message,
                    sourceLine: source.lineText(error.line))
            ])
        }
    }

    /// Runs the cells in one new `Session` and renders the notebook. Stops at the first
    /// unexpected error unless `settings.keepGoing`; later cells then get no outputs.
    public static func run(
        _ notebook: ParsedNotebook, path: String, settings: RunSettings, observer: RunObserver = RunObserver(),
        executor makeExecutor: CellExecutorFactory = { try Session(options: $0) }
    ) throws -> NotebookRun {
        var sessionOptions = SessionOptions(notebookDirectory: directory(of: path))
        sessionOptions.cellTimeout = settings.defaultTimeout
        sessionOptions.maxTensorBytes = settings.maxTensorBytes
        sessionOptions.maxResidentBytes = settings.maxResidentBytes
        sessionOptions.parameters = Parameters.merged(notebook.parameters, overrides: settings.parameters)
        let temporaryFiles = settings.temporaryFiles
        sessionOptions.writeFile = { bytes, path in
            do {
                try AtomicFile.write(bytes, to: path, temporaryFiles: temporaryFiles)
            } catch {
                throw CellFileError(description: "cannot write '\((path as NSString).lastPathComponent)': \(error.localizedDescription)")
            }
        }
        let session: CellExecutor
        do {
            session = try makeExecutor(sessionOptions)
        } catch {
            throw InvalidNotebook([
                NotebookDiagnostic(
                    path: path, line: 1, column: 1, message: "cannot start the notebook: \(error)", sourceLine: "")
            ])
        }
        session.progressHandler = observer.progress

        let fileName = (path as NSString).lastPathComponent
        var renderings: [CellRendering?] = Array(repeating: nil, count: notebook.cells.count)
        var diagnostics: [NotebookDiagnostic] = []
        var stopped = false
        for cell in notebook.cells where cell.options.eval && !stopped {
            if let seed = cell.options.seed { session.manualSeed(seed) }
            observer.cellStarted?(cell.index, notebook.cells.count, cell.label)
            let started = DispatchTime.now().uptimeNanoseconds
            let result = session.run(
                CellSource(
                    code: cell.source.code, fileLines: cell.source.fileLines,
                    columnOffsets: cell.source.columnOffsets, name: cell.label),
                timeout: cell.options.timeout ?? settings.defaultTimeout)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            observer.cellFinished?(cell.index, notebook.cells.count, cell.label, seconds)

            var shownError: Diagnostic?
            var unexpected: Diagnostic?
            if let error = result.error {
                shownError = located(error, in: cell)
                if !cell.options.error { unexpected = shownError }
            } else if cell.options.error {
                // Not "cell N": a handout drops echo=false cells, so N would change on re-rendering.
                shownError = Diagnostic(
                    line: cell.openingLine, column: 1,
                    message: "\(cell.options.name ?? "this cell") was expected to fail (error=true) but ran without an error")
                unexpected = shownError
            }
            if let unexpected {
                diagnostics.append(
                    NotebookDiagnostic(
                        path: path, line: unexpected.line, column: unexpected.column,
                        message: unexpected.message, sourceLine: notebook.source.lineText(unexpected.line),
                        notes: unexpected.notes.map {
                            NotebookDiagnostic(path: path, line: $0.line, column: $0.column, message: $0.message,
                                               sourceLine: notebook.source.lineText($0.line))
                        }))
                stopped = !settings.keepGoing
            }
            renderings[cell.index] = CellRendering(outputs: result.outputs, error: shownError, failed: unexpected != nil)
        }
        let spliced = RegionSplicer.splice(
            notebook, renderings: renderings, mode: settings.mode,
            names: LocationNames(source: fileName, output: settings.outputName ?? fileName))
        return NotebookRun(rendered: spliced.bytes, uncheckedLines: spliced.uncheckedLines, diagnostics: diagnostics)
    }

    /// A diagnostic without a usable position points at the cell's opening fence.
    private static func located(_ error: Diagnostic, in cell: NotebookCell) -> Diagnostic {
        guard error.line >= 1 else { return Diagnostic(line: cell.openingLine, column: 1, message: error.message) }
        return Diagnostic(line: error.line, column: max(1, error.column), message: error.message, notes: error.notes)
    }

    private static func directory(of path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        return absolute.deletingLastPathComponent().path
    }
}

/// A file a cell asked for could not be written (the message names the file).
struct CellFileError: Error, CustomStringConvertible {
    var description: String
}
