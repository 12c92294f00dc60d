import Testing
import Foundation
import Tensor

// GEMM checks: results equal, to the bit, a naive triple loop that sums in the documented
// order (per depth block of `T.depthBlock`, a partial sum from zero accumulated in
// increasing k by fused multiply-adds, added to C), for many shapes, transposes, padded leading dimensions and accumulation; and are
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
                    partial = partial.addingProduct(a.element(i, p), b.element(p, j))  // one rounding
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
    (30, 40, 1100), (5, 3, 0), (32, 32, 32), (16, 16, 128),
    // Above 32³ multiply-adds: the packed path, with edge tiles in both directions.
    (33, 32, 32), (8, 32, 200), (9, 33, 129), (128, 128, 64),
    // At most 4 columns: SIMD lanes over rows (64-row tiles, partial tiles, two depth blocks).
    (1000, 1, 64), (64, 2, 1000), (130, 3, 700), (70, 4, 40), (200, 1, 30), (3, 2, 5000),
    (67, 35, 700), (150, 150, 70), (7, 1000, 300), (1000, 5, 300), (1, 3000, 600),
    // Several depth blocks times several column blocks (NC = 512 floats, 256 doubles): the
    // packed A of a depth block is reused by every column block; odd edges everywhere.
    (21, 1061, 1031),
]

private func checkShapes<T: GEMMScalar>(_ type: T.Type) {
    var seed: UInt64 = 1
    for (m, n, k) in shapes {
        let large = m * n * k > 200_000
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            for (pad, accumulate) in [(0, false), (3, true)] {
                seed += 1
                // Keep debug-build test time low: large shapes try half the combinations.
                if large && (transA != transB) != accumulate { continue }
                let a = Operand<T>(rows: m, cols: k, transposed: transA, pad: pad, seed: seed)
                let b = Operand<T>(rows: k, cols: n, transposed: transB, pad: pad, seed: seed + 1000)
                let ldc = n + pad
                let c: [T] = fill(m * ldc, seed: seed + 2000)
                let expected = orderedReference(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate)
                let got = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, threads: 2)
                let same = zip(expected, got).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(T.self) m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) pad=\(pad) acc=\(accumulate)")
                // Independent of the ordered reference: close to a float64 product.
                if large { continue }
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
    for (m, n, k) in [(150, 130, 520), (130, 517, 60), (201, 199, 100), (45, 1090, 1100), (263, 555, 1027)] {
        for (transA, transB) in [(false, false), (true, true)] {
            let a = Operand<T>(rows: m, cols: k, transposed: transA, pad: 1, seed: 7)
            let b = Operand<T>(rows: k, cols: n, transposed: transB, pad: 2, seed: 8)
            let c: [T] = fill(m * n, seed: 9)
            let one = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 1)
            let two = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 2)
            let three = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 3)
            // More strips than cores: threads own several strips and steal row blocks.
            let five = runGEMM(T.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, accumulate: true, threads: 5)
            #expect(zip(one, two).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(T.self) \(m)×\(n)×\(k)")
            #expect(zip(one, three).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(T.self) \(m)×\(n)×\(k)")
            #expect(zip(one, five).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(T.self) \(m)×\(n)×\(k)")
        }
    }
}

@Test func gemmFloatSameBitsOnAnyThreadCount() { checkThreadsAgree(Float.self) }
@Test func gemmDoubleSameBitsOnAnyThreadCount() { checkThreadsAgree(Double.self) }

// MARK: im2col / col2im

private let geometries: [ConvolutionGeometry] = [
    ConvolutionGeometry(channels: 2, inputSize: [11], kernelSize: [3], stride: [2], padding: [1], dilation: [1])!,
    ConvolutionGeometry(channels: 1, inputSize: [7], kernelSize: [2], stride: [1], padding: [0], dilation: [3])!,
    ConvolutionGeometry(channels: 3, inputSize: [6, 5], kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1])!,
    ConvolutionGeometry(channels: 2, inputSize: [9, 8], kernelSize: [3, 2], stride: [2, 3], padding: [2, 1], dilation: [2, 1])!,
    ConvolutionGeometry(channels: 2, inputSize: [4, 5, 6], kernelSize: [2, 3, 3], stride: [1, 2, 1], padding: [1, 0, 2], dilation: [1, 1, 2])!,
]

