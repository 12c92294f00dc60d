import Tensor

extension Tensor {
    /// Reverse-mode differentiation from this tensor: accumulates d(self)/d(leaf) into the
    /// `grad` of every leaf that requires grad. A non-scalar tensor needs `gradient`
    /// (the vector of the vector-Jacobian product). Without `retainGraph`, the graph's
    /// saved values are released and a second call throws. With `createGraph`, the
    /// gradients are themselves recorded, for higher derivatives.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false) throws {
        if !requiresGrad {
            throw TensorError("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let seed = try Tensor.seedGradient(for: self, gradient)
        _ = try Engine.run(roots: [(self, seed)], retainGraph: retainGraph ?? createGraph,
                           createGraph: createGraph, capture: nil)
    }

    /// `torch.autograd.grad`: gradients of `outputs` with respect to `inputs`, returned
    /// instead of accumulated into `.grad`. An input that `outputs` does not depend on gives
    /// an error unless `allowUnused`, in which case its entry is nil.
    public static func grad(outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor?]? = nil,
                            retainGraph: Bool? = nil, createGraph: Bool = false,
                            allowUnused: Bool = false) throws -> [Tensor?] {
        var roots: [(Tensor, Tensor)] = []
        for (i, o) in outputs.enumerated() {
            if !o.requiresGrad {
                throw TensorError("element \(i) of tensors does not require grad and does not have a grad_fn")
            }
            roots.append((o, try seedGradient(for: o, gradOutputs?[i] ?? nil)))
        }
        for (i, x) in inputs.enumerated() where !x.requiresGrad {
            throw TensorError("One of the differentiated Tensors (index \(i)) does not require grad")
        }
        let result = try Engine.run(roots: roots, retainGraph: retainGraph ?? createGraph,
                                    createGraph: createGraph, capture: inputs)
        if !allowUnused, let i = result.firstIndex(where: { $0 == nil }) {
            throw TensorError("One of the differentiated Tensors (index \(i)) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
        }
        return result
    }

    static func seedGradient(for t: Tensor, _ gradient: Tensor?) throws -> Tensor {
        if let g = gradient {
            if g.shape != t.shape {
                throw TensorError("Mismatch in shape: grad_output[0] has a shape of \(shapeString(g.shape)) and output[0] has a shape of \(shapeString(t.shape)).")
            }
            return g
        }
        if t.data.count != 1 { throw TensorError("grad can be implicitly created only for scalar outputs") }
        return Tensor(data: try NDArray.ones(t.shape, dtype: t.dtype), gradFn: nil)
    }
}

/// The backward pass: an iterative topological sort (no recursion, so a 5,000-step
/// unrolled chain cannot overflow the stack), then one pullback per node in reverse order.
enum Engine {
    static func run(roots: [(Tensor, Tensor)], retainGraph: Bool, createGraph: Bool,
                    capture: [Tensor]?) throws -> [Tensor?] {
        try GradMode.with(enabled: createGraph) {
            try runRecorded(roots: roots, retainGraph: retainGraph, createGraph: createGraph, capture: capture)
        }
    }

