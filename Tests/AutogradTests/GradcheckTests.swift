import Testing
import Autograd
import Tensor

/// One differentiable operation under test: input shapes (float64, uniform in `range`)
/// and the function of the leaves.
struct GradCase: CustomStringConvertible {
    var name: String
    var shapes: [[Int]]
    var range: (Double, Double) = (-2, 2)
    /// False for ops whose second derivative is treated as constant (gelu).
    var secondOrder = true
    var f: ([Tensor]) throws -> Tensor
    var description: String { name }
}

private func c(_ name: String, _ shapes: [[Int]], range: (Double, Double) = (-2, 2), secondOrder: Bool = true,
               _ f: @escaping ([Tensor]) throws -> Tensor) -> GradCase {
    GradCase(name: name, shapes: shapes, range: range, secondOrder: secondOrder, f: f)
}

/// Every differentiable op, including broadcast, non-contiguous (transposed) and expanded inputs.
let gradCases: [GradCase] = [
    c("add broadcast", [[3, 1], [4]]) { try $0[0] + $0[1] },
    c("sub broadcast", [[2, 3], [3]]) { try $0[0] - $0[1] },
    c("rsub scalar", [[3]]) { try 2.0 - $0[0] },
    c("mul broadcast", [[2, 3], [2, 1]]) { try $0[0] * $0[1] },
    c("mul non-contiguous", [[3, 2], [2, 3]]) { try $0[0].transpose(0, 1) * $0[1] },
    c("mul expanded", [[3, 1], [3, 4]]) { try $0[0].expand([3, 4]) * $0[1] },
    c("div", [[2, 3], [3]], range: (0.5, 2)) { try $0[0] / $0[1] },
    c("scalar div", [[3]], range: (0.5, 2)) { try 3.0 / $0[0] },
    c("pow tensor", [[4], [4]], range: (0.5, 2)) { try $0[0].pow($0[1]) },
    c("pow scalar", [[4]], range: (0.5, 2)) { try $0[0].pow(3.5) },
    c("pow square", [[4]]) { try $0[0].pow(2) },
    c("maximum", [[5], [5]]) { try $0[0].maximum($0[1]) },
    c("minimum broadcast", [[2, 3], [3]]) { try $0[0].minimum($0[1]) },
    c("where", [[2, 3], [2, 3]]) { x in try Tensor.where(x[0].compare(.gt, 0.0), x[0], x[1]) },
    c("neg", [[3]]) { try -$0[0] },
    c("exp", [[3, 2]]) { try $0[0].exp() },
    c("log", [[3]], range: (0.5, 3)) { try $0[0].log() },
    c("sqrt", [[3]], range: (0.5, 3)) { try $0[0].sqrt() },
    c("sin", [[3]]) { try $0[0].sin() },
    c("cos", [[3]]) { try $0[0].cos() },
    c("tanh", [[3]]) { try $0[0].tanh() },
    c("sigmoid", [[3]]) { try $0[0].sigmoid() },
    c("relu", [[6]]) { try $0[0].relu() },
    c("abs", [[6]]) { try $0[0].abs() },
    c("leaky_relu", [[6]]) { try $0[0].leakyRelu(negativeSlope: 0.1) },
    c("gelu", [[6]], secondOrder: false) { try $0[0].gelu() },
    c("softplus", [[6]]) { try $0[0].softplus(beta: 2, threshold: 3) },
    c("clamp", [[6]]) { try $0[0].clamp(min: -0.5, max: 0.7) },
    c("sum", [[2, 3]]) { try $0[0].sum() },
    c("sum dims", [[2, 3, 2]]) { try $0[0].sum(dims: [0, 2]) },
    c("sum keepdim non-contiguous", [[3, 2]]) { try $0[0].T.sum(dim: 1, keepdim: true) },
    c("mean", [[2, 3]]) { try $0[0].mean() },
    c("mean dim", [[2, 3]]) { try $0[0].mean(dim: -1, keepdim: true) },
    c("max all", [[2, 3]]) { try $0[0].max() },
    c("amax dims", [[2, 3, 2]]) { try $0[0].amax(dims: [1]) },
    c("amin", [[2, 3]]) { try $0[0].amin(dims: [0], keepdim: true) },
    c("max dim values", [[3, 4]]) { try $0[0].max(dim: 1).values },
    c("min dim keepdim", [[3, 4]]) { try $0[0].min(dim: 0, keepdim: true).values },
    c("var", [[3, 4]]) { try $0[0].variance(dims: [1]) },
    c("std", [[3, 4]]) { try $0[0].std() },
    c("std correction 0", [[3, 4]]) { try $0[0].std(dims: [0], correction: 0, keepdim: true) },
    c("logsumexp", [[3, 4]]) { try $0[0].logsumexp(dims: [1]) },
    c("softmax", [[3, 4]]) { try $0[0].softmax(dim: 1) },
    c("softmax dim 0", [[3, 4]]) { try $0[0].softmax(dim: 0) },
    c("log_softmax", [[3, 4]]) { try $0[0].logSoftmax(dim: -1) },
    c("reshape", [[2, 3]]) { try $0[0].reshape([3, 2]) * $0[0].reshape([3, 2]) },
    c("reshape copy", [[2, 3]]) { try $0[0].T.reshape([6]).exp() },
    c("view", [[2, 3]]) { try $0[0].view([-1]).sin() },
    c("transpose", [[2, 3, 2]]) { try $0[0].transpose(0, 2).exp() },
    c("permute", [[2, 3, 2]]) { try $0[0].permute([1, 2, 0]).sin() },
    c("T", [[2, 3]]) { try $0[0].T.matmul($0[0]) },
    c("squeeze unsqueeze", [[3, 1]]) { try $0[0].squeeze().unsqueeze(0).exp() },
    c("flatten", [[2, 3, 2]]) { try $0[0].flatten(startDim: 1).sin() },
    c("contiguous", [[2, 3]]) { try $0[0].T.contiguous().exp() },
    c("index int", [[3, 4]]) { try $0[0].index([.int(1)]).exp() },
    c("index slice step", [[5, 4]]) { try $0[0].index([.slice(start: 1, end: nil, step: 2), .int(-1)]).exp() },
    c("index none ellipsis", [[2, 3, 4]]) { try $0[0].index([.ellipsis, .newAxis, .int(0)]).sin() },
    c("index gather repeated", [[4, 3]]) { x in
        try x[0].index([.tensor(NDArray([0, 2, 2, -1] as [Int64]))]).sin()
    },
    c("index two tensors", [[4, 3]]) { x in
        try x[0].index([.tensor(NDArray([0, 3] as [Int64])), .tensor(NDArray([1, 2] as [Int64]))]).exp()
    },
    c("index mask", [[2, 3]]) { x in try x[0].index([.tensor(x[0].data.compare(.gt, scalar: .float(0)))]).exp() },
    c("gather", [[3, 4]]) { x in try x[0].gather(dim: 1, index: Tensor.constant(NDArray([[0, 3], [1, 1], [2, 0]] as [[Int64]]))).sin() },
    c("cat", [[2, 3], [1, 3]]) { try Tensor.cat([$0[0], $0[1]], dim: 0).sin() },
    c("cat dim 1", [[2, 3], [2, 1]]) { try Tensor.cat([$0[0], $0[1].exp()], dim: -1) },
    c("stack", [[2, 3], [2, 3]]) { try Tensor.stack([$0[0], $0[1]], dim: 1).sin() },
    c("matmul 2d", [[3, 4], [4, 2]]) { try $0[0].matmul($0[1]) },
    c("matmul non-contiguous", [[4, 3], [2, 4]]) { try $0[0].T.matmul($0[1].T) },
    c("matmul dot", [[4], [4]]) { try $0[0].matmul($0[1]) },
    c("matmul mv", [[3, 4], [4]]) { try $0[0].matmul($0[1]) },
    c("matmul vm", [[4], [4, 2]]) { try $0[0].matmul($0[1]) },
    c("matmul batched broadcast", [[2, 1, 3, 4], [3, 4, 2]]) { try $0[0].matmul($0[1]) },
    c("matmul batched x 2d", [[2, 3, 4], [4, 2]]) { try $0[0].matmul($0[1]) },
    c("outer", [[3], [4]]) { try $0[0].outer($0[1]) },
    c("einsum ij,jk->ik", [[3, 4], [4, 2]]) { try Tensor.einsum("ij,jk->ik", $0) },
    c("einsum bij,bjk->bik", [[2, 3, 4], [2, 4, 2]]) { try Tensor.einsum("bij,bjk->bik", $0) },
    c("einsum ij,ij->", [[3, 4], [3, 4]]) { try Tensor.einsum("ij,ij->", $0) },
    c("einsum i,j->ji", [[3], [2]]) { try Tensor.einsum("i,j->ji", $0) },
    c("einsum ij->j", [[3, 4]]) { try Tensor.einsum("ij->j", $0) },
    c("einsum ...ij,...jk->...ik", [[2, 1, 3, 4], [5, 4, 2]]) { try Tensor.einsum("...ij,...jk->...ik", $0) },
    c("einsum ...i,...i->...", [[2, 3], [3]]) { try Tensor.einsum("...i,...i->...", $0) },
    c("einsum ij...,j...->i...", [[2, 3, 4], [3, 4]]) { try Tensor.einsum("ij...,j...->i...", $0) },
    c("einsum ...ij->ji", [[2, 3, 4]]) { try Tensor.einsum("...ij->ji", $0) },
    c("einsum ij... implicit", [[2, 3, 4]]) { try Tensor.einsum("ij...", $0) },
    c("einsum size-1 broadcast", [[2, 3], [1, 4]]) { try Tensor.einsum("ij,jk->ik", $0) },
    c("setitem", [[3, 4], [4]]) { x in
        let y = try x[0] * 1.0
        try y.setIndex([.int(1)], x[1].exp())
        return try y.sin()
    },
    c("setitem tensor index", [[4, 2], [2]]) { x in
        let y = try x[0] * 2.0
        try y.setIndex([.tensor(NDArray([0, 2] as [Int64]))], x[1])
        return y
    },
    c("in-place ops", [[3], [3]]) { x in
        let y = try x[0].sin()
        try y.mul_(x[1])
        try y.add_(x[1], alpha: 2)
        return y
    },
    c("in-place through views", [[2, 3], [3]]) { x in
        let y = try x[0] * 1.0
        try y.index([.int(0)]).mul_(x[1])
        try y.index([.int(1)]).add_(x[1].sin())
        try y.T.index([.int(2)]).mul_(3)
        return try y.exp()
    },
    c("composite mlp", [[4, 3], [3, 2], [2]]) { x in
        try (x[0].matmul(x[1]) + x[2]).tanh().sum(dim: 1)
    },
]

