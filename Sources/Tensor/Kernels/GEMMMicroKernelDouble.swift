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

    public static var vectorWidth: Int { 8 }

    public static func smallTile(
        rows: Int, depth: Int, a: UnsafePointer<Double>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int, addToC: Bool
    ) {
        typealias V = SIMD8<Double>
        if rows == 4 {
            var c0 = V(), c1 = V(), c2 = V(), c3 = V()
            var pa = a, pb = b
            let r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride
            for _ in 0..<depth {
                let bv = loadVector(pb)
                c0 = c0 + V(repeating: pa[0]) * bv
                c1 = c1 + V(repeating: pa[r1]) * bv
                c2 = c2 + V(repeating: pa[r2]) * bv
                c3 = c3 + V(repeating: pa[r3]) * bv
                pa += aDepthStride
                pb += ldb
            }
            let q1 = c + ldc, q2 = q1 + ldc, q3 = q2 + ldc
            if addToC {
                storeVector(loadVector(c) + c0, c)
                storeVector(loadVector(q1) + c1, q1)
                storeVector(loadVector(q2) + c2, q2)
                storeVector(loadVector(q3) + c3, q3)
            } else {
                storeVector(c0, c)
                storeVector(c1, q1)
                storeVector(c2, q2)
                storeVector(c3, q3)
            }
        } else {
            var c0 = V()
            var pa = a, pb = b
            for _ in 0..<depth {
                c0 = c0 + V(repeating: pa[0]) * loadVector(pb)
                pa += aDepthStride
                pb += ldb
            }
            storeVector(addToC ? loadVector(c) + c0 : c0, c)
        }
    }
}