@Test func convolutionGeometryRejectsBadShapes() {
    #expect(ConvolutionGeometry(channels: 1, inputSize: [2], kernelSize: [5], stride: [1], padding: [0], dilation: [1]) == nil)
    #expect(ConvolutionGeometry(channels: 1, inputSize: [8, 8], kernelSize: [3], stride: [1], padding: [0], dilation: [1]) == nil)
    #expect(ConvolutionGeometry(channels: 1, inputSize: [8], kernelSize: [3], stride: [0], padding: [0], dilation: [1]) == nil)
    let same = ConvolutionGeometry(channels: 3, inputSize: [32, 32], kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1])!
    #expect(same.outputSize == [32, 32] && same.columnRows == 27 && same.columnCount == 1024)
}

@Test func col2imIsTheAdjointOfIm2col() {
    for (index, g) in geometries.enumerated() {
        let x: [Double] = fill(g.inputCount, seed: UInt64(10 + index))
        let y: [Double] = fill(g.columnRows * g.columnCount, seed: UInt64(20 + index))
        var columns = [Double](repeating: .nan, count: y.count)
        var back = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { im2col(g, input: xp.baseAddress!, columns: $0.baseAddress!) } }
        y.withUnsafeBufferPointer { yp in back.withUnsafeMutableBufferPointer { col2im(g, columns: yp.baseAddress!, input: $0.baseAddress!, accumulate: false) } }
        let left = zip(columns, y).reduce(0) { $0 + $1.0 * $1.1 }
        let right = zip(x, back).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(left - right) <= 1e-12 * max(1, abs(left)), "geometry \(index): \(left) vs \(right)")
    }
}

/// A direct convolution (one output channel, weights of shape [C, ∏kernel]) in float64.
private func directConvolution(_ g: ConvolutionGeometry, _ x: [Double], _ w: [Double]) -> [Double] {
    let r = g.inputSize.count
    let input = Array(repeating: 1, count: 3 - r) + g.inputSize
    let kernel = Array(repeating: 1, count: 3 - r) + g.kernelSize
    let stride = Array(repeating: 1, count: 3 - r) + g.stride
    let pad = Array(repeating: 0, count: 3 - r) + g.padding
    let dil = Array(repeating: 1, count: 3 - r) + g.dilation
    let output = Array(repeating: 1, count: 3 - r) + g.outputSize
    var out = [Double]()
    for od in 0..<output[0] { for oh in 0..<output[1] { for ow in 0..<output[2] {
        var s = 0.0
        for c in 0..<g.channels { for kd in 0..<kernel[0] { for kh in 0..<kernel[1] { for kw in 0..<kernel[2] {
            let id = od * stride[0] - pad[0] + kd * dil[0]
            let ih = oh * stride[1] - pad[1] + kh * dil[1]
            let iw = ow * stride[2] - pad[2] + kw * dil[2]
            guard (0..<input[0]).contains(id), (0..<input[1]).contains(ih), (0..<input[2]).contains(iw) else { continue }
            let weight = w[((c * kernel[0] + kd) * kernel[1] + kh) * kernel[2] + kw]
            s += weight * x[((c * input[0] + id) * input[1] + ih) * input[2] + iw]
        } } } }
        out.append(s)
    } } }
    return out
}

@Test func im2colThenGEMMIsAConvolution() {
    for (index, g) in geometries.enumerated() {
        let x: [Double] = fill(g.inputCount, seed: UInt64(30 + index))
        let w: [Double] = fill(g.columnRows, seed: UInt64(40 + index))
        var columns = [Double](repeating: .nan, count: g.columnRows * g.columnCount)
        var out = [Double](repeating: .nan, count: g.columnCount)
        x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { im2col(g, input: xp.baseAddress!, columns: $0.baseAddress!) } }
        w.withUnsafeBufferPointer { wp in
            columns.withUnsafeBufferPointer { cp in
                out.withUnsafeMutableBufferPointer { op in
                    gemm(transA: false, transB: false, m: 1, n: g.columnCount, k: g.columnRows,
                         a: wp.baseAddress!, lda: g.columnRows, b: cp.baseAddress!, ldb: g.columnCount,
                         c: op.baseAddress!, ldc: g.columnCount, accumulate: false)
                }
            }
        }
        let expected = directConvolution(g, x, w)
        #expect(out.count == expected.count)
        let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-12, "geometry \(index): error \(worst)")
    }
}

