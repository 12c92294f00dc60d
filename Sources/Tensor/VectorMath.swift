// Vectorised float32 exp, sigmoid and tanh (Cephes' expf and tanhf polynomials) on
// SIMD16<Float>, with multiply and add kept separate, so every x86-64 CPU gives the same
// bits; the tail runs through the same SIMD code (padded), so an element's value never
// depends on its position. About 1–2 ulp from the correctly rounded result.

@inline(__always)
private func exp16(_ xIn: SIMD16<Float>) -> SIMD16<Float> {
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

/// tanh from x and e = exp(2|x|): an odd polynomial for |x| < 0.625, else
/// 1 − 2/(e + 1) with the sign of x.
@inline(__always)
private func tanh16(_ x: SIMD16<Float>, _ e: SIMD16<Float>) -> SIMD16<Float> {
    let z = x * x
    var p = SIMD16<Float>(repeating: -5.70498872745e-3)
    p = p * z + 2.06390887954e-2
    p = p * z - 5.37397155531e-2
    p = p * z + 1.33314422036e-1
    p = p * z - 3.33332819422e-1
    let small = p * z * x + x
    var large = 1 - 2 / (e + 1)
    large = large.replacing(with: -large, where: x .< 0)
    return small.replacing(with: large, where: x .>= 0.625 .| x .<= -0.625)
}

/// `dst[i] = f(a[i], b[i])`, 16 lanes at a time, the tail padded through the same code.
@inline(__always)
private func zip16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                   _ count: Int, _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
    var i = 0
    while i + 16 <= count {
        let u = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
        let v = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: f(u, v), as: SIMD16<Float>.self)
        i += 16
    }
    if i < count {
        var u = SIMD16<Float>(repeating: 0), v = u
        for j in 0..<(count - i) { u[j] = a[i + j]; v[j] = b[i + j] }
        let r = f(u, v)
        for j in 0..<(count - i) { dst[i + j] = r[j] }
    }
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

enum VectorMath {
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        map16(src, dst, count, exp16)
    }
    static func sigmoid(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        map16(src, dst, count, sigmoid16)
    }
    /// Two passes (exp of 2|x| into dst, then the combination) keep each loop small
    /// enough to be inlined and vectorised well. `dst` must not alias `src`.
    static func tanh(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { let a = Swift.abs(src[i]); dst[i] = a + a }
        exp(UnsafePointer(dst), dst, count: count)
        zip16(src, UnsafePointer(dst), dst, count, tanh16)
    }
}
