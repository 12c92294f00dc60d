/// A read-only row-major matrix operand `op(X)` of a GEMM: `base`, leading dimension, and
/// whether it is used transposed. Element (row, col) of op(X) is
/// `base[row * ld + col]`, or `base[col * ld + row]` when transposed.
struct GEMMOperand<T: GEMMScalar> {
    var base: UnsafePointer<T>
    var ld: Int
    var transposed: Bool

    @inline(__always)
    subscript(row: Int, col: Int) -> T {
        transposed ? base[col * ld + row] : base[row * ld + col]
    }

    /// The operand starting at (row, col) of op(X).
    @inline(__always)
    func offset(row: Int, col: Int) -> GEMMOperand {
        var copy = self
        copy.base = transposed ? base + (col * ld + row) : base + (row * ld + col)
        return copy
    }
}
