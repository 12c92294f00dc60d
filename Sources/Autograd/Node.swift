import Tensor

/// One differentiable primitive: its forward computation and, next to it, its pullback
/// (vector-Jacobian product). The engine sums broadcast axes of the returned gradients away
/// and casts them to each input's dtype, so pullbacks may return broadcast-shaped gradients.
///
/// A class, so recording a node retains one reference instead of copying closures.
///
/// ```swift
/// static let mul = Primitive("MulBackward0", saves: .inputs) { x in
///     try x[0].mul(x[1])
/// } pullback: { g, ctx in
///     [try g * ctx.inputs[1], try g * ctx.inputs[0]]
/// }
/// ```
public final class Primitive {
    /// What the pullback reads, so in-place changes to it can be detected.
    public struct Saves: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let inputs = Saves(rawValue: 1)
        public static let output = Saves(rawValue: 2)
        public static let nothing: Saves = []
    }

    /// The `grad_fn` name PyTorch prints, e.g. `MulBackward0`.
    public let name: String
    public let saves: Saves
    public let forward: (ForwardInputs) throws -> NDArray
    public let pullback: (Tensor, PullbackContext) throws -> [Tensor?]

    public init(_ name: String, saves: Saves = .nothing,
                forward: @escaping (ForwardInputs) throws -> NDArray,
                pullback: @escaping (Tensor, PullbackContext) throws -> [Tensor?]) {
        self.name = name
        self.saves = saves
        self.forward = forward
        self.pullback = pullback
    }
}

/// The forward's view of its inputs: `x[i]` is input i's NDArray. (A wrapper over the
/// tensors, so applying a primitive builds no second array.)
public struct ForwardInputs: RandomAccessCollection {
    let tensors: [Tensor]
    @inline(__always) public subscript(i: Int) -> NDArray {
        _read { yield tensors[i].data }   // borrowed: no copy of the array's references
    }
    public var startIndex: Int { 0 }
    public var endIndex: Int { tensors.count }
    /// All inputs' arrays (for variadic primitives such as cat).
    public var arrays: [NDArray] { tensors.map { $0.data } }
}

/// What a pullback sees: the inputs of the forward call, the output (when saved), and
/// which inputs need a gradient (others may be skipped by returning nil).
public struct PullbackContext {
    public let inputs: [Tensor]
    let savedOutput: Tensor?
    public let needsGrad: [Bool]
    /// The forward output; only for primitives that save it.
    public var output: Tensor {
        guard let o = savedOutput else { preconditionFailure("primitive did not declare .output in saves") }
        return o
    }
}

/// A recorded application of a primitive: the graph's node for one output tensor.
/// It holds its inputs (never its output tensor object), so graphs have no reference cycles.
///
/// For each input it also keeps the node that had produced it when this node was recorded
/// (an in-place operation later gives the tensor a new `gradFn`, but gradients of uses
/// recorded before belong to the old history, as in PyTorch) and, when the primitive saves
/// its inputs, the input's storage version then (checked before the pullback). The first
/// two inputs' are stored inline, so recording a node allocates nothing besides itself.
public final class Node {
    public let primitive: Primitive
    /// The `grad_fn` name, e.g. `MulBackward0`.
    public var name: String { primitive.name }
    // Unchecked exclusivity: these are read on every op and every backward step, and a
    // node is only touched by the thread running its graph (the dynamic checks cost ~4%).
    @exclusivity(unchecked) private(set) var inputs: [Tensor]
    @exclusivity(unchecked) private var fn0: Node?, fn1: Node?
    @exclusivity(unchecked) private var moreFns: [Node?] = []
    private var version0 = -1, version1 = -1
    private var moreVersions: [Int] = []
    @exclusivity(unchecked) private var savedOutputData: NDArray?
    private let outputVersion: Int
    /// Set once backward ran without `retainGraph`.
    @exclusivity(unchecked) var released = false

    init(primitive: Primitive, inputs: [Tensor], output: __shared NDArray) {
        self.primitive = primitive
        self.inputs = inputs
        let checksInputs = primitive.saves.contains(.inputs)
        let count = inputs.count
        if count > 0 {
            fn0 = inputs[0].gradFn
            if checksInputs { version0 = inputs[0].data.storage.version }
        }
        if count > 1 {
            fn1 = inputs[1].gradFn
            if checksInputs { version1 = inputs[1].data.storage.version }
        }
        if count > 2 {
            moreFns = inputs[2...].map { $0.gradFn }
            if checksInputs { moreVersions = inputs[2...].map { $0.data.storage.version } }
        }
        if primitive.saves.contains(.output) {
            savedOutputData = output
            outputVersion = output.storage.version
        } else {
            outputVersion = 0
        }
    }

