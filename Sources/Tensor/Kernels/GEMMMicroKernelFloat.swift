// The float32 register tile: 8 rows × 32 columns, two SIMD16<Float> accumulators per row.
// Each step is a fused multiply-add (`addingProduct`): IEEE-754 fusedMultiplyAdd is
// correctly rounded, so the bits are the same on every x86-64 CPU — one VFMADD instruction
// with `-target-cpu` on a CPU that has FMA, or libm's correctly rounded `fma` otherwise (a
// library call per lane: build with `-target-cpu native`, see docs/building.md).

extension Float {
    @inline(__always)
    static func loadVector(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func storeVector(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    public static func microKernel(
        depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) {
        tile(depth: depth, a: GEMMPackedRows(pointer: a, rows: 8), b: b, c: c, ldc: ldc, addToC: addToC)
    }

    public static func microKernelInPlaceA(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) {
        tile(depth: depth, a: GEMMSourceRows(pointer: a, lda: lda), b: b, c: c, ldc: ldc, addToC: addToC)
    }

    /// The 8-row register tile over any source of A (see `GEMMTileRows`).
    @inline(__always)
    private static func tile<A: GEMMTileRows>(
        depth: Int, a: A, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) where A.Scalar == Float {
        // 8 rows × 2 vectors: 16 independent accumulators keep both FMA pipes busy
        // (an FMA's latency is 4 cycles; 6 accumulators left a quarter of the issue slots empty).
        typealias V = SIMD16<Float>
        var c00 = V(), c10 = V(), c20 = V(), c30 = V(), c40 = V(), c50 = V(), c60 = V(), c70 = V()
        var c01 = V(), c11 = V(), c21 = V(), c31 = V(), c41 = V(), c51 = V(), c61 = V(), c71 = V()
        var pa = a
        var pb = b
        for _ in 0..<depth {
            let b0 = loadVector(pb), b1 = loadVector(pb + 16)
            var x = V(repeating: pa.value(0))
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: pa.value(1))
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: pa.value(2))
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = V(repeating: pa.value(3))
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = V(repeating: pa.value(4))
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = V(repeating: pa.value(5))
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = V(repeating: pa.value(6))
            c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = V(repeating: pa.value(7))
            c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            pa.advance()
            pb += 32
        }
        @inline(__always) func put(_ v0: V, _ v1: V, _ row: UnsafeMutablePointer<Float>) {
            if addToC {
                storeVector(loadVector(row) + v0, row)
                storeVector(loadVector(row + 16) + v1, row + 16)
            } else {
                storeVector(v0, row)
                storeVector(v1, row + 16)
            }
        }
        put(c00, c01, c)
        put(c10, c11, c + ldc)
        put(c20, c21, c + 2 * ldc)
        put(c30, c31, c + 3 * ldc)
        put(c40, c41, c + 4 * ldc)
        put(c50, c51, c + 5 * ldc)
        put(c60, c61, c + 6 * ldc)
        put(c70, c71, c + 7 * ldc)
    }

    public static var vectorWidth: Int { 16 }

    public static func smallTile(
        rows: Int, depth: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
    ) {
        typealias V = SIMD16<Float>
        if rows == 4 {
            var c0 = V(), c1 = V(), c2 = V(), c3 = V()
            var pa = a, pb = b
            let r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride
            for _ in 0..<depth {
                let bv = loadVector(pb)
                c0 = c0.addingProduct(V(repeating: pa[0]), bv)
                c1 = c1.addingProduct(V(repeating: pa[r1]), bv)
                c2 = c2.addingProduct(V(repeating: pa[r2]), bv)
                c3 = c3.addingProduct(V(repeating: pa[r3]), bv)
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
                c0 = c0.addingProduct(V(repeating: pa[0]), loadVector(pb))
                pa += aDepthStride
                pb += ldb
            }
            storeVector(addToC ? loadVector(c) + c0 : c0, c)
        }
    }
}
