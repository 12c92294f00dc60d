// The float64 register tile: 6 rows × 8 columns, one SIMD8<Double> accumulator per row.
// Multiply and add stay separate for the same reason as in the float32 kernel.

extension Double {
    @inline(__always)
    static func loadVector(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func storeVector(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
    }

    public static func microKernel(
        depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int, addToC: Bool
    ) {
        typealias V = SIMD8<Double>
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var pa = a
        var pb = b
        for _ in 0..<depth {
            let bv = loadVector(pb)
            c0 = c0 + V(repeating: pa[0]) * bv
            c1 = c1 + V(repeating: pa[1]) * bv
            c2 = c2 + V(repeating: pa[2]) * bv
            c3 = c3 + V(repeating: pa[3]) * bv
            c4 = c4 + V(repeating: pa[4]) * bv
            c5 = c5 + V(repeating: pa[5]) * bv
            pa += 6
            pb += 8
        }
        let r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc
        if addToC {
            storeVector(loadVector(c) + c0, c)
            storeVector(loadVector(r1) + c1, r1)
            storeVector(loadVector(r2) + c2, r2)
            storeVector(loadVector(r3) + c3, r3)
            storeVector(loadVector(r4) + c4, r4)
            storeVector(loadVector(r5) + c5, r5)
        } else {
            storeVector(c0, c)
            storeVector(c1, r1)
            storeVector(c2, r2)
            storeVector(c3, r3)
            storeVector(c4, r4)
            storeVector(c5, r5)
        }
    }
}
