// Matrix products. Every product ends in `matrixProduct`, which calls the GEMM kernel
// through one function (`productKernel`), so swapping kernels is a one-line change.

extension NDArray {
    /// `self @ other` with PyTorch's rules: 1-d·1-d is a dot product, 2-d·2-d a matrix
    /// product, 1-d operands are promoted to a row / column and the added dimension
    /// removed, and leading (batch) dimensions broadcast.
    ///
    /// ```swift
    /// try NDArray.zeros([2, 3]).matmul(NDArray.zeros([4, 5]))
    /// // throws "matmul: shapes [2, 3] and [4, 5] do not align (3 != 4)"
    /// ```
    public func matmul(_ other: NDArray) throws -> NDArray {
        if ndim == 0 || other.ndim == 0 {
            throw TensorError("matmul: both arguments need at least 1 dimension, but got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        let kA = shape[ndim - 1]
        let kB = other.ndim == 1 ? other.shape[0] : other.shape[other.ndim - 2]
        if kA != kB {
            throw TensorError("matmul: shapes \(shapeString(shape)) and \(shapeString(other.shape)) do not align (\(kA) != \(kB))")
        }
        var common = DType.promote(dtype, other.dtype)
        if common == .bool { common = .int64 }
        let a0 = try to(common), b0 = try other.to(common)
        let a = a0.ndim == 1 ? try a0.unsqueezed(0) : a0
        let b = b0.ndim == 1 ? try b0.unsqueezed(1) : b0
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = try broadcastShapes(batchA, batchB, op: "matmul")
        let m = a.shape[a.ndim - 2], k = kA, n = b.shape[b.ndim - 1]
        let ae = try a.expand(batch + [m, k]), be = try b.expand(batch + [k, n])
        var result = try NDArray.empty(batch + [m, n], dtype: common)
        let nb = batch.count
        let aBatchStrides = Array(ae.strides.prefix(nb)), bBatchStrides = Array(be.strides.prefix(nb))
        var outIndex = 0
        var failure: Error?
        stridedRows2(batch, aBatchStrides, ae.offset, bBatchStrides, be.offset) { oa, ob, count, sa, sb in
            for j in 0..<count {
                let aMat = NDArray(storage: ae.storage, dtype: common, shape: [m, k],
                                   strides: [ae.strides[nb], ae.strides[nb + 1]], offset: oa + j * sa)
                let bMat = NDArray(storage: be.storage, dtype: common, shape: [k, n],
                                   strides: [be.strides[nb], be.strides[nb + 1]], offset: ob + j * sb)
                do { try matrixProduct(aMat, bMat, into: result, at: (outIndex + j) * m * n) } catch { failure = error }
            }
            outIndex += count
        }
        if let failure = failure { throw failure }
        if ndim == 1 { result = try result.squeezed([-2]) }
        if other.ndim == 1 { result = try result.squeezed([-1]) }
        return result
    }

    /// The outer product of two 1-d arrays.
    public func outer(_ other: NDArray) throws -> NDArray {
        if ndim != 1 || other.ndim != 1 {
            throw TensorError("outer: expected 1-D tensors, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        return try unsqueezed(1).mul(other.unsqueezed(0))
    }
}

/// How a 2-d view is handed to GEMM: row-major with a leading dimension, or transposed.
private func gemmOperand(_ x: NDArray) throws -> (NDArray, transposed: Bool, ld: Int) {
    let (r, c) = (x.shape[0], x.shape[1])
    if x.strides[1] == 1 && (x.strides[0] >= c || r <= 1) { return (x, false, max(x.strides[0], c, 1)) }
    if x.strides[0] == 1 && (x.strides[1] >= r || c <= 1) { return (x, true, max(x.strides[1], r, 1)) }
    let copy = try x.clone()
    return (copy, false, max(c, 1))
}

/// Writes the m×n product of 2-d views `a` (m×k) and `b` (k×n) into contiguous `out`
/// starting at element `start`.
func matrixProduct(_ a: NDArray, _ b: NDArray, into out: NDArray, at start: Int) throws {
    let m = a.shape[0], k = a.shape[1], n = b.shape[1]
    switch a.dtype {
    case .float32:
        let (ao, ta, lda) = try gemmOperand(a), (bo, tb, ldb) = try gemmOperand(b)
        productKernel(transA: ta, transB: tb, m: m, n: n, k: k,
                      a: UnsafePointer(ao.pointer(Float.self)), lda: lda,
                      b: UnsafePointer(bo.pointer(Float.self)), ldb: ldb,
                      c: out.pointer(Float.self) + start, ldc: n)
    case .float64:
        let (ao, ta, lda) = try gemmOperand(a), (bo, tb, ldb) = try gemmOperand(b)
        productKernel(transA: ta, transB: tb, m: m, n: n, k: k,
                      a: UnsafePointer(ao.pointer(Double.self)), lda: lda,
                      b: UnsafePointer(bo.pointer(Double.self)), ldb: ldb,
                      c: out.pointer(Double.self) + start, ldc: n)
    case .int64, .bool:
        let ac = try a.to(.int64).contiguous(), bc = try b.to(.int64).contiguous()
        let pa = ac.pointer(Int64.self), pb = bc.pointer(Int64.self), pc = out.pointer(Int64.self) + start
        for i in 0..<m {
            for j in 0..<n { pc[i * n + j] = 0 }
            for p in 0..<k {
                let av = pa[i * k + p]
                for j in 0..<n { pc[i * n + j] = pc[i * n + j] &+ av &* pb[p * n + j] }
            }
        }
    }
}

/// The one place the GEMM kernel is called (float32): the blocked SIMD kernel of
/// `Kernels/GEMM.swift` (same bits for every thread count).
@inline(__always)
func productKernel(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                   a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                   c: UnsafeMutablePointer<Float>, ldc: Int) {
    gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
         c: c, ldc: ldc, accumulate: false)
}

/// The one place the GEMM kernel is called (float64).
@inline(__always)
func productKernel(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                   a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                   c: UnsafeMutablePointer<Double>, ldc: Int) {
    gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
         c: c, ldc: ldc, accumulate: false)
}

/// A plain i-p-j loop (row-major friendly), K in one fixed order: the reference the tests
/// compare the kernel with.
func referenceGEMM<T: FloatElement>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                    a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
                                    c: UnsafeMutablePointer<T>, ldc: Int) {
    for i in 0..<m {
        let row = c + i * ldc
        for j in 0..<n { row[j] = 0 }
        for p in 0..<k {
            let av = transA ? a[p * lda + i] : a[i * lda + p]
            if transB {
                for j in 0..<n { row[j] += av * b[j * ldb + p] }
            } else {
                let brow = b + p * ldb
                for j in 0..<n { row[j] += av * brow[j] }
            }
        }
    }
}
