import Tensor

// Output gradients often arrive as strided views — `x.sum().backward()` hands every element the
// same scalar through stride-0 dimensions — and copying them whole into a contiguous array cost
// 8–11 % of the fused conv and attention pullbacks. Those read the gradient one [R × C] matrix
// (image, head) at a time instead, gathered into a small per-thread buffer when not contiguous.

/// The `index`-th trailing [R × C] matrix of `array` (shape `[lead…, R, C]`, `T` its element type),
/// row-major: in place when `array` is contiguous, else copied into `buffer` (R·C elements).
func matrixSlice<T>(_ array: NDArray, _ index: Int, buffer: UnsafeMutablePointer<T>) -> UnsafePointer<T> {
    let nd = array.ndim, rows = array.shape[nd - 2], cols = array.shape[nd - 1]
    let base = array.pointer(T.self)
    if array.isContiguous { return UnsafePointer(base + index * rows * cols) }
    var offset = 0, rest = index
    for d in stride(from: nd - 3, through: 0, by: -1) {
        offset += (rest % array.shape[d]) * array.strides[d]
        rest /= array.shape[d]
    }
    let rowStride = array.strides[nd - 2], colStride = array.strides[nd - 1]
    for r in 0..<rows {
        let src = base + offset + r * rowStride, dst = buffer + r * cols
        if colStride == 0 {
            dst.update(repeating: src.pointee, count: cols)
        } else {
            for c in 0..<cols { dst[c] = src[c * colStride] }
        }
    }
    return UnsafePointer(buffer)
}
