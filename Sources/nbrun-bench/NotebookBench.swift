import Foundation
import Notebook

/// Runner benchmark: start-up plus rendering of a one-cell notebook by the `nbrun`
/// binary built beside this one (target ≤ 20 ms; `jupyter nbconvert --execute` of a
/// 2-cell notebook takes 1.8 s here), and the in-process parse + run + splice time.
func notebookBenchmark() {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let notebook = folder.appendingPathComponent("one.md")
    let text = "# One cell\n\n```nn\nx = 2\nprint(x * 21)\n```\n\nEnd.\n"
    try? Data(text.utf8).write(to: notebook)

    print("| measurement | median | min | runs |")
    print("| --- | ---: | ---: | ---: |")
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("nbrun")
    if FileManager.default.isExecutableFile(atPath: binary.path) {
        var cpu: [Double] = []
        let times = (0..<30).map { _ in
            let before = childCPUMilliseconds()
            let wall = timed { spawnAndWait(binary.path, [notebook.path]) }
            cpu.append(childCPUMilliseconds() - before)
            return wall
        }
        report("nbrun one-cell notebook, wall time (process start to exit)", times)
        // CPU time is what the run costs on an idle machine; wall time grows when other jobs share the 2 cores.
        report("nbrun one-cell notebook, CPU time (user + system)", cpu)
    } else {
        print("| nbrun binary not found beside nbrun-bench | | | |")
    }

    let bytes = Array(text.utf8)
    let inProcess = (0..<200).map { _ in
        timed {
            guard let parsed = try? NotebookRunner.parse(bytes, path: notebook.path) else { return }
            _ = try? NotebookRunner.run(parsed, path: notebook.path, settings: RunSettings())
        }
    }
    report("parse + run + render in process", inProcess)

    // A larger document: the cost of cmark parsing and splicing alone (cells not run).
    let big = String(repeating: "Some *prose* with `code`.\n\n- a list\n- items\n\n```nn eval=false\nx = 1\n```\n\n", count: 500)
    let bigBytes = Array(big.utf8)
    let spliceOnly = (0..<20).map { _ in
        timed {
            guard let parsed = try? NotebookRunner.parse(bigBytes, path: notebook.path) else { return }
            _ = try? NotebookRunner.run(parsed, path: notebook.path, settings: RunSettings())
        }
    }
    report("parse + splice, 500 cells not run (\(bigBytes.count / 1024) KiB)", spliceOnly)
}

private func timed(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

private func report(_ name: String, _ milliseconds: [Double]) {
    let sorted = milliseconds.sorted()
    let median = sorted[sorted.count / 2]
    print("| \(name) | " + String(format: "%.2f ms | %.2f ms", median, sorted[0]) + " | \(sorted.count) |")
}

/// posix_spawn + waitpid: Foundation's `Process.waitUntilExit` polls and adds ~35 ms here.
private func spawnAndWait(_ path: String, _ arguments: [String]) {
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { return }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
}

private func childCPUMilliseconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func ms(_ time: timeval) -> Double { Double(time.tv_sec) * 1e3 + Double(time.tv_usec) / 1e3 }
    return ms(usage.ru_utime) + ms(usage.ru_stime)
}
