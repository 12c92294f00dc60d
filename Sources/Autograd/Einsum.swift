import Tensor

extension Tensor {
    /// `torch.outer(a, b)` for 1-d tensors (as PyTorch: a column times a row).
    public func outer(_ other: Tensor) throws -> Tensor {
        if ndim != 1 || other.ndim != 1 {
            throw TensorError("outer: expected 1-D tensors, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        return try reshape([-1, 1]) * other
    }

    /// `torch.einsum` for one or two operands without `...` or repeated letters within an
    /// operand, e.g. `"ij,jk->ik"`, `"bij,bjk->bik"`, `"i,j->ij"`, `"ij->ji"`, `"ij,ij->"`.
    /// Written with permute, reshape, sum and matmul, so gradients come for free.
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        let eq = equation.filter { !$0.isWhitespace }
        if eq.contains(".") { throw TensorError("einsum(): ellipsis ('...') is not supported") }
        let sides = eq.components(separatedBy: "->")
        if sides.count > 2 { throw TensorError("einsum(): invalid equation '\(equation)'") }
        let inputs = sides[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        if inputs.count != operands.count {
            throw TensorError("einsum(): more operands were provided than specified in the equation")
        }
        if !(1...2).contains(inputs.count) { throw TensorError("einsum(): only one or two operands are supported") }
        var sizes: [Character: Int] = [:]
        for (k, (letters, t)) in zip(inputs, operands).enumerated() {
            if letters.count != t.ndim {
                throw TensorError("einsum(): the number of subscripts in the equation (\(letters.count)) does not match the number of dimensions (\(t.ndim)) for operand \(k)")
            }
            if Set(letters).count != letters.count {
                throw TensorError("einsum(): repeated subscripts within one operand (diagonals) are not supported")
            }
            for (c, n) in zip(letters, t.shape) {
                if !c.isLetter { throw TensorError("einsum(): invalid subscript '\(c)'") }
                if let m = sizes[c], m != n {
                    throw TensorError("einsum(): subscript '\(c)' has size \(n) for operand \(k) which does not broadcast with previously seen size \(m)")
                }
                sizes[c] = n
            }
        }
        let output: [Character]
        if sides.count == 2 {
            output = Array(sides[1])
            for c in output where sizes[c] == nil {
                throw TensorError("einsum(): output subscript \(c) does not appear in the equation for any input operand")
            }
        } else {
            let all = inputs.flatMap { $0 }
            output = Set(all).filter { c in all.filter { $0 == c }.count == 1 }.sorted()
        }

        // Sum away letters that appear in one operand only and not in the output.
        var ts = operands, ls = inputs
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
