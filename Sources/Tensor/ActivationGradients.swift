extension NDArray {
    /// relu's backward in one pass: `self` (the incoming gradient) where `output > 0`, else
    /// `self * 0` — the same bits as `self * step(output)` (including −0 and NaN), without
    /// building the mask. Nil unless both are float arrays of one dtype and shape (callers
    /// then use the general product).
    public func reluGradient(output: NDArray) throws -> NDArray? {
        guard dtype == output.dtype, shape == output.shape else { return nil }
        switch dtype {
        case .float32: return try mapBinaryKernel(self, output, shape: output.shape) { (g: Float, o: Float) in o > 0 ? g : g * 0 }
        case .float64: return try mapBinaryKernel(self, output, shape: output.shape) { (g: Double, o: Double) in o > 0 ? g : g * 0 }
        default: return nil
        }
    }
}