    /// The node that produced input `i` when this node was recorded (nil for a leaf).
    @inline(__always)
    func inputFn(_ i: Int) -> Node? { i == 0 ? fn0 : i == 1 ? fn1 : moreFns[i - 2] }

    /// Input `i`'s storage version when recorded, −1 when not checked.
    private func inputVersion(_ i: Int) -> Int {
        i == 0 ? version0 : i == 1 ? version1 : (moreVersions.isEmpty ? -1 : moreVersions[i - 2])
    }

    /// Tears long chains down iteratively: Swift would release a 100,000-node chain by
    /// recursion and overflow the stack. Nodes only this one keeps alive are detached
    /// from their tensors and released one by one from a worklist.
    deinit {
        // Common case (inputs are leaves or kept alive elsewhere): nothing to unwind, the
        // ordinary release below is not recursive.
        if fn0 == nil && fn1 == nil && moreFns.isEmpty && !inputs.contains(where: { $0.gradFn != nil }) { return }
        var pending: [Node] = []
        detachInputs(into: &pending)
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) { node.detachInputs(into: &pending) }
        }
    }

    /// Moves the input nodes (and those of tensors only this node keeps alive) to
    /// `pending`, so they are released from the worklist rather than by recursion. (A node
    /// may be listed twice; it is torn down when its last listing is popped.)
    private func detachInputs(into pending: inout [Node]) {
        for i in inputs.indices where isKnownUniquelyReferenced(&inputs[i]) {
            if let fn = inputs[i].gradFn {
                inputs[i].gradFn = nil
                pending.append(fn)
            }
        }
        inputs = []
        if let fn = fn0 { pending.append(fn); fn0 = nil }
        if let fn = fn1 { pending.append(fn); fn1 = nil }
        for fn in moreFns { if let fn { pending.append(fn) } }
        moreFns = []
    }

    /// Whether input `i` takes a gradient: it was produced by a node, or is a leaf that
    /// requires grad.
    @inline(__always)
    func inputNeedsGrad(_ i: Int) -> Bool {
        inputFn(i) != nil || (inputs[i].gradFn == nil && inputs[i].requiresGrad)
    }

    /// The inputs this node feeds gradients to (those requiring grad).
    public var next: [Tensor] { inputs.indices.filter { inputNeedsGrad($0) }.map { inputs[$0] } }

    func release() {
        released = true
        savedOutputData = nil
    }

    /// Runs the pullback after checking that saved tensors are intact.
    func callPullback(_ grad: Tensor) throws -> [Tensor?] {
        if released {
            throw TensorError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        for i in inputs.indices {
            let expected = inputVersion(i)
            if expected >= 0 && inputs[i].data.storage.version != expected {
                let data = inputs[i].data
                throw modifiedError(data, outputOf: inputFn(i)?.name, version: data.storage.version, expected: expected)
            }
        }
        var output: Tensor?
        if let saved = savedOutputData {
            if saved.storage.version != outputVersion {
                throw modifiedError(saved, outputOf: name, version: saved.storage.version, expected: outputVersion)
            }
            output = Tensor(data: saved, gradFn: self)
        }
        let ctx = PullbackContext(inputs: inputs, savedOutput: output, needsGrad: inputs.indices.map { inputNeedsGrad($0) })
        return try primitive.pullback(grad, ctx)
    }

    private func modifiedError(_ a: NDArray, outputOf: String?, version: Int, expected: Int) -> TensorError {
        let typeName: String
        switch a.dtype {
        case .float32: typeName = "torch.FloatTensor"
        case .float64: typeName = "torch.DoubleTensor"
        case .int64: typeName = "torch.LongTensor"
        case .bool: typeName = "torch.BoolTensor"
        }
        let origin = outputOf.map { ", which is output 0 of \($0)," } ?? ""
        return TensorError("one of the variables needed for gradient computation has been modified by an inplace operation: [\(typeName) \(shapeString(a.shape))]\(origin) is at version \(version); expected version \(expected) instead.")
    }
}

extension Tensor {
    /// Applies a primitive, recording a node when grad mode is on and an input requires grad.
    public static func apply(_ p: Primitive, _ inputs: [Tensor]) throws -> Tensor {
        let out = try p.forward(ForwardInputs(tensors: inputs))
        var records = false
        if out.dtype.isFloatingPoint {
            for t in inputs where t.requiresGrad { records = true; break }
            if records { records = GradMode.isEnabled }
        }
        // A result sharing its only input's storage is a view of it (of its base, for a view
        // of a view): in-place operations on it rebase the base's history.
        let isView = inputs.count == 1 && out.storage === inputs[0].data.storage
        let node = records ? Node(primitive: p, inputs: inputs, output: out) : nil
        let tensor = Tensor(data: out, gradFn: node)
        if isView { tensor.viewBase = inputs[0].viewBase ?? inputs[0] }
        return tensor
    }
}