// MARK: reductions

@Test func sumsHaveTheDocumentedOrderAndIgnoreThreadCount() {
    // Below one block's lane count, the sum is the plain sequential sum.
    let small: [Float] = fill(63, seed: 50)
    let sequential = small.reduce(Float(0)) { $0 + $1 }
    #expect(small.withUnsafeBufferPointer { sum($0.baseAddress!, count: 63) } == sequential)

    for count in [1, 64, 100, 4096, 4097, 1_000_003] {
        let x: [Float] = fill(count, seed: UInt64(count))
        let y: [Float] = fill(count, seed: UInt64(count + 1))
        let exact = x.reduce(0.0) { $0 + Double($1) }
        let exactDot = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                let one = sum(xp.baseAddress!, count: count, threads: 1)
                let two = sum(xp.baseAddress!, count: count, threads: 2)
                #expect(one.bitPattern == two.bitPattern)
                #expect(abs(Double(one) - exact) <= 1e-6 * Double(count).squareRoot() + 1e-6, "sum \(count)")
                let d1 = dot(xp.baseAddress!, yp.baseAddress!, count: count, threads: 1)
                let d2 = dot(xp.baseAddress!, yp.baseAddress!, count: count, threads: 2)
                #expect(d1.bitPattern == d2.bitPattern)
                #expect(abs(Double(d1) - exactDot) <= 1e-6 * Double(count).squareRoot() + 1e-6, "dot \(count)")
            }
        }
        let xd = x.map(Double.init)
        let sd1 = xd.withUnsafeBufferPointer { sum($0.baseAddress!, count: count, threads: 1) }
        let sd2 = xd.withUnsafeBufferPointer { sum($0.baseAddress!, count: count, threads: 2) }
        #expect(sd1.bitPattern == sd2.bitPattern)
        #expect(abs(sd1 - exact) <= 1e-12 * Double(count))
    }
}

@Test func axisSumsMatchReferenceAndIgnoreThreadCount() {
    for (outer, reduce, inner) in [(1, 1, 1), (3, 5, 1), (2, 1000, 1), (1, 1000, 7), (4, 130, 33), (64, 300, 40)] {
        let x: [Float] = fill(outer * reduce * inner, seed: UInt64(outer * 1000 + reduce + inner))
        var one = [Float](repeating: .nan, count: outer * inner)
        var two = one
        x.withUnsafeBufferPointer { xp in
            one.withUnsafeMutableBufferPointer { sumAxis(xp.baseAddress!, outer: outer, reduce: reduce, inner: inner, into: $0.baseAddress!, threads: 1) }
            two.withUnsafeMutableBufferPointer { sumAxis(xp.baseAddress!, outer: outer, reduce: reduce, inner: inner, into: $0.baseAddress!, threads: 2) }
        }
        #expect(zip(one, two).allSatisfy { $0.bitPattern == $1.bitPattern })
        for o in 0..<outer {
            for i in 0..<inner {
                var exact = 0.0
                for r in 0..<reduce { exact += Double(x[(o * reduce + r) * inner + i]) }
                #expect(abs(Double(one[o * inner + i]) - exact) <= 1e-5 * Double(reduce).squareRoot() + 1e-6)
            }
            if inner == 1 {
                let rowSum = x.withUnsafeBufferPointer { sum($0.baseAddress! + o * reduce, count: reduce) }
                #expect(rowSum.bitPattern == one[o].bitPattern)
            }
        }
    }
}

// MARK: batched

