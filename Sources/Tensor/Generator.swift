/// A seeded random generator, owned by its caller (one per notebook session, never global).
/// The algorithm is fixed and documented in docs/random.md so that a seed gives the same
/// numbers on every machine and every release:
///
/// - seeding: SplitMix64 expands the seed into the four 64-bit words of xoshiro256**;
/// - stream: xoshiro256** (Blackman & Vigna 2018);
/// - uniform float32 in [0, 1): `(next() >> 40) · 2⁻²⁴`; float64: `(next() >> 11) · 2⁻⁵³`;
/// - normal: Marsaglia's polar method on float64 uniforms, both values of each pair used
///   in order, then rounded to the dtype; the logarithm is our own (`deterministicLog`),
///   so results do not depend on the platform's libm;
/// - integers in [low, high): Lemire's multiply-and-reject on `next()`.
///
/// ```swift
/// let g = Generator(seed: 0)
/// let x = try g.randn([3])            // same three numbers everywhere
/// ```
public final class Generator {
    private var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0

    public init(seed: UInt64 = 0) { reseed(seed) }

    /// `manual_seed(n)`: restarts the stream.
    public func reseed(_ seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always) public func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always) public func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always) public func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform integer in `low..<high` (Lemire's method: unbiased, deterministic).
    public func nextInt(_ low: Int64, _ high: Int64) -> Int64 {
        let range = UInt64(bitPattern: high &- low)
        if range == 0 { return low }
        var m = next().multipliedFullWidth(by: range)
        if m.low < range {
            let threshold = (0 &- range) % range
            while m.low < threshold { m = next().multipliedFullWidth(by: range) }
        }
        return low &+ Int64(bitPattern: m.high)
    }

    /// Two independent standard normal values (Marsaglia's polar method).
    public func nextNormalPair() -> (Double, Double) {
        while true {
            let u = 2 * nextDouble() - 1, v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let f = (-2 * deterministicLog(s) / s).squareRoot()
            return (u * f, v * f)
        }
    }

    /// `rand(*shape)`: uniform in [0, 1).
    public func rand(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        try uniform(shape, low: 0, high: 1, dtype: dtype)
    }

    /// Uniform in [low, high) (`uniform_`, used by PyTorch's default layer initialisation).
    public func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType = .float32) throws -> NDArray {
        if !dtype.isFloatingPoint { throw TensorError("uniform_ not implemented for '\(dtype.rawValue)'") }
        let out = try NDArray.empty(shape, dtype: dtype)
        let n = out.count
        if dtype == .float32 {
            let p = out.pointer(Float.self), lo = Float(low), width = Float(high - low)
            for i in 0..<n { p[i] = lo + width * nextFloat() }
        } else {
            let p = out.pointer(Double.self), width = high - low
            for i in 0..<n { p[i] = low + width * nextDouble() }
        }
        return out
    }

    /// `randn(*shape)`: standard normal values.
    public func randn(_ shape: [Int], dtype: DType = .float32) throws -> NDArray {
        try normal(shape, mean: 0, std: 1, dtype: dtype)
    }

    /// Normal with `mean` and `std` (`normal_`).
    public func normal(_ shape: [Int], mean: Double, std: Double, dtype: DType = .float32) throws -> NDArray {
        if !dtype.isFloatingPoint { throw TensorError("normal_ not implemented for '\(dtype.rawValue)'") }
        let out = try NDArray.empty(shape, dtype: dtype)
        let n = out.count
        var values = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            let (a, b) = nextNormalPair()
            values[i] = mean + std * a
            if i + 1 < n { values[i + 1] = mean + std * b }
            i += 2
        }
        if dtype == .float32 {
            let p = out.pointer(Float.self)
            for j in 0..<n { p[j] = Float(values[j]) }
        } else {
            let p = out.pointer(Double.self)
            for j in 0..<n { p[j] = values[j] }
        }
        return out
    }

    /// `randint(low, high, shape)`: int64 values in `low..<high`.
    public func randint(low: Int64, high: Int64, _ shape: [Int]) throws -> NDArray {
        if high <= low {
            throw TensorError("random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        let out = try NDArray.empty(shape, dtype: .int64)
        let p = out.pointer(Int64.self)
        for i in 0..<out.count { p[i] = nextInt(low, high) }
        return out
    }

    /// `randperm(n)`: a random permutation of 0..<n (Fisher–Yates from the end).
    public func randperm(_ n: Int) throws -> NDArray {
        if n < 0 { throw TensorError("randperm: n must be non-negative, got \(n)") }
        var values = (0..<Int64(n)).map { $0 }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(nextInt(0, Int64(i + 1)))
                values.swapAt(i, j)
            }
        }
        return try NDArray(values, shape: [n])
    }

    /// Bernoulli draws: true with probability `p` (a uniform float64 below `p`).
    public func bernoulliMask(_ shape: [Int], p: Double) throws -> NDArray {
        let out = try NDArray.empty(shape, dtype: .bool)
        let q = out.pointer(Bool.self)
        for i in 0..<out.count { q[i] = nextDouble() < p }
        return out
    }
}

/// Natural logarithm from basic arithmetic only (no libm, no fused multiply-add), so random
/// normals have the same bits on every platform. Accurate to about 1 ulp for positive
/// finite inputs: x = m·2^e with m in [√½, √2), log m = 2·atanh(s), s = (m−1)/(m+1).
public func deterministicLog(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    var m = x.significand          // in [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    // 2·(s + s³/3 + s⁵/5 + …): |s| ≤ 0.1716, so 13 terms reach below 1e-20.
    var term = s, sum = 0.0
    var k = 1.0
    for _ in 0..<13 {
        sum += term / k
        term *= s2
        k += 2
    }
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    return e * ln2Hi + (2 * sum + e * ln2Lo)
}
