import Foundation
import Notebook

enum OutputTarget {
    case file(String)
    case standardOutput
}

/// Renders (or checks) one notebook and reports on the console; returns its exit status.
struct NotebookJob {
    var settings: RunSettings
    var check: Bool
    var tolerance: OutputComparison.Tolerance
    var console: Console

    /// `notes/mlp.md` → `notes/mlp.out.md`.
    static func defaultOutputPath(for path: String) -> String {
        path.hasSuffix(".md") ? String(path.dropLast(3)) + ".out.md" : path + ".out.md"
    }

    func render(_ path: String, to target: OutputTarget) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            console.error("\(path): error: cannot read the notebook\n")
            return 2
        }
        var settings = self.settings
        if case .file(let outputPath) = target { settings.outputName = (outputPath as NSString).lastPathComponent }
        let run: NotebookRun
        do {
            let notebook = try NotebookRunner.parse(Array(data), path: path)
            run = try NotebookRunner.run(
                notebook, path: path, settings: settings, observer: console.observer(for: path))
            console.finishProgress()
        } catch let invalid as InvalidNotebook {
            console.finishProgress()
            console.error(invalid.diagnostics.map(\.formatted).joined())
            return 2
        } catch {
            console.finishProgress()
            console.error("\(path): error: \(error)\n")
            return 2
        }
        console.error(run.diagnostics.map(\.formatted).joined())
        var status: Int32 = run.failed ? 1 : 0

        switch target {
        case .standardOutput:
            console.output(run.rendered)
        case .file(let outputPath):
            if check {
                guard let existing = FileManager.default.contents(atPath: outputPath) else {
                    console.error("\(outputPath): error: no rendered output to compare with (run nbrun without --check first)\n")
                    return 1
                }
                if let diff = OutputComparison.difference(
                    rendered: run, existing: Array(existing), tolerance: tolerance, existingName: outputPath)
                {
                    console.output(Array(diff.utf8))
                    status = 1
                }
            } else if settings.mode == .inPlace {
                if Array(data) == run.rendered { break }  // nothing changed: leave the file (and its time stamp) alone
                // The notebook's own file (through a symbolic link too), and only if nobody
                // edited it while the cells ran: those edits must not be lost.
                let real = OutputPlan.canonicalPath(path)
                guard FileManager.default.contents(atPath: real) == data else {
                    console.error("\(path): error: the notebook changed while it ran; it was not overwritten (run nbrun again)\n")
                    return 2
                }
                if let failure = write(run.rendered, to: real) {
                    console.error("\(path): error: cannot write: \(failure)\n")
                    return 2
                }
            } else {
                let folder = URL(fileURLWithPath: outputPath).deletingLastPathComponent()
                let created: Void? = try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                if let failure = created == nil ? "cannot create the folder \(folder.path)" : write(run.rendered, to: outputPath) {
                    console.error("\(outputPath): error: cannot write: \(failure)\n")
                    return 2
                }
            }
        }
        return status
    }

    /// Writes atomically; returns why it failed, if it did.
    private func write(_ bytes: [UInt8], to path: String) -> String? {
        do {
            try AtomicFile.write(bytes, to: path, temporaryFiles: settings.temporaryFiles)
            return nil
        } catch {
            return error.localizedDescription
        }
    }
}

/// Runs `count` jobs on up to `width` threads; results in job order.
enum ParallelJobs {
    /// The shared queue position and results, behind one lock.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var results: [Int32]
        init(count: Int) { results = Array(repeating: 0, count: count) }

        func take() -> Int {
            lock.lock()
            defer { lock.unlock() }
            next += 1
            return next - 1
        }

        func record(_ status: Int32, at index: Int) {
            lock.lock()
            defer { lock.unlock() }
            results[index] = status
        }
    }

    static func run(count: Int, width: Int, _ job: @escaping (Int) -> Int32) -> [Int32] {
        guard width > 1, count > 1 else { return (0..<count).map(job) }
        let state = State(count: count)
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            // Threads of their own: a cell may run for minutes, and each notebook has its own Session.
            let thread = Thread {
                while case let index = state.take(), index < count {
                    state.record(job(index), at: index)
                }
                group.leave()
            }
            thread.stackSize = 64 << 20
            thread.start()
        }
        group.wait()
        return state.results
    }
}
