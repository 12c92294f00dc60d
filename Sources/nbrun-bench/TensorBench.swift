// Tensor and autograd benchmarks: the cost of small recorded ops and of a tight training
// step. Compare with `python3 benchmarks/tensor_ref.py` (PyTorch, same machine, same run).
import Autograd
import Foundation
import NNLang
import Tensor

/// This thread's CPU time in seconds: steadier than wall time on a shared machine, and
/// right for single-threaded work (tensor_ref.py measures PyTorch the same way).
private func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func processCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Seconds per call of `body`, best of `repeats` runs of `iterations` calls.
private func timePerCall(iterations: Int, repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = threadCPUTime()
        for _ in 0..<iterations { try body() }
        let elapsed = threadCPUTime() - start
        best = min(best, elapsed / Double(iterations))
    }
    return best
}

private func row(_ name: String, _ seconds: Double, unit: String = "us") {
    let value = unit == "us" ? seconds * 1e6 : seconds * 1e3
    print("| \(name) | \(String(format: "%.3f", value)) \(unit) |")
}

func tensorBenchmarks() {
    do {
        let g = Generator(seed: 0)
        // `NBRUN_PROFILE=add` spins on one recorded add, for `perf record`.
        if ProcessInfo.processInfo.environment["NBRUN_PROFILE"] == "interp" {
            interpretedSmallOp()
            return
        }
        if let mode = ProcessInfo.processInfo.environment["NBRUN_PROFILE"] {
            let p = try Tensor(g.randn([4]), requiresGrad: mode == "add")
            let n = Int(ProcessInfo.processInfo.environment["NBRUN_PROFILE_N"] ?? "") ?? 5_000_000
            if mode == "exp" {
                let big = try Tensor(g.randn([1_000_000]))
                for _ in 0..<n { _ = try big.tanh() }
            }
            for _ in 0..<n { _ = try p + p }
            return
        }
        let x = try Tensor(g.randn([4]), requiresGrad: true)
        let y = try Tensor(g.randn([4]), requiresGrad: true)
        let c = try Tensor(g.randn([4]))
        print("| benchmark | time |")
        print("|---|---|")
        row("add, 4 elements, no grad", try timePerCall(iterations: 200_000) { _ = try c + c })
        row("add, 4 elements, requires_grad", try timePerCall(iterations: 200_000) { _ = try x + y })
        row("mul, 4 elements, requires_grad", try timePerCall(iterations: 200_000) { _ = try x * y })
        row("relu, 4 elements, requires_grad", try timePerCall(iterations: 200_000) { _ = try x.relu() })

        let w = try Tensor(g.randn([4]), requiresGrad: true)
        let b = try Tensor(g.randn([4]), requiresGrad: true)
        let data = try Tensor(g.randn([4]))
        let step = try timePerCall(iterations: 20_000, repeats: 3) {
            try (data * w + b).relu().sum().backward()
        }
        row("(x*w+b).relu().sum().backward() x 20000", step * 20_000, unit: "ms")

        let big = try Tensor(g.randn([1_000_000]))
        row("add, 1M elements float32", try timePerCall(iterations: 200) { _ = try big + big }, unit: "ms")
        row("sum, 1M elements float32", try timePerCall(iterations: 200) { _ = try big.sum() }, unit: "ms")
        row("exp, 1M elements float32", try timePerCall(iterations: 50) { _ = try big.exp() }, unit: "ms")
        row("tanh, 1M elements float32", try timePerCall(iterations: 50) { _ = try big.tanh() }, unit: "ms")
        row("sigmoid, 1M elements float32", try timePerCall(iterations: 50) { _ = try big.sigmoid() }, unit: "ms")
        let rows = try Tensor(g.randn([1000, 64]))
        row("softmax(dim=1), 1000x64 float32", try timePerCall(iterations: 200) { _ = try rows.softmax(dim: 1) }, unit: "ms")
        interpretedSmallOp()
    } catch {
        print("tensor benchmark failed: \(error)")
    }
}

/// The 4-element recorded add as the interpreter runs it (`z = x + y` in a 100,000-iteration
/// loop), minus the same loop assigning an int: the op's cost including the interpreter's
/// call (issue 3's target: under 0.5 µs). Process CPU time of `Session.run` (the session
/// may run cells on a thread of its own), best of 5.
private func interpretedSmallOp() {
    func best(_ code: String) -> Double? {
        var result = Double.infinity
        for _ in 0..<5 {
            guard let session = try? Session(options: SessionOptions(notebookDirectory: ".")) else { return nil }
            let lines = code.split(separator: "\n").count
            let cell = CellSource(code: code, fileLines: Array(1...lines), columnOffsets: Array(repeating: 0, count: lines),
                                  name: "small-op")
            let start = processCPUTime()
            let run = session.run(cell)
            if run.error != nil { return nil }
            result = min(result, processCPUTime() - start)
        }
        return result
    }
    let setup = "x = randn(4, requires_grad=True)\ny = randn(4, requires_grad=True)\n"
    guard let op = best(setup + "for i in range(100000):\n    z = x + y\n"),
          let loop = best(setup + "for i in range(100000):\n    z = i\n") else {
        print("| add via the interpreter | failed |")
        return
    }
    row("add via the interpreter, 4 elements, requires_grad (loop subtracted)", (op - loop) / 100_000)
    row("add via the interpreter, 4 elements, requires_grad (with loop)", op / 100_000)
}
