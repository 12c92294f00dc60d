import Autograd
import Foundation
import NN
import Tensor
import Testing

// Issue #6 additions (l1 / smooth_l1 / huber / kl_div losses, ReLU6 … PReLU activations, normalize,
// cosine_similarity, pairwise_distance, RMSprop, Adagrad) against PyTorch 2.13 in float64
// (fixtures/generate_nn_fixtures.py: coverage_*.json) to 1e-6 relative, plus float64 gradchecks.

private let coverageFiles = ["coverage_losses", "coverage_activations"]

/// The module (parameters as in the fixture) or functional call a coverage case exercises.
private func coverageCase(_ c: FixtureCase) throws -> (Module?, ([Tensor]) throws -> [Tensor]) {
    let n = c.name
    let reduction = try Reduction(parsing: c.string("reduction", "mean") == "batchmean" ? "mean" : c.string("reduction", "mean"))
    func module(_ m: Module) throws -> (Module?, ([Tensor]) throws -> [Tensor]) {
        for (name, value) in c.params { try assignParameter(m, name, value) }
        return (m, { x in [try m.forward(x[0])] })
    }
    func functional(_ f: @escaping ([Tensor]) throws -> Tensor) -> (Module?, ([Tensor]) throws -> [Tensor]) { (nil, { x in [try f(x)] }) }
    switch n {
    case _ where n.hasSuffix("_boundary"):
        return try coverageCase(FixtureCase(raw: c.raw.merging(["name": String(n.dropLast("_boundary".count))]) { _, new in new }))
    case "hardtanh", "hardtanh_range": return try module(try Hardtanh(minVal: c.double("min_val", -1), maxVal: c.double("max_val", 1)))
    case "relu6": return try module(ReLU6())
    case "selu": return try module(SELU())
    case "mish", "mish_extreme": return try module(Mish())
    case "softsign": return try module(Softsign())
    case "hardswish": return try module(Hardswish())
    case "hardsigmoid": return try module(Hardsigmoid())
    case "logsigmoid", "logsigmoid_extreme": return try module(LogSigmoid())
    case "tanhshrink": return try module(Tanhshrink())
    case "softshrink", "softshrink_lambd": return try module(try Softshrink(lambd: c.double("lambd", 0.5)))
    case "hardshrink", "hardshrink_lambd": return try module(Hardshrink(lambd: c.double("lambd", 0.5)))
    case "prelu", "prelu_channels": return try module(try PReLU(numParameters: c.int("num_parameters", 1), dtype: .float64))
    case _ where n.hasPrefix("normalize"):
        return functional { x in try F.normalize(x[0], p: c.double("p", 2), dim: c.int("dim", 1)) }
    case _ where n.hasPrefix("cosine_similarity"):
        return functional { x in try F.cosineSimilarity(x[0], x[1], dim: c.int("dim", 1)) }
    case _ where n.hasPrefix("pairwise_distance"):
        return functional { x in try F.pairwiseDistance(x[0], x[1], p: c.double("p", 2), eps: c.double("eps", 1e-6), keepdim: c.bool("keepdim", false)) }
    case _ where n.hasPrefix("l1_"): return functional { x in try F.l1Loss(x[0], x[1], reduction: reduction) }
    case _ where n.hasPrefix("smooth_l1"): return functional { x in try F.smoothL1Loss(x[0], x[1], reduction: reduction, beta: c.double("beta", 1)) }
    case _ where n.hasPrefix("huber"): return functional { x in try F.huberLoss(x[0], x[1], reduction: reduction, delta: c.double("delta", 1)) }
    case _ where n.hasPrefix("kl_div"):
        let kl = try KLDivReduction(parsing: c.string("reduction", "mean"))
        return functional { x in try F.klDiv(x[0], x[1], reduction: kl, logTarget: c.bool("log_target", false)) }
    default: throw NNError("no builder for coverage case \(n)")
    }
}

