// Vectorised float32 exp, sigmoid and tanh (Cephes' expf and tanhf polynomials) on
// SIMD16<Float>, with multiply and add kept separate, so every x86-64 CPU gives the same
// bits; the tail runs through the same SIMD code (padded), so an element's value never
// depends on its position or on the thread that computes it (large arrays are split over
// two threads in fixed chunks). Within 4 ulp of the correctly rounded result (checked by
// VectorMathTests over [-20, 20] against float64 libm; measured 1–2 ulp).

/// `exp` on 16 float32 lanes (Cephes' expf, deterministic, NaN and ±overflow handled).
/// Public so that fused kernels in other modules (the LSTM's gates) share these bits.
@inlinable @inline(__always)
public func exp16(_ xIn: SIMD16<Float>) -> SIMD16<Float> {
    let nanMask = xIn .!= xIn
    let x = xIn.replacing(with: 0, where: nanMask)
    // (clamped(lowerBound:upperBound:) is not inlined; masks are.)
    let clamped = x.replacing(with: -87.3, where: x .< -87.3).replacing(with: 88.7, where: x .> 88.7)
    // n = round(x·log2 e) by the 1.5·2^23 trick: adding it leaves the rounded integer in the
    // low mantissa bits (round to nearest even), with no float→int conversion (slow on SIMD).
    let magic = SIMD16<Float>(repeating: 12582912)
    let shifted = clamped * 1.44269504088896341 + magic
    let n = shifted - magic
    // r = x − n·ln2 in two parts (Cody–Waite), exact for |n| < 2^9.
    var r = clamped - n * 0.693359375
    r = r - n * -2.12194440e-4
    var p = SIMD16<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    var y = p * (r * r) + r + 1
    // Multiply by 2^n through the exponent bits.
    let nBits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    y = y * unsafeBitCast((nBits &+ 127) &<< 23, to: SIMD16<Float>.self)
    y = y.replacing(with: .infinity, where: x .> 88.7)
    y = y.replacing(with: 0, where: x .< -87.3)
    return y.replacing(with: .nan, where: nanMask)
}

@inline(__always)
private func sigmoid16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    1 / (1 + exp16(-x))
}

/// tanh in one pass: an odd polynomial for |x| < 0.625, else 1 − 2/(exp(2|x|) + 1) with the
/// sign of x (set through the sign bit, so no mask blends besides the final one).
@inline(__always)
private func tanh16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
    let sign = bits & 0x8000_0000
    let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD16<Float>.self)
    let e = exp16(a + a)
    let large = 1 - 2 / (e + 1)
    let signedLarge = unsafeBitCast(unsafeBitCast(large, to: SIMD16<UInt32>.self) ^ sign, to: SIMD16<Float>.self)
    let z = x * x
    var p = SIMD16<Float>(repeating: -5.70498872745e-3)
    p = p * z + 2.06390887954e-2
    p = p * z - 5.37397155531e-2
    p = p * z + 1.33314422036e-1
    p = p * z - 3.33332819422e-1
    let small = p * z * x + x
    return signedLarge.replacing(with: small, where: a .< 0.625)
}

/// Applies `f` to `count` floats from `src` into `dst` (which may be the same buffer).
@inline(__always)
private func map16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                   _ f: (SIMD16<Float>) -> SIMD16<Float>) {
    var i = 0
    while i + 16 <= count {
        let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: f(v), as: SIMD16<Float>.self)
        i += 16
    }
    if i < count {
        var v = SIMD16<Float>(repeating: 0)
        for j in 0..<(count - i) { v[j] = src[i + j] }
        let r = f(v)
        for j in 0..<(count - i) { dst[i + j] = r[j] }
    }
}

/// Runs `body(start, end)` over `0..<count` in fixed chunks of `elementwiseChunk` elements,
/// on two threads when there is enough work. Every element is computed the same way
/// whichever thread takes its chunk, so results never depend on the thread count.
let elementwiseChunk = 1 << 15
let elementwiseParallelMinimum = 1 << 17

