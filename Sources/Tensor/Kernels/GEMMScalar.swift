/// Element types the GEMM, im2col and reduction kernels work on (`Float`, `Double`).
///
/// Each conformance fixes its register tile (`microRows` × `microColumns`), its cache
/// blocking, and its micro-kernel. The blocking constants never depend on the thread
/// count, so the summation order of every output element — and hence its bits — is the
/// same whether one or several threads compute it.
public protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// Rows of C computed by one micro-kernel call.
    static var microRows: Int { get }
    /// Columns of C computed by one micro-kernel call.
    static var microColumns: Int { get }
    /// Depth of one packed panel (the K block). Partial sums over one K block are added
    /// to C in order, block after block.
    static var depthBlock: Int { get }
    /// Rows of A per block: the unit of work the threads share.
    static var rowBlock: Int { get }
    /// Columns of B packed at once (the B panel, KC × NC, is meant to stay in L2).
    static var columnBlock: Int { get }

    /// Computes `microRows` × `microColumns` dot products of length `depth` over packed
    /// panels, each summed in increasing k from zero by fused multiply-adds, then
    /// stores them into `c` (`c = sum`) or adds them (`c = c + sum`).
    static func microKernel(
        depth: Int, a: UnsafePointer<Self>, b: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, ldc: Int, addToC: Bool)

    /// `microKernel` reading op(A) in place instead of from a packed sliver: row r of the
    /// tile at `a + r * lda`, contiguous in k (op(A) not transposed). Same sums, same bits.
    static func microKernelInPlaceA(
        depth: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, ldc: Int, addToC: Bool)

    /// Lanes of the SIMD vector the kernels use (16 for Float, 8 for Double).
    static var vectorWidth: Int { get }

    /// The unpacked small-matrix tile: rows `0..<rows` (1 or 4) × `vectorWidth` columns of
    /// C from A element (i, p) at `a[i * aRowStride + p * aDepthStride]` and contiguous rows
    /// of B `ldb` apart; sums ordered like `microKernel`.
    static func smallTile(
        rows: Int, depth: Int, a: UnsafePointer<Self>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Self>, ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int, addToC: Bool)
}

extension Float: GEMMScalar {
    public static var microRows: Int { 8 }
    public static var microColumns: Int { 32 }
    public static var depthBlock: Int { 512 }
    public static var rowBlock: Int { 96 }
    /// KC × NC = 1 MiB of packed B: half of this Xeon's 2 MiB L2.
    public static var columnBlock: Int { 512 }
}

extension Double: GEMMScalar {
    public static var microRows: Int { 8 }
    public static var microColumns: Int { 16 }
    public static var depthBlock: Int { 512 }
    public static var rowBlock: Int { 96 }
    /// KC × NC = 1 MiB of packed B, as for Float.
    public static var columnBlock: Int { 256 }
}

/// Where a micro-kernel reads A(r, p) for the current p: a packed sliver (MR values per p,
/// contiguous) or the source rows themselves. Specialised away: each reader compiles to
/// plain loads.
protocol GEMMTileRows<Scalar> {
    associatedtype Scalar
    /// A(row, p) for the current p.
    func value(_ row: Int) -> Scalar
    /// Moves to p + 1.
    mutating func advance()
}

/// A packed sliver: `microRows` values per k.
struct GEMMPackedRows<Scalar>: GEMMTileRows {
    var pointer: UnsafePointer<Scalar>
    let rows: Int
    @inline(__always) func value(_ row: Int) -> Scalar { pointer[row] }
    @inline(__always) mutating func advance() { pointer += rows }
}

/// Rows of a row-major op(A), `lda` apart.
struct GEMMSourceRows<Scalar>: GEMMTileRows {
    var pointer: UnsafePointer<Scalar>
    let lda: Int
    @inline(__always) func value(_ row: Int) -> Scalar { pointer[row * lda] }
    @inline(__always) mutating func advance() { pointer += 1 }
}
