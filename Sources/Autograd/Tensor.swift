import Tensor

/// A tensor that records the operations applied to it, for reverse-mode differentiation.
/// It wraps an `NDArray` (`data`), and when it requires a gradient either is a leaf
/// (created by the user, gradient accumulated in `grad`) or has a `gradFn` node.
///
/// ```swift
/// let x = try Tensor(NDArray([2, 3] as [Float]), requiresGrad: true)
/// let y = try (x * x).sum()
/// try y.backward()
/// print(x.grad!)          // tensor([4., 6.])
/// ```
public final class Tensor {
    // The stored properties skip Swift's dynamic exclusivity checks: they are read on every
    // operation (a few percent of a small op), and a tensor's graph is used by one thread.
    /// The values. Assigning replaces them without recording (PyTorch's `x.data = …`).
    @exclusivity(unchecked) public var data: NDArray
    /// Accumulated gradient of a leaf after `backward()`; set to nil to clear it.
    @exclusivity(unchecked) public var grad: Tensor?
    /// The node that produced this tensor, nil for leaves.
    @exclusivity(unchecked) public internal(set) var gradFn: Node?
    @exclusivity(unchecked) private var leafRequiresGrad: Bool
    /// For a view (a result sharing its input's storage), the tensor it views: in-place
    /// writes through the view rebase this base's history (PyTorch's CopySlices).
    @exclusivity(unchecked) var viewBase: Tensor?

    /// A leaf tensor. Only floating-point tensors can require gradients.
    public init(_ data: NDArray, requiresGrad: Bool = false) throws {
        if requiresGrad && !data.dtype.isFloatingPoint {
            throw TensorError("only Tensors of floating point dtype can require gradients")
        }
        self.data = data
        self.leafRequiresGrad = requiresGrad
    }

    /// A result: a leaf without gradient, or the output of `gradFn`.
    init(data: NDArray, gradFn: Node?) {
        self.data = data
        self.gradFn = gradFn
        self.leafRequiresGrad = false
    }

    /// True for leaves that require grad and for every recorded result.
    public var requiresGrad: Bool {
        @inline(__always) get { leafRequiresGrad || gradFn != nil }
    }

    /// True when not produced by a recorded operation.
    public var isLeaf: Bool { gradFn == nil }

    /// `requires_grad_()`: switches gradient tracking of a leaf on or off.
    @discardableResult
    public func requiresGrad_(_ flag: Bool = true) throws -> Tensor {
        if gradFn != nil && !flag {
            throw TensorError("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        }
        if flag && !data.dtype.isFloatingPoint {
            throw TensorError("only Tensors of floating point dtype can require gradients")
        }
        if gradFn == nil { leafRequiresGrad = flag }
        return self
    }

    /// A tensor sharing this one's storage, cut from the graph.
    public func detach() -> Tensor { Tensor(data: data, gradFn: nil) }

    /// A constant (never requires grad).
    public static func constant(_ data: NDArray) -> Tensor { Tensor(data: data, gradFn: nil) }

    public var shape: [Int] { data.shape }
    public var ndim: Int { data.ndim }
    public var dtype: DType { data.dtype }
    public func numel() -> Int { data.count }
    public func item() throws -> Double { try data.item() }
}
