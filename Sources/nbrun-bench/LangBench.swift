import Foundation
import NNLang

/// The nn interpreter on two CPython-style micro benchmarks: a 1,000,000-iteration
/// accumulation loop and a call-heavy `fib(25)`. `benchmarks/lang_ref.sh` runs the same
/// programs under CPython 3.11 in the same run and prints the ratios.
let languagePrograms: [(name: String, code: String)] = [
    ("loop_1e6", "s = 0\nfor i in range(1000000):\n    s = s + i\n"),
    ("fib_25", "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(25)\n"),
    ("loop_in_function_1e6", "def f():\n    s = 0\n    for i in range(1000000):\n        s = s + i\n    return s\nf()\n"),
    ("list_comprehension_1e5", "xs = [i * 2 for i in range(100000) if i % 3 == 0]\n"),
    ("method_calls_1e5", "class C:\n    def __init__(self):\n        self.n = 0\n    def inc(self, k):\n        self.n = self.n + k\nc = C()\nfor i in range(100000):\n    c.inc(1)\n"),
]

func languageBenchmark() {
    // Start-up: the first Session builds the shared binding table (parsing every signature).
    var start = DispatchTime.now().uptimeNanoseconds
    _ = try? Session(options: SessionOptions(notebookDirectory: "."))
    let first = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<20 { _ = try? Session(options: SessionOptions(notebookDirectory: ".")) }
    let later = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / 20
    print("session start-up: first \(String(format: "%.2f", first)) ms (builds the binding table), later \(String(format: "%.3f", later)) ms")
    print("")
    print("| program | nn best of 5 (ms) |")
    print("|---|---:|")
    let only = ProcessInfo.processInfo.environment["NN_BENCH_ONLY"]
    for (name, code) in languagePrograms where only == nil || only == name {
        var best = Double.infinity
        for _ in 0..<5 {
            guard let session = try? Session(options: SessionOptions(notebookDirectory: ".")) else { return }
            let cell = CellSource(code: code, fileLines: Array(1...code.split(separator: "\n").count),
                                  columnOffsets: Array(repeating: 0, count: code.split(separator: "\n").count), name: name)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = session.run(cell)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if let e = result.error { print("error in \(name): \(e.message)"); return }
            best = min(best, elapsed)
        }
        print("| \(name) | \(String(format: "%.2f", best)) |")
    }
}