@Test func batchedGEMMEqualsSeparateProducts() {
    for (m, n, k, batch, strideBZero) in [(4, 3, 5, 8, false), (33, 20, 17, 64, true), (130, 140, 150, 3, false)] {
        let a: [Float] = fill(m * k * batch, seed: 60)
        let b: [Float] = fill(k * n * batch, seed: 61)
        let strideB = strideBZero ? 0 : k * n
        var expected = [Float](repeating: 0, count: m * n * batch)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                expected.withUnsafeMutableBufferPointer { cp in
                    for index in 0..<batch {
                        gemm(transA: true, transB: false, m: m, n: n, k: k,
                             a: ap.baseAddress! + index * m * k, lda: m, b: bp.baseAddress! + index * strideB, ldb: n,
                             c: cp.baseAddress! + index * m * n, ldc: n, accumulate: false, threads: 1)
                    }
                }
            }
        }
        for threads in [1, 2] {
            var got = [Float](repeating: .nan, count: m * n * batch)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    got.withUnsafeMutableBufferPointer { cp in
                        gemmBatched(transA: true, transB: false, m: m, n: n, k: k,
                                    a: ap.baseAddress!, lda: m, strideA: m * k, b: bp.baseAddress!, ldb: n, strideB: strideB,
                                    c: cp.baseAddress!, ldc: n, strideC: m * n, batchCount: batch, accumulate: false,
                                    threads: threads)
                    }
                }
            }
            #expect(zip(expected, got).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(m)×\(n)×\(k)×\(batch) threads \(threads)")
        }
    }
}

@Test func threadedGEMMInsideParallelWorkFinishes() {
    // Threaded products started from inside other parallel work (as when notebooks render
    // in parallel) must neither deadlock nor change bits.
    let (m, n, k) = (140, 150, 600)
    let a = Operand<Float>(rows: m, cols: k, transposed: false, pad: 0, seed: 70)
    let b = Operand<Float>(rows: k, cols: n, transposed: false, pad: 0, seed: 71)
    let zero = [Float](repeating: 0, count: m * n)
    let expected = runGEMM(Float.self, m: m, n: n, k: k, a: a, b: b, c: zero, ldc: n, accumulate: false, threads: 1)
    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var values = Array(repeating: [Float](), count: 6)
    }
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 6) { index in
        let got = runGEMM(Float.self, m: m, n: n, k: k, a: a, b: b, c: zero, ldc: n, accumulate: false, threads: 2)
        results.lock.lock()
        results.values[index] = got
        results.lock.unlock()
    }
    for got in results.values {
        #expect(zip(expected, got).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}

@Test func reusedPackingScratchLeavesNoTrace() {
    // Packing scratch is kept between products: a product run after another one that left
    // NaNs in the reused blocks (another type, larger shape) must give the same bits.
    let (m, n, k) = (37, 45, 600)
    let a = Operand<Float>(rows: m, cols: k, transposed: false, pad: 0, seed: 80)
    let b = Operand<Float>(rows: k, cols: n, transposed: true, pad: 1, seed: 81)
    let zero = [Float](repeating: 0, count: m * n)
    for threads in [1, 2] {
        let before = runGEMM(Float.self, m: m, n: n, k: k, a: a, b: b, c: zero, ldc: n, accumulate: false, threads: threads)
        var nanA = Operand<Double>(rows: 70, cols: 700, transposed: false, pad: 0, seed: 82)
        var nanB = Operand<Double>(rows: 700, cols: 90, transposed: false, pad: 0, seed: 83)
        nanA.storage = nanA.storage.map { _ in .nan }
        nanB.storage = nanB.storage.map { _ in .nan }
        _ = runGEMM(Double.self, m: 70, n: 90, k: 700, a: nanA, b: nanB, c: [Double](repeating: 0, count: 70 * 90),
                    ldc: 90, accumulate: false, threads: threads)
        let after = runGEMM(Float.self, m: m, n: n, k: k, a: a, b: b, c: zero, ldc: n, accumulate: false, threads: threads)
        #expect(zip(before, after).allSatisfy { $0.bitPattern == $1.bitPattern }, "threads \(threads)")
        #expect(after.allSatisfy { !$0.isNaN })
    }
}