    private static func runRecorded(roots: [(Tensor, Tensor)], retainGraph: Bool, createGraph: Bool,
                                    capture: [Tensor]?) throws -> [Tensor?] {
        var captured = [Tensor?](repeating: nil, count: capture?.count ?? 0)
        // Where captured tensors receive their gradient: a non-leaf by its node, a leaf by identity.
        var captureByNode: [ObjectIdentifier: [Int]] = [:]
        var captureByLeaf: [ObjectIdentifier: [Int]] = [:]
        for (i, x) in (capture ?? []).enumerated() {
            if let fn = x.gradFn { captureByNode[ObjectIdentifier(fn), default: []].append(i) }
            else { captureByLeaf[ObjectIdentifier(x), default: []].append(i) }
        }

        var pending: [ObjectIdentifier: Tensor] = [:]
        var rootNodes: [Node] = []
        for (t, g) in roots {
            if let fn = t.gradFn {
                let id = ObjectIdentifier(fn)
                pending[id] = try accumulate(pending[id], g)
                rootNodes.append(fn)
            } else {
                try deliverToLeaf(t, g, capture: capture, captureByLeaf: captureByLeaf,
                                  captured: &captured, createGraph: createGraph)
            }
        }

        let order = topologicalOrder(from: rootNodes)
        defer { if !retainGraph { for node in order { node.release() } } }
        for node in order {
            let id = ObjectIdentifier(node)
            guard let g = pending.removeValue(forKey: id) else { continue }
            if let slots = captureByNode[id] { for i in slots { captured[i] = try accumulate(captured[i], g) } }
            let grads = try node.callPullback(g)
            for (i, input) in node.inputs.enumerated() where node.inputNeedsGrad(i) {
                guard i < grads.count, let raw = grads[i] else { continue }
                let gi = try reduceGradient(raw, to: input)
                if let fn = node.inputFn(i) {
                    let inputId = ObjectIdentifier(fn)
                    pending[inputId] = try accumulate(pending[inputId], gi)
                } else {
                    try deliverToLeaf(input, gi, capture: capture, captureByLeaf: captureByLeaf,
                                      captured: &captured, createGraph: createGraph)
                }
            }
        }
        return captured
    }

    private static func deliverToLeaf(_ leaf: Tensor, _ g: Tensor, capture: [Tensor]?,
                                      captureByLeaf: [ObjectIdentifier: [Int]],
                                      captured: inout [Tensor?], createGraph: Bool) throws {
        if capture != nil {
            if let slots = captureByLeaf[ObjectIdentifier(leaf)] {
                for i in slots { captured[i] = try accumulate(captured[i], g) }
            }
            return
        }
        if let existing = leaf.grad {
            leaf.grad = createGraph ? try existing + g : Tensor(data: try existing.data.add(g.data), gradFn: nil)
        } else {
            // A fresh buffer: gradients passed through unchanged (add, views) share storage.
            leaf.grad = createGraph ? g : Tensor(data: try g.data.clone(), gradFn: nil)
        }
    }

    @inline(__always)
    static func accumulate(_ existing: Tensor?, _ g: Tensor) throws -> Tensor {
        guard let e = existing else { return g }
        return try e + g
    }

    /// Sums broadcast axes away and casts to the input's dtype.
    static func reduceGradient(_ g: Tensor, to input: Tensor) throws -> Tensor {
        var out = g
        let target = input.shape
        if out.shape != target {
            let lead = out.ndim - target.count
            if lead < 0 {
                throw TensorError("internal: gradient of shape \(shapeString(out.shape)) for input of shape \(shapeString(target))")
            }
            var dims = Array(0..<lead)
            for (i, d) in target.enumerated() where d == 1 && out.shape[lead + i] != 1 { dims.append(lead + i) }
            if !dims.isEmpty { out = try out.sum(dims: dims, keepdim: true) }
            if out.shape != target { out = try out.reshape(target) }
        }
        if out.dtype != input.dtype { out = try out.to(input.dtype) }
        return out
    }

    /// Nodes reachable from `roots`, each after every node that feeds it a gradient.
    static func topologicalOrder(from roots: [Node]) -> [Node] {
        var visited = Set<ObjectIdentifier>()
        var postorder: [Node] = []
        var stack: [(Node, Int)] = []
        for root in roots where visited.insert(ObjectIdentifier(root)).inserted {
            stack.append((root, 0))
            while !stack.isEmpty {
                let (node, next) = stack[stack.count - 1]
                if next < node.inputs.count {
                    stack[stack.count - 1].1 = next + 1
                    if let child = node.inputFn(next), visited.insert(ObjectIdentifier(child)).inserted {
                        stack.append((child, 0))
                    }
                } else {
                    stack.removeLast()
                    postorder.append(node)
                }
            }
        }
        return postorder.reversed()
    }
}
