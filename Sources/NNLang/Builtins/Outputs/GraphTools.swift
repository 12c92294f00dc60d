import Autograd
import Foundation
import NN
import Tensor

/// `graph(t)`, `gradcheck(f, *inputs)` and `summary(model, input_shape)`.
extension Library {
    func registerGraphTools() {
        function("graph", "tensor", doc: "The computational graph that produced a tensor, as a Mermaid flowchart.") { a in
            let t = try a.tensor("tensor")
            try a.interpreter.emit(.mermaid(mermaidGraph(t)))
            return .none
        }
        function("gradcheck", "func, *inputs, eps=1e-06, atol=1e-05, rtol=0.001",
                 doc: "Compares autograd gradients with central finite differences in float64; fails the cell on mismatch.") { a in
            try a.interpreter.gradcheck(a["func"], a.rest, eps: try a.double("eps"), atol: try a.double("atol"), rtol: try a.double("rtol"))
            return .none
        }
        function("summary", "model, input_shape", doc: "A table of layers, output shapes and parameter counts.") { a in
            try a.interpreter.summary(a["model"], try a.interpreter.shapeValue([a["input_shape"]], "summary"))
            return .none
        }
    }
}

/// Nodes are the tensors of the graph: leaves (inputs and parameters) and op results,
/// each labelled with its op (grad_fn) and shape; edges run from inputs to results.
func mermaidGraph(_ root: Tensor) -> String {
    var ids: [ObjectIdentifier: Int] = [:]
    var lines = ["flowchart TD"]
    var edges: [String] = []
    var stack = [root]
    func id(_ t: Tensor) -> Int {
        if let i = ids[ObjectIdentifier(t)] { return i }
        let i = ids.count
        ids[ObjectIdentifier(t)] = i
        return i
    }
    // Breadth-first from the result, inputs in operand order, so numbering reads top-down.
    var visited = Set<ObjectIdentifier>()
    var order: [Tensor] = []
    var head = 0
    while head < stack.count {
        let t = stack[head]
        head += 1
        guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
        order.append(t)
        _ = id(t)
        for input in t.gradFn?.next ?? [] { stack.append(input) }
    }
    for t in order {
        let n = id(t)
        let shape = shapeString(t.shape)
        let label: String
        if let fn = t.gradFn {
            label = "\(fn.name.replacingOccurrences(of: "Backward0", with: "").replacingOccurrences(of: "Backward1", with: "")) \(shape)"
        } else {
            label = "input \(shape)"
        }
        lines.append("  n\(n)[\"\(label)\"]")
        for input in t.gradFn?.next ?? [] { edges.append("  n\(id(input)) --> n\(n)") }
    }
    return (lines + edges).joined(separator: "\n")
}

extension Interpreter {
    func gradcheck(_ f: Value, _ inputs: [Value], eps: Double, atol: Double, rtol: Double) throws {
        if inputs.isEmpty { throw LangError("gradcheck(f, *inputs) needs at least one input tensor") }
        let originals = try inputs.map { try tensorValue($0, "gradcheck() input") }
        let values = originals.map { $0.data.toDoubles() }
        func evaluate(_ vs: [[Double]], requiresGrad: Bool) throws -> ([Tensor], Tensor) {
            let xs = try engine { try zip(vs, originals).map { try Tensor.from($0, shape: $1.shape, dtype: .float64, requiresGrad: requiresGrad) } }
            let out = try call(f, xs.map { .tensor($0) })
            guard case .tensor(let y) = out else { throw LangError("gradcheck(): f must return a tensor, not \(out.typeName)") }
            return (xs, y)
        }
        let (xs, y) = try evaluate(values, requiresGrad: true)
        let m = y.numel()
        let flatY = try engine { try y.reshape([m]) }
        // Analytic Jacobian rows, one backward pass per output element.
        var analytic = values.map { v in [[Double]](repeating: [Double](repeating: 0, count: v.count), count: m) }
        for j in 0..<m {
            let grads = try engine { try Tensor.grad(outputs: [try flatY.index([.int(j)])], inputs: xs, retainGraph: true, allowUnused: true) }
            for (i, g) in grads.enumerated() {
                if let g = g { analytic[i][j] = g.data.toDoubles() }
            }
        }
        var rows: [[String]] = []
        var failure: String?
        for i in values.indices {
            var worst = 0.0
            var ok = true
            for k in values[i].indices {
                var plus = values, minus = values
                plus[i][k] += eps
                minus[i][k] -= eps
                let yp = try GradMode.withDisabled { try evaluate(plus, requiresGrad: false).1 }.data.toDoubles()
                let ym = try GradMode.withDisabled { try evaluate(minus, requiresGrad: false).1 }.data.toDoubles()
                for j in 0..<m {
                    let numeric = (yp[j] - ym[j]) / (2 * eps)
                    let exact = analytic[i][j][k]
                    let error = abs(numeric - exact)
                    worst = max(worst, error)
                    if error > atol + rtol * abs(numeric) { ok = false }
                }
            }
            rows.append(["\(i)", shapeString(originals[i].shape), String(format: "%.2e", worst), ok ? "ok" : "MISMATCH"])
            if !ok && failure == nil {
                failure = "gradcheck: the gradient of input \(i) differs from central finite differences (max error \(String(format: "%.2e", worst)), atol=\(pythonFloatRepr(atol)), rtol=\(pythonFloatRepr(rtol)))"
            }
        }
        try emit(.table(OutputTable(title: "gradcheck (float64, eps=\(pythonFloatRepr(eps)))",
                                header: ["input", "shape", "max |autograd − numeric|", "result"],
                                rightAligned: [true, false, true, false], rows: rows)))
        if let failure = failure { throw LangError(failure) }
    }

    func summary(_ model: Value, _ inputShape: [Int]) throws {
        var rows: [[String]] = []
        var x = Value.tensor(try engine { try Tensor.zeros(inputShape) })
        func count(_ v: Value) -> Int {
            namedParameters(v, prefix: "", recurse: true).reduce(0) { total, p in
                if case .tensor(let t) = p.1 { return total + t.numel() }
                return total
            }
        }
        var layers: [(String, Value)] = moduleMembers(model).children
        if case .object(let o as ModuleObject) = model, !(o.module is NN.Sequential) { layers = [] }
        if case .instance = model { layers = [] }
        try GradMode.withDisabled {
            if layers.isEmpty {
                let out = try call(model, [x])
                let shape = { if case .tensor(let t) = out { return shapeString(t.shape) } else { return out.typeName } }()
                for (name, child) in moduleMembers(model).children {
                    rows.append([name, (try? repr(child).components(separatedBy: "\n").first ?? "") ?? "", "", String(count(child))])
                }
                rows.append(["(output)", "", shape, ""])
            } else {
                for (name, layer) in layers {
                    x = try call(layer, [x])
                    let shape = { if case .tensor(let t) = x { return shapeString(t.shape) } else { return x.typeName } }()
                    let title = (try? repr(layer).components(separatedBy: "\n").first ?? "") ?? ""
                    rows.append([name, title, shape, String(count(layer))])
                }
            }
        }
        rows.append(["total", "", "", String(count(model))])
        try emit(.table(OutputTable(title: "summary (input \(shapeString(inputShape)))", header: ["layer", "module", "output shape", "parameters"],
                                rightAligned: [false, false, false, true], rows: rows)))
    }
}
