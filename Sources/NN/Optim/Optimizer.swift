import Autograd
import Tensor

/// An optimiser over a fixed list of parameters: `step()` updates them from their `.grad`
/// (parameters without a gradient are skipped, as in PyTorch), `zeroGrad()` clears the grads.
/// `lr` can be changed between steps (that is what `StepLR` does).
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    var lr: Double { get set }
    func step() throws
}

extension Optimizer {
    /// Clears every gradient (`set_to_none=True`, PyTorch's default).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }
}

/// Checks an optimiser's parameter list: floating point, leaves, each once.
func validateParameters(_ op: String, _ params: [Tensor]) throws {
    var seen = Set<ObjectIdentifier>()
    for p in params {
        guard p.dtype.isFloatingPoint else { throw NNError("\(op): can only optimize floating-point tensors, got \(p.dtype.rawValue)") }
        guard p.isLeaf else { throw NNError("\(op): can't optimize a non-leaf Tensor") }
        guard seen.insert(ObjectIdentifier(p)).inserted else {
            throw NNError("\(op): some parameters appear more than once")
        }
    }
}

/// The parameter's values and gradient as contiguous buffers of the same dtype, for the update
/// rules; nil when it has no gradient. The update happens in place (the storage is shared with
/// every view of the parameter), then the storage version is bumped.
func withBuffers(_ p: Tensor, _ body: (NDArray, NDArray) throws -> Void) throws {
    guard let grad = p.grad else { return }
    guard grad.shape == p.shape else {
        throw NNError("optimizer: gradient of shape \(shapeString(grad.shape)) does not match parameter of shape \(shapeString(p.shape))")
    }
    if !p.data.isContiguous { p.data = try p.data.contiguous() }
    var g = grad.data
    if g.dtype != p.dtype { g = try g.to(p.dtype) }
    if !g.isContiguous { g = try g.contiguous() }
    try body(p.data, g)
    p.data.storage.bumpVersion()
}

/// Per-parameter state buffer of the parameter's dtype and size (zeros).
func zeroState(like p: Tensor) throws -> NDArray {
    try NDArray.zeros(p.shape, dtype: p.dtype)
}
