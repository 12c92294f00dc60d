import Testing
import Tensor

// GEMM checks: results equal, to the bit, a naive triple loop that sums in the documented
// order (per depth block of `T.depthBlock`, a partial sum from zero in increasing k, added
// to C), for many shapes, transposes, padded leading dimensions and accumulation; and are
// the same bits on 1 and 2 threads.

/// A deterministic pseudo-random fill (a 64-bit LCG), values in about [-1, 1).
private func fill<T: BinaryFloatingPoint>(_ count: Int, seed: UInt64) -> [T] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return T(Double(state >> 40) / Double(1 << 23) - 1)
    }
}

/// Row-major storage for op(X) (rows×cols) with leading dimension padded by `pad`.
private struct Operand<T: BinaryFloatingPoint> {
    var storage: [T]
    var ld: Int
    var transposed: Bool
    func element(_ r: Int, _ c: Int) -> T { transposed ? storage[c * ld + r] : storage[r * ld + c] }

    init(rows: Int, cols: Int, transposed: Bool, pad: Int, seed: UInt64) {
        let storedRows = transposed ? cols : rows, storedCols = transposed ? rows : cols
        ld = storedCols + pad
        self.transposed = transposed
        storage = fill(max(1, storedRows * ld), seed: seed)
    }
}

/// The naive triple loop in the kernel's documented summation order.
private func orderedReference<T: GEMMScalar>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: [T], ldc: Int, accumulate: Bool
) -> [T] {
    var out = c
    for i in 0..<m {
        for j in 0..<n {
            if k == 0 {
                if !accumulate { out[i * ldc + j] = 0 }
                continue
            }
            var pc = 0
            while pc < k {
                var partial: T = 0
                for p in pc..<min(k, pc + T.depthBlock) {
                    partial = partial + a.element(i, p) * b.element(p, j)
                }
                out[i * ldc + j] = (accumulate || pc > 0) ? out[i * ldc + j] + partial : partial
                pc += T.depthBlock
            }
        }
    }
    return out
}

private func runGEMM<T: GEMMScalar>(
    _: T.Type, m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: [T], ldc: Int,
    accumulate: Bool, threads: Int
) -> [T] {
    var out = c
    a.storage.withUnsafeBufferPointer { ap in
        b.storage.withUnsafeBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { cp in
                if T.self == Float.self {
                    gemm(transA: a.transposed, transB: b.transposed, m: m, n: n, k: k,
                         a: UnsafeRawPointer(ap.baseAddress!).assumingMemoryBound(to: Float.self), lda: a.ld,
                         b: UnsafeRawPointer(bp.baseAddress!).assumingMemoryBound(to: Float.self), ldb: b.ld,
                         c: UnsafeMutableRawPointer(cp.baseAddress!).assumingMemoryBound(to: Float.self), ldc: ldc,
                         accumulate: accumulate, threads: threads)
                } else {
                    gemm(transA: a.transposed, transB: b.transposed, m: m, n: n, k: k,
                         a: UnsafeRawPointer(ap.baseAddress!).assumingMemoryBound(to: Double.self), lda: a.ld,
                         b: UnsafeRawPointer(bp.baseAddress!).assumingMemoryBound(to: Double.self), ldb: b.ld,
                         c: UnsafeMutableRawPointer(cp.baseAddress!).assumingMemoryBound(to: Double.self), ldc: ldc,
                         accumulate: accumulate, threads: threads)
                }
            }
        }
    }
    return out
}

private let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (4, 3, 2), (3, 4, 5), (2, 1, 7), (1, 17, 3), (7, 13, 17), (16, 16, 16),
    (6, 16, 40), (64, 64, 64), (65, 33, 129), (97, 50, 31), (13, 200, 70), (100, 37, 600),
    (30, 40, 1100), (5, 3, 0),
]

private func checkShapes<T: GEMMScalar>(_ type: T.Type) {
    var seed: UInt64 = 1
    for (m, n, k) in shapes {
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            for (pad, accumulate) in [(0, false), (3, true)] {
                seed += 1
                let a = Operand<T>(rows: m, cols: k, transposed: transA, pad: pad, seed: seed)
                let b = Operand<T>(rows: k, cols: n, transposed: transB, pad: pad, seed: seed + 1000)
                let ldc = n + pad
                let c: [T] = fill(m * ldc, seed: seed + 2000)
                let expected = orderedReference(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate)
                let got = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, threads: 2)
                let same = zip(expected, got).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(T.self) m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) pad=\(pad) acc=\(accumulate)")
                // Independent of the ordered reference: close to a float64 product.
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = accumulate ? Double(c[i * ldc + j]) : 0
                        for p in 0..<k { sum += Double(a.element(i, p)) * Double(b.element(p, j)) }
                        worst = max(worst, abs(sum - Double(got[i * ldc + j])))
                    }
                }
                let tolerance = T.self == Float.self ? 1e-4 * Double(k + 1) : 1e-12 * Double(k + 1)
                #expect(worst <= tolerance, "\(T.self) m=\(m) n=\(n) k=\(k): error \(worst)")
            }
        }
    }
}

@Test func gemmFloatMatchesNaiveLoop() { checkShapes(Float.self) }
@Test func gemmDoubleMatchesNaiveLoop() { checkShapes(Double.self) }

private extension BinaryFloatingPoint {
    var bitPattern: UInt64 {
        if let f = self as? Float { return UInt64(f.bitPattern) }
        return (self as! Double).bitPattern
    }
}

private func checkThreadsAgree<T: GEMMScalar>(_ type: T.Type) {
    for (m, n, k) in [(300, 200, 700), (130, 517, 260), (257, 255, 1030)] {
        for (transA, transB) in [(false, false), (true, true)] {
            let a = Operand<T>(rows: m, cols: k, transposed: transA, pad: 1, seed: 7)
            let b = Operand<T>(rows: k, cols: n, transposed: transB, pad: 2, seed: 8)
            let c: [T] = fill(m * n, seed: 9)
            let one = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 1)
            let two = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 2)
            let three = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 3)
            #expect(zip(one, two).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(T.self) \(m)×\(n)×\(k)")
            #expect(zip(one, three).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(T.self) \(m)×\(n)×\(k)")
        }
    }
}

@Test func gemmFloatSameBitsOnAnyThreadCount() { checkThreadsAgree(Float.self) }
@Test func gemmDoubleSameBitsOnAnyThreadCount() { checkThreadsAgree(Double.self) }
