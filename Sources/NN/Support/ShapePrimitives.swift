import Autograd
import Tensor

// Differentiable slicing, concatenation and row gathers used by the layers (recurrent time
// steps, attention projections, embeddings, shuffled batches). Each copies contiguous blocks.

/// Copies `count` blocks of `blockBytes` from `src` (stride `srcStride` bytes) to `dst` (stride `dstStride`).
@inline(__always)
private func copyBlocks(_ dst: UnsafeMutableRawPointer, dstStride: Int, _ src: UnsafeRawPointer, srcStride: Int, count: Int, blockBytes: Int) {
    for i in 0..<count { (dst + i * dstStride).copyMemory(from: src + i * srcStride, byteCount: blockBytes) }
}

@inline(__always)
private func rawPointer(_ a: NDArray) -> UnsafeMutableRawPointer { a.storage.pointer + a.offset * a.dtype.itemSize }

/// `x.narrow(dim, start, length)`: a copy of `length` entries along `dim` from `start`.
func narrow(_ x: Tensor, dim: Int, start: Int, length: Int) throws -> Tensor {
    let d = try x.data.normalizedDim(dim, op: "narrow")
    let size = x.shape[d]
    guard start >= 0, length >= 0, start + length <= size else {
        throw NNError("narrow: range \(start)..<\(start + length) is out of bounds for dimension \(dim) of size \(size)")
    }
    let primitive = Primitive("SliceBackward0") { inputs in
        let a = try inputs[0].contiguous()
        var shape = a.shape
        shape[d] = length
        let out = try NDArray.empty(shape, dtype: a.dtype)
        let inner = a.shape[(d + 1)...].reduce(1, *) * a.dtype.itemSize
        let outer = a.shape[..<d].reduce(1, *)
        copyBlocks(rawPointer(out), dstStride: length * inner, rawPointer(a) + start * inner, srcStride: size * inner,
                   count: outer, blockBytes: length * inner)
        return out
    } pullback: { g, ctx in
        if !GradMode.isEnabled {
            // a zeroed gradient of the input's shape with g's blocks copied into the slice (one pass)
            let gd = try g.data.contiguous()
            let full = try NDArray.zeros(ctx.inputs[0].shape, dtype: gd.dtype)
            let inner = gd.shape[(d + 1)...].reduce(1, *) * gd.dtype.itemSize
            let outer = gd.shape[..<d].reduce(1, *)
            copyBlocks(rawPointer(full) + start * inner, dstStride: size * inner, rawPointer(gd), srcStride: length * inner,
                       count: outer, blockBytes: length * inner)
            return [Tensor.constant(full)]
        }
        // create_graph: zeros before and after the slice, concatenated around g (differentiable)
        var parts: [Tensor] = []
        var before = ctx.inputs[0].shape, after = before
        before[d] = start
        after[d] = size - start - length
        if start > 0 { parts.append(try Tensor.zeros(before, dtype: g.dtype)) }
        parts.append(g)
        if after[d] > 0 { parts.append(try Tensor.zeros(after, dtype: g.dtype)) }
        return [parts.count == 1 ? g : try concatenate(parts, dim: d)]
    }
    return try Tensor.apply(primitive, [x])
}

/// `torch.cat(tensors, dim)`: shapes must agree except along `dim`; dtypes are promoted.
func concatenate(_ tensors: [Tensor], dim: Int) throws -> Tensor {
    guard let first = tensors.first else { throw NNError("cat: expected a non-empty list of tensors") }
    let d = try first.data.normalizedDim(dim, op: "cat")
    var dtype = first.dtype
    for t in tensors {
        guard t.ndim == first.ndim, (0..<t.ndim).allSatisfy({ $0 == d || t.shape[$0] == first.shape[$0] }) else {
            throw NNError("cat: sizes of tensors must match except in dimension \(d), got \(shapeString(first.shape)) and \(shapeString(t.shape))")
        }
        dtype = DType.promote(dtype, t.dtype)
    }
    if tensors.count == 1 { return first }
    let lengths = tensors.map { $0.shape[d] }
    let inputs = try tensors.map { $0.dtype == dtype ? $0 : try $0.to(dtype) }
    let primitive = Primitive("CatBackward0") { arrays in
        var shape = arrays[0].shape
        shape[d] = lengths.reduce(0, +)
        let out = try NDArray.empty(shape, dtype: dtype)
        let innerElems = shape[(d + 1)...].reduce(1, *)
        let outer = shape[..<d].reduce(1, *)
        let item = dtype.itemSize
        let outRow = shape[d] * innerElems * item
        var offset = 0
        for (a0, len) in zip(arrays, lengths) {
            let a = try a0.contiguous()
            let block = len * innerElems * item
            copyBlocks(rawPointer(out) + offset, dstStride: outRow, rawPointer(a), srcStride: block, count: outer, blockBytes: block)
            offset += block
        }
        return out
    } pullback: { g, _ in
        var start = 0
        return try lengths.map { len in
            defer { start += len }
            return try narrow(g, dim: d, start: start, length: len)
        }
    }
    return try Tensor.apply(primitive, inputs)
}

/// Rows of `x` (along dim 0) at `rows`; the gradient adds each row's gradient back.
func gatherRows(_ x: Tensor, _ rows: [Int]) throws -> Tensor {
    guard x.ndim >= 1 else { throw NNError("index_select: cannot index a 0-d tensor") }
    let n = x.shape[0]
    for r in rows where r < 0 || r >= n {
        throw NNError("index \(r) is out of bounds for dimension 0 with size \(n)")
    }
    let primitive = Primitive("IndexSelectBackward0") { arrays in
        let a = try arrays[0].contiguous()
        let rowBytes = a.shape.dropFirst().reduce(1, *) * a.dtype.itemSize
        let out = try NDArray.empty([rows.count] + a.shape.dropFirst(), dtype: a.dtype)
        let src = rawPointer(a), dst = rawPointer(out)
        for (i, r) in rows.enumerated() { (dst + i * rowBytes).copyMemory(from: src + r * rowBytes, byteCount: rowBytes) }
        return out
    } pullback: { g, ctx in
        [try scatterAddRows(g, rows, count: ctx.inputs[0].shape[0])]
    }
    return try Tensor.apply(primitive, [x])
}

/// Sums rows of `g` into a zero tensor of `count` rows at `rows` (the adjoint of `gatherRows`).
func scatterAddRows(_ g: Tensor, _ rows: [Int], count: Int) throws -> Tensor {
    let primitive = Primitive("IndexAddBackward0") { arrays in
        let a = try arrays[0].contiguous()
        let width = a.shape.dropFirst().reduce(1, *)
        let out = try NDArray.zeros([count] + a.shape.dropFirst(), dtype: a.dtype)
        switch a.dtype {
        case .float32:
            let s = a.pointer(Float.self), o = out.pointer(Float.self)
            for (i, r) in rows.enumerated() { for j in 0..<width { o[r * width + j] += s[i * width + j] } }
        case .float64:
            let s = a.pointer(Double.self), o = out.pointer(Double.self)
            for (i, r) in rows.enumerated() { for j in 0..<width { o[r * width + j] += s[i * width + j] } }
        default: throw NNError("index_add: expected a floating-point gradient")
        }
        return out
    } pullback: { g2, _ in
        [try gatherRows(g2, rows)]
    }
    return try Tensor.apply(primitive, [g])
}