private struct CoverageCase {
    let module: Module?
    let call: ([Tensor]) throws -> [Tensor]
    let inputs: [Tensor]
    let upstream: [Tensor?]
    init(_ c: FixtureCase) throws {
        (module, call) = try coverageCase(c)
        let wanted = c.inputGrads.map { $0 != nil }
        inputs = try c.inputs.enumerated().compactMap { i, f in try f.map { try tensor($0, requiresGrad: i < wanted.count && wanted[i]) } }
        upstream = try c.gradOutputs.map { try $0.map { try tensor($0) } }
    }
    func objective() throws -> (outputs: [Tensor], total: Tensor?) {
        let outs = try call(inputs)
        var total: Tensor? = nil
        for (o, g) in zip(outs, upstream) {
            guard let g else { continue }
            let term = try (try o * g).sum()
            total = try total.map { try $0 + term } ?? term
        }
        return (outs, total)
    }
    var leaves: [(String, Tensor)] {
        inputs.enumerated().compactMap { i, t in t.requiresGrad ? ("input \(i)", t) : nil } + (module?.namedParameters() ?? [])
    }
}

@Test(arguments: coverageFiles)
func coverageAdditionsMatchPyTorch(file: String) throws {
    let cases = try Fixtures.load(file)
    #expect(cases.count > 10)
    for c in cases {
        let p: CoverageCase
        do { p = try CoverageCase(c) } catch { Issue.record("\(file)/\(c.name): could not build: \(error)"); continue }
        let (outs, total) = try p.objective()
        guard outs.count == c.outputs.count else { Issue.record("\(file)/\(c.name): output count"); continue }
        for (k, (o, e)) in zip(outs, c.outputs).enumerated() {
            if o.shape != e.shape { Issue.record("\(file)/\(c.name): output \(k) shape \(o.shape) vs \(e.shape)"); continue }
            if let m = relativeMismatch(o.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): output \(k): \(m)") }
        }
        if let module = p.module {
            let names = module.namedParameters().map { ($0.0, $0.1.shape) }
            #expect(names.map(\.0) == c.paramNames.map(\.0) && names.map(\.1) == c.paramNames.map(\.1), "\(c.name): parameter names/shapes")
        }
        guard let total else { continue }
        try total.backward()
        var inputIndex = 0
        for (i, e) in c.inputGrads.enumerated() {
            defer { if c.inputs[i] != nil { inputIndex += 1 } }
            guard let e else { continue }
            guard let g = p.inputs[inputIndex].grad else { Issue.record("\(file)/\(c.name): input \(i) has no gradient"); continue }
            if let m = relativeMismatch(g.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): grad input \(i): \(m)") }
        }
        if let module = p.module {
            let params = Dictionary(module.namedParameters().map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            for (name, e) in c.paramGrads {
                guard let g = params[name]?.grad else { Issue.record("\(file)/\(c.name): parameter \(name) has no gradient"); continue }
                if let m = relativeMismatch(g.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): grad \(name): \(m)") }
            }
        }
    }
}

@Test(arguments: coverageFiles)
func coverageAdditionsGradcheck(file: String) throws {
    func element(_ t: Tensor, _ i: Int) -> Double { t.data.pointer(Double.self)[i] }
    func setElement(_ t: Tensor, _ i: Int, _ v: Double) {
        t.data.pointer(Double.self)[i] = v
        t.data.storage.bumpVersion()
    }
    // zero vectors and the activations' breakpoints are kinks (finite differences step across them): parity only
    for c in try Fixtures.load(file) where !c.name.contains("zero_row") && !c.name.hasSuffix("_boundary") {
        let p = try CoverageCase(c)
        guard let total = try p.objective().total else { continue }
        let leaves = p.leaves
        let grads = try Tensor.grad(outputs: [total], inputs: leaves.map(\.1), allowUnused: true)
        for ((name, leaf), grad) in zip(leaves, grads) {
            let analytic = grad?.data.toDoubles() ?? [Double](repeating: 0, count: leaf.numel())
            for i in 0..<leaf.numel() {
                let original = element(leaf, i)
                let h = 1e-6
                setElement(leaf, i, original + h)
                let plus = try GradMode.withDisabled { try p.objective().total!.item() }
                setElement(leaf, i, original - h)
                let minus = try GradMode.withDisabled { try p.objective().total!.item() }
                setElement(leaf, i, original)
                let numeric = (plus - minus) / (2 * h)
                if abs(numeric - analytic[i]) > 1e-5 + 1e-3 * abs(numeric) {
                    Issue.record("\(file)/\(c.name): d/d\(name)[\(i)] autograd \(analytic[i]) vs numeric \(numeric)")
                    break
                }
            }
        }
    }
}

@Test func coverageOptimizersMatchPyTorch() throws {
    let cases = try Fixtures.load("coverage_optimisers")
    #expect(cases.count == 8)
    for c in cases {
        let initial = (c.raw["initial"] as? [Any] ?? []).compactMap { FixtureTensor($0) }
        let params = try initial.map { try tensor($0, requiresGrad: true) }
        func d(_ k: String, _ f: Double) -> Double { c.double(k, f) }
        let optimizer: Optimizer
        switch c.raw["optimizer"] as? String {
        case "RMSprop":
            optimizer = try RMSprop(params, lr: d("lr", 1e-2), alpha: d("alpha", 0.99), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0),
                                    momentum: d("momentum", 0), centered: c.bool("centered", false))
        default:
            optimizer = try Adagrad(params, lr: d("lr", 1e-2), lrDecay: d("lr_decay", 0), weightDecay: d("weight_decay", 0),
                                    initialAccumulatorValue: d("initial_accumulator_value", 0), eps: d("eps", 1e-10))
        }
        var scheduler: StepLR? = nil
        if let s = c.raw["scheduler"] as? [String: Any], let size = s["step_size"] as? Int, let gamma = s["gamma"] as? NSNumber {
            scheduler = try StepLR(optimizer, stepSize: size, gamma: gamma.doubleValue)
        }
        let grads = c.raw["grads"] as? [[Any]] ?? []
        let after = c.raw["params_after"] as? [[Any]] ?? []
        let lrs = c.raw["lr_used"] as? [Double] ?? []
        #expect(grads.count == 5 && after.count == 5 && lrs.count == 5)
        for step in 0..<min(grads.count, after.count, lrs.count) {
            for (p, g) in zip(params, grads[step]) { p.grad = try FixtureTensor(g).map { try tensor($0) } }
            #expect(abs(optimizer.lr - lrs[step]) <= 1e-12 * lrs[step], "\(c.name) step \(step): lr \(optimizer.lr) vs \(lrs[step])")
            try optimizer.step()
            scheduler?.step()
            for (i, (p, e)) in zip(params, after[step]).enumerated() {
                guard let e = FixtureTensor(e) else { continue }
                if let m = relativeMismatch(p.data.toDoubles(), e.data) { Issue.record("\(c.name) step \(step) param \(i): \(m)") }
            }
        }
    }
}

