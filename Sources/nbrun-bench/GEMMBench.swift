// float32 GEMM throughput: C = A·B for square n×n matrices on 1 and 2 threads.
// benchmarks/gemm_ref.py runs this binary, parses the table, and prints ratios to
// NumPy/OpenBLAS and PyTorch measured in the same run.
import Foundation
import Tensor

/// With GEMM_CLOCK=cpu, time is the process's CPU time (summed over threads) — steadier
/// than wall time for tuning single-threaded code while other jobs share the cores.
private let useCPUClock = ProcessInfo.processInfo.environment["GEMM_CLOCK"] == "cpu"

private func nowSeconds() -> Double {
    if useCPUClock {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// Best-of-several time of `body`, repeated until each sample lasts ≥ 50 ms.
private func bestSeconds(_ body: () -> Void) -> Double {
    body()  // warm-up: page in buffers, grow the allocator
    var repeats = 1
    while true {
        let start = nowSeconds()
        for _ in 0..<repeats { body() }
        if nowSeconds() - start >= 0.05 { break }
        repeats *= 2
    }
    var best = Double.infinity
    for _ in 0..<5 {
        let start = nowSeconds()
        for _ in 0..<repeats { body() }
        best = min(best, (nowSeconds() - start) / Double(repeats))
    }
    return best
}

/// The integers of a comma-separated environment variable (`GEMM_SIZES=256,1024`), or `fallback`.
private func environmentIntegers(_ name: String, or fallback: [Int]) -> [Int] {
    ProcessInfo.processInfo.environment[name].map { $0.split(separator: ",").compactMap { Int($0) } } ?? fallback
}

func gemmBenchmark() {
    if ProcessInfo.processInfo.environment["GEMM_TINY"] == "1" { gemmTinyBenchmark() }
    let sizes = environmentIntegers("GEMM_SIZES", or: [64, 128, 256, 512, 1024, 2048])
    let threadCounts = environmentIntegers("GEMM_THREADS", or: [1, 2])
    print("| n |" + threadCounts.map { " \($0) thread\($0 == 1 ? "" : "s") GFLOPS |" }.joined())
    print("|---:|" + String(repeating: "---:|", count: threadCounts.count))
    for n in sizes {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(n * n) {
            a[i] = Float(i % 17) * 0.01 - 0.08
            b[i] = Float(i % 13) * 0.01 - 0.06
        }
        var row = "| \(n) |"
        for threads in threadCounts {
            let seconds = bestSeconds {
                gemm(transA: false, transB: false, m: n, n: n, k: n,
                     a: a, lda: n, b: b, ldb: n, c: c, ldc: n, accumulate: false, threads: threads)
            }
            row += String(format: " %.1f |", 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9)
        }
        print(row)
    }
}

/// Nanoseconds per call for tiny products (GEMM_TINY=1): where reading in place beats packing.
private func gemmTinyBenchmark() {
    for n in [2, 4, 8, 12, 16, 24, 32, 48, 64] {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n); a.initialize(repeating: 0.5, count: n * n)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * n); b.initialize(repeating: 0.25, count: n * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let seconds = bestSeconds {
            gemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n,
                 accumulate: false, threads: 1)
        }
        print("tiny n=\(n): \(String(format: "%.0f", seconds * 1e9)) ns, \(String(format: "%.1f", 2 * Double(n * n * n) / seconds / 1e9)) GFLOPS")
    }
}
