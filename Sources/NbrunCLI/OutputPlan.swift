import Foundation

/// Which notebook is written where, checked before anything runs: a notebook named twice
/// (or through a symbolic link) is rendered once, so `-j` never has two jobs writing the
/// same file; two notebooks whose outputs would land on the same file, or an output that
/// would replace a notebook of the run, are refused (exit 2).
struct OutputPlan {
    struct Job {
        var input: String
        var target: OutputTarget
    }

    private(set) var jobs: [Job] = []
    /// Inputs dropped because the same file was already in the run.
    private(set) var repeatedInputs: [String] = []
    /// `path: error: ...` lines, one per conflict.
    private(set) var conflicts: [String] = []

    /// `writes` is false for `--check` (nothing is written, so nothing can collide).
    init(inputs: [String], writes: Bool, inPlace: Bool, target: (String) -> OutputTarget) {
        let notebookFiles = Dictionary(inputs.map { (Self.canonicalPath($0), $0) }, uniquingKeysWith: { first, _ in first })
        var seenInputs = Set<String>()
        var writers: [String: String] = [:]
        for input in inputs {
            let key = Self.canonicalPath(input)
            guard seenInputs.insert(key).inserted else {
                repeatedInputs.append(input)
                continue
            }
            let output = target(input)
            jobs.append(Job(input: input, target: output))
            guard writes, case .file(let outputPath) = output else { continue }
            let outputKey = Self.canonicalPath(outputPath)
            if let notebook = notebookFiles[outputKey] {
                if outputKey == key {
                    // --in-place targets the notebook by design.
                    if !inPlace {
                        conflicts.append("\(input): error: the output would overwrite the notebook (use --in-place for that)\n")
                    }
                } else {
                    conflicts.append("\(input): error: the output \(outputPath) would overwrite the notebook \(notebook)\n")
                }
            }
            if let other = writers[outputKey] {
                conflicts.append("\(input): error: \(other) and \(input) would both be written to \(outputPath)\n")
            } else {
                writers[outputKey] = input
            }
        }
    }

    /// The absolute path with symbolic links resolved (of the folder when the file does not exist yet).
    static func canonicalPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if let real = realPath(absolute) { return real }
        let folder = (absolute as NSString).deletingLastPathComponent
        if let realFolder = realPath(folder) {
            return (realFolder as NSString).appendingPathComponent((absolute as NSString).lastPathComponent)
        }
        return absolute
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
