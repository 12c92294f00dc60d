import Tensor

// Indexing: every subscript's gradient scatters back through the storage offsets the
// subscript selects in a contiguous layout of the input (views and gathers alike).
extension Primitive {
    static func index(_ items: [IndexItem], name: String) -> Primitive {
        Primitive(name) { x in try x[0].index(items) } pullback: { g, ctx in
            let x = ctx.inputs[0]
            let r = try NDArray.layout(x.shape, dtype: x.dtype).resolveIndex(items)
            let offsets = r.offsets ?? r.view!.elementOffsets()
            return [try Tensor.apply(.scatterAdd(offsets, into: x.shape), [g])]
        }
    }

    /// Zeros of `shape` plus the input at contiguous-layout `offsets`; adjoint of `gatherAt`.
    static func scatterAdd(_ offsets: [Int], into shape: [Int]) -> Primitive {
        Primitive("IndexPutBackward0") { x in try x[0].scatterAdd(storageOffsets: offsets, into: shape) } pullback: { g, ctx in
            [try Tensor.apply(.gatherAt(offsets, shape: ctx.inputs[0].shape, name: "IndexBackward0"), [g])]
        }
    }

    /// Elements at contiguous-layout `offsets` of the input, shaped `shape`.
    static func gatherAt(_ offsets: [Int], shape: [Int], name: String) -> Primitive {
        Primitive(name) { x in try x[0].contiguousAtZero().gather(storageOffsets: offsets, shape: shape) } pullback: { g, ctx in
            [try Tensor.apply(.scatterAdd(offsets, into: ctx.inputs[0].shape), [g])]
        }
    }

    static func cat(dim: Int, name: String) -> Primitive {
        Primitive(name) { x in try NDArray.concatenate(x.arrays, dim: dim) } pullback: { g, ctx in
            var start = 0
            var grads: [Tensor?] = []
            for input in ctx.inputs {
                if input.ndim == 1 && input.numel() == 0 { grads.append(nil); continue }
                let d = try normalizeDim(dim, ndim: input.ndim)
                let n = input.shape[d]
                var items = [IndexItem](repeating: .all, count: d)
                items.append(.slice(start: start, end: start + n, step: 1))
                grads.append(ctx.needsGrad[grads.count] ? try g.index(items) : nil)
                start += n
            }
            return grads
        }
    }

    /// Values of `max(dim)` / `min(dim)`: the gradient goes to the selected index only.
    static func extremeAlong(dim: Int, keepdim: Bool, isMax: Bool) -> Primitive {
        Primitive(isMax ? "MaxBackward0" : "MinBackward0", saves: .inputs) { x in
            isMax ? try x[0].maxAlong(dim: dim, keepdim: keepdim).values : try x[0].minAlong(dim: dim, keepdim: keepdim).values
        } pullback: { g, ctx in
            let x = ctx.inputs[0].data
            let idx = isMax ? try x.maxAlong(dim: dim, keepdim: true).indices : try x.minAlong(dim: dim, keepdim: true).indices
            let offsets = try x.gatherLayoutOffsets(dim: dim, index: idx)
            let gk = keepdim || x.ndim == 0 ? g : try g.unsqueeze(dim)
            return [try Tensor.apply(.scatterAdd(offsets, into: x.shape), [gk.reshape(idx.shape)])]
        }
    }
}