@inline(__always)
func forEachChunk(count: Int, _ body: (Int, Int) -> Void) {
    let chunks = (count + elementwiseChunk - 1) / elementwiseChunk
    let parts = count >= elementwiseParallelMinimum ? min(KernelThreads.available, 2, chunks) : 1
    if parts <= 1 {
        body(0, count)
        return
    }
    parallelFor(count: parts) { part in
        for chunk in (chunks * part / parts)..<(chunks * (part + 1) / parts) {
            let start = chunk * elementwiseChunk
            body(start, min(count, start + elementwiseChunk))
        }
    }
}

enum VectorMath {
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        let s = UInt(bitPattern: src), d = UInt(bitPattern: dst)
        forEachChunk(count: count) { start, end in
            map16(UnsafePointer(bitPattern: s)! + start, UnsafeMutablePointer(bitPattern: d)! + start, end - start, exp16)
        }
    }
    static func sigmoid(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        let s = UInt(bitPattern: src), d = UInt(bitPattern: dst)
        forEachChunk(count: count) { start, end in
            map16(UnsafePointer(bitPattern: s)! + start, UnsafeMutablePointer(bitPattern: d)! + start, end - start, sigmoid16)
        }
    }
    /// One fused SIMD pass (the three-pass version — 2|x|, exp, combine — took 0.90 ns per
    /// element on one thread against 0.78 for this one, same bits; an earlier fused attempt
    /// was slow only because its sign and range blends compiled to scalar code).
    static func tanh(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        let s = UInt(bitPattern: src), d = UInt(bitPattern: dst)
        forEachChunk(count: count) { start, end in
            map16(UnsafePointer(bitPattern: s)! + start, UnsafeMutablePointer(bitPattern: d)! + start, end - start, tanh16)
        }
    }

    /// `dst[i] = exp(src[i] − shift)` for one softmax row, returning the sum of the results:
    /// 16 lane sums over the row's full vectors in order, the lanes folded pairwise (8+8, 4+4,
    /// 2+2, 1+1), then the tail added left to right. Deterministic and position-independent
    /// (the row is always processed from its first element).
    static func expShiftedSum(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                              shift: Float) -> Float {
        typealias V = SIMD16<Float>
        let sv = V(repeating: shift)
        var lanes = V()
        var i = 0
        while i + 16 <= count {
            let e = exp16(UnsafeRawPointer(src + i).loadUnaligned(as: V.self) - sv)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: e, as: V.self)
            lanes = lanes + e
            i += 16
        }
        let l8 = lanes.lowHalf + lanes.highHalf
        let l4 = l8.lowHalf + l8.highHalf
        let l2 = l4.lowHalf + l4.highHalf
        var sum = l2[0] + l2[1]
        if i < count {
            var v = V(repeating: -.infinity)  // exp(−∞) = 0 in the padding lanes
            for j in 0..<(count - i) { v[j] = src[i + j] - shift }
            let e = exp16(v)
            // The tail is added in order, so a short row sums left to right as PyTorch's does.
            for j in 0..<(count - i) { dst[i + j] = e[j]; sum += e[j] }
        }
        return sum
    }

    /// The largest of `count` floats, NaN if any is NaN (−∞ for an empty row).
    static func maximum(_ src: UnsafePointer<Float>, count: Int) -> Float {
        typealias V = SIMD16<Float>
        var m = V(repeating: -.infinity)
        var nan = SIMDMask<SIMD16<Int32>>()
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
            nan = nan .| (v .!= v)
            m = m.replacing(with: v, where: v .> m)
            i += 16
        }
        var result = m.max()
        var hasNaN = any(nan)
        while i < count {
            let v = src[i]
            if v.isNaN { hasNaN = true } else if v > result { result = v }
            i += 1
        }
        return hasNaN ? .nan : result
    }
}

/// float32 row kernels for fused layers outside this module (attention's softmax): the same
/// deterministic SIMD code as `softmax`.
public enum FloatRowKernels {
    /// The largest of `count` floats, NaN if any is NaN, −∞ for none.
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        VectorMath.maximum(x, count: count)
    }

    /// `dst[i] = exp(src[i] − shift)` (`dst` may be `src`), returning the sum of the results
    /// accumulated in 16 lanes in order and folded pairwise.
    public static func expShiftedSum(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                                     shift: Float) -> Float {
        VectorMath.expShiftedSum(src, dst, count: count, shift: shift)
    }
}