@Test func coverageArgumentErrorsAreThrown() throws {
    let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
    let x = try Tensor.zeros([2, 3], dtype: .float64)
    #expect(throws: NNError.self) { try RMSprop([p], lr: -1) }
    #expect(throws: NNError.self) { try RMSprop([p], alpha: -0.5) }
    #expect(throws: NNError.self) { try RMSprop([p], momentum: -0.1) }
    #expect(throws: NNError.self) { try Adagrad([p], lrDecay: -1) }
    #expect(throws: NNError.self) { try Adagrad([p], initialAccumulatorValue: -1) }
    #expect(throws: NNError.self) { try Adagrad([p, p]) }
    #expect(throws: NNError.self) { try F.smoothL1Loss(x, x, beta: -1) }
    #expect(throws: NNError.self) { try F.huberLoss(x, x, delta: 0) }
    #expect(throws: NNError.self) { try F.l1Loss(x, try Tensor.zeros([3], dtype: .float64)) }
    #expect(throws: NNError.self) { try KLDivReduction(parsing: "average") }
    #expect(throws: NNError.self) { try Hardtanh(minVal: 1, maxVal: 1) }
    #expect(throws: NNError.self) { try Softshrink(lambd: -1) }
    #expect(throws: NNError.self) { try F.prelu(x, weight: try Tensor.ones([4], dtype: .float64)) }
    #expect(throws: NNError.self) { try PReLU(numParameters: 0) }
    // reprs as PyTorch prints them
    #expect(try Hardtanh().description == "Hardtanh(min_val=-1.0, max_val=1.0)")
    #expect(try Softshrink().description == "Softshrink(0.5)")
    #expect(try PReLU(numParameters: 3).description == "PReLU(num_parameters=3)")
    #expect(ReLU6().description == "ReLU6()")
}
