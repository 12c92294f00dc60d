import Tensor

extension Tensor {
    /// `torch.outer(a, b)` for 1-d tensors (as PyTorch: a column times a row).
    public func outer(_ other: Tensor) throws -> Tensor {
        if ndim != 1 || other.ndim != 1 {
            throw TensorError("outer: expected 1-D tensors, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        return try reshape([-1, 1]) * other
    }

    /// `torch.einsum` for one or two operands without repeated letters within an operand,
    /// e.g. `"ij,jk->ik"`, `"bij,bjk->bik"`, `"i,j->ij"`, `"ij->ji"`, `"ij,ij->"`, with `...`
    /// standing for broadcast leading dimensions as in PyTorch (`"...ij,...jk->...ik"`,
    /// `"...i,...i->..."`; without `->` the `...` dimensions come first in the output).
    /// Dimensions of size 1 broadcast against the same subscript's size in the other operand.
    /// Written with expand, permute, reshape, sum and matmul, so gradients come for free.
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        let eq = equation.filter { !$0.isWhitespace }
        let sides = eq.components(separatedBy: "->")
        if sides.count > 2 { throw TensorError("einsum(): invalid equation '\(equation)'") }
        let written = sides[0].split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        if written.count != operands.count {
            throw TensorError("einsum(): more operands were provided than specified in the equation")
        }
        if !(1...2).contains(written.count) { throw TensorError("einsum(): only one or two operands are supported") }
        // `...` becomes placeholder subscripts (non-letters), right-aligned across operands.
        var ellipsisDims: [Int?] = []
        for (k, term) in written.enumerated() {
            let parts = term.components(separatedBy: "...")
            if parts.count > 2 || parts.contains(where: { $0.contains(".") }) {
                throw TensorError("einsum(): found '.' for operand \(k) that is not part of any ellipsis")
            }
            if parts.count == 2 {
                let named = parts[0].count + parts[1].count
                if named > operands[k].ndim {
                    throw TensorError("einsum(): the number of subscripts in the equation (\(named)) is more than the number of dimensions (\(operands[k].ndim)) for operand \(k)")
                }
                ellipsisDims.append(operands[k].ndim - named)
            } else {
                ellipsisDims.append(nil)
            }
        }
        let ellipsisCount = ellipsisDims.compactMap { $0 }.max() ?? 0
        let placeholders = (0..<ellipsisCount).map { Character(UnicodeScalar(0x2460 + $0)!) }
        func expandEllipsis(_ term: String, dims: Int) -> [Character] {
            let parts = term.components(separatedBy: "...")
            if parts.count == 1 { return Array(term) }
            return Array(parts[0]) + placeholders.suffix(dims) + Array(parts[1])
        }
        let inputs = written.enumerated().map { expandEllipsis($0.element, dims: ellipsisDims[$0.offset] ?? 0) }
        var sizes: [Character: Int] = [:]
        for (k, (letters, t)) in zip(inputs, operands).enumerated() {
            if letters.count != t.ndim {
                throw TensorError("einsum(): the number of subscripts in the equation (\(letters.count)) does not match the number of dimensions (\(t.ndim)) for operand \(k) and no ellipsis was given")
            }
            if Set(letters).count != letters.count {
                throw TensorError("einsum(): repeated subscripts within one operand (diagonals) are not supported")
            }
            for (c, n) in zip(letters, t.shape) {
                if !c.isLetter && !placeholders.contains(c) { throw TensorError("einsum(): invalid subscript '\(c)'") }
                if let m = sizes[c], m != n, m != 1, n != 1 {
                    throw TensorError("einsum(): subscript '\(c)' has size \(n) for operand \(k) which does not broadcast with previously seen size \(m)")
                }
                sizes[c] = Swift.max(sizes[c] ?? 1, n)
            }
        }
        let output: [Character]
        if sides.count == 2 {
            let parts = sides[1].components(separatedBy: "...")
            if parts.count > 2 || parts.contains(where: { $0.contains(".") }) {
                throw TensorError("einsum(): found '.' for output that is not part of any ellipsis")
            }
            output = parts.count == 2 ? Array(parts[0]) + placeholders + Array(parts[1]) : Array(sides[1])
            for c in output where sizes[c] == nil {
                throw TensorError("einsum(): output subscript \(c) does not appear in the equation for any input operand")
            }
            if Set(output).count != output.count {
                throw TensorError("einsum(): output subscript appears more than once in the output")
            }
        } else {
            let all = inputs.flatMap { $0 }.filter { !placeholders.contains($0) }
            output = placeholders + Set(all).filter { c in all.filter { $0 == c }.count == 1 }.sorted()
        }

        // Size-1 dimensions broadcast: expand them to the subscript's size (the gradient of
        // expand sums them back).
        var ts = operands, ls = inputs
        for k in 0..<ts.count {
            let target = ls[k].map { sizes[$0]! }
            if target != ts[k].shape { ts[k] = try ts[k].expand(target) }
        }
        // Sum away letters that appear in one operand only and not in the output.
        for k in 0..<ts.count {
            let others = Set(ls.enumerated().filter { $0.offset != k }.flatMap { $0.element })
            let drop = ls[k].enumerated().filter { !output.contains($0.element) && !others.contains($0.element) }.map { $0.offset }
            if !drop.isEmpty {
                ts[k] = try ts[k].sum(dims: drop)
                ls[k] = ls[k].enumerated().filter { !drop.contains($0.offset) }.map { $0.element }
            }
        }
        if ts.count == 1 {
            return try ts[0].permute(output.map { ls[0].firstIndex(of: $0)! })
        }
        let a = ls[0], b = ls[1]
        let batch = output.filter { a.contains($0) && b.contains($0) }
        let left = output.filter { a.contains($0) && !b.contains($0) }
        let right = output.filter { b.contains($0) && !a.contains($0) }
        let contracted = a.filter { b.contains($0) && !output.contains($0) }
        func size(_ cs: [Character]) -> Int { cs.reduce(1) { $0 * sizes[$1]! } }
        let aPerm = (batch + left + contracted).map { a.firstIndex(of: $0)! }
        let bPerm = (batch + contracted + right).map { b.firstIndex(of: $0)! }
        let am = try ts[0].permute(aPerm).reshape([size(batch), size(left), size(contracted)])
        let bm = try ts[1].permute(bPerm).reshape([size(batch), size(contracted), size(right)])
        let product = try am.matmul(bm).reshape((batch + left + right).map { sizes[$0]! })
        let order = batch + left + right
        let perm = output.map { order.firstIndex(of: $0)! }
        return perm == Array(0..<perm.count) ? product : try product.permute(perm)
    }
}