/// Central differences (PyTorch gradcheck: eps 1e-6, atol 1e-5, rtol 1e-3) of
/// L(x) = Σ f(x)·v for a fixed random v, against the engine's gradient of L.
func gradcheck(_ gc: GradCase, order: Int = 1) throws -> String? {
    let gen = Generator(seed: 42)
    let base = try gc.shapes.map { try gen.uniform($0, low: gc.range.0, high: gc.range.1, dtype: .float64).toDoubles() }
    func leaves(_ values: [[Double]]) throws -> [Tensor] {
        try zip(values, gc.shapes).map { try Tensor(NDArray(doubles: $0, shape: $1, dtype: .float64), requiresGrad: true) }
    }
    let out0 = try gc.f(leaves(base))
    let v = try Tensor.constant(gen.uniform(out0.shape, low: -1, high: 1, dtype: .float64))
    let w = try gc.shapes.map { try Tensor.constant(gen.uniform($0, low: -1, high: 1, dtype: .float64)) }

    // The scalar whose gradient is checked: L for order 1, Σ ∂L/∂x · w for order 2.
    func objective(_ xs: [Tensor], createGraph: Bool) throws -> Tensor {
        let l = try (gc.f(xs) * v).sum()
        if order == 1 { return l }
        let gs = try Tensor.grad(outputs: [l], inputs: xs, createGraph: true, allowUnused: true)
        var total = try Tensor.constant(NDArray.scalar(0, dtype: .float64))
        for (g, wi) in zip(gs, w) { if let g = g { total = try total + (g * wi).sum() } }
        return total
    }
    let xs = try leaves(base)
    let top = try objective(xs, createGraph: order == 2)
    // A gradient that does not depend on x (linear ops) has a zero second derivative.
    let analytic = top.requiresGrad ? try Tensor.grad(outputs: [top], inputs: xs, allowUnused: true) : xs.map { _ in nil }
    let eps = 1e-6
    for i in 0..<base.count {
        let a = analytic[i]?.data.toDoubles() ?? [Double](repeating: 0, count: base[i].count)
        for j in 0..<base[i].count {
            var plus = base, minus = base
            plus[i][j] += eps; minus[i][j] -= eps
            let lp = try objective(leaves(plus), createGraph: false).item()
            let lm = try objective(leaves(minus), createGraph: false).item()
            let numeric = (lp - lm) / (2 * eps)
            if Swift.abs(a[j] - numeric) > 1e-5 + 1e-3 * Swift.abs(numeric) {
                return "\(gc.name) (order \(order)): input \(i) element \(j): analytic \(a[j]) vs numeric \(numeric)"
            }
        }
    }
    return nil
}

@Suite struct GradcheckTests {
    @Test(arguments: gradCases) func firstOrder(_ gc: GradCase) throws {
        let failure = try gradcheck(gc)
        #expect(failure == nil, "\(failure ?? "")")
    }

    @Test(arguments: gradCases.filter { $0.secondOrder }) func secondOrder(_ gc: GradCase) throws {
        let failure = try gradcheck(gc, order: 2)
        #expect(failure == nil, "\(failure ?? "")")
    }
}
