import Autograd
import Foundation
import NN
import Tensor
import Testing

// Every layer, activation, loss and functional form against PyTorch 2.13 in float64
// (fixtures/generate_nn_fixtures.py): outputs, gradients of Σ⟨output, fixed upstream gradient⟩
// with respect to inputs and parameters, parameter names/shapes and buffers, to 1e-6 relative.

let layerFixtureFiles = ["layers", "activations", "convs", "pools", "norms", "attention", "recurrent", "graph_networks",
                         "losses", "functional"]

struct PreparedCase {
    let fixture: FixtureCase
    let built: BuiltCase
    let inputs: [Tensor?]
    let upstream: [Tensor?]

    init(_ c: FixtureCase) throws {
        fixture = c
        built = try buildCase(c)
        let wanted = c.inputGrads.map { $0 != nil }
        inputs = try c.inputs.enumerated().map { i, f in try f.map { try tensor($0, requiresGrad: i < wanted.count && wanted[i]) } }
        upstream = try c.gradOutputs.map { try $0.map { try tensor($0) } }
    }

    func outputs() throws -> [Tensor] { try built.call(inputs.compactMap { $0 }) }

    /// Σ_k ⟨output_k, upstream_k⟩, the scalar whose gradients the fixture stores.
    func objective(_ outs: [Tensor]) throws -> Tensor? {
        var total: Tensor? = nil
        for (o, g) in zip(outs, upstream) {
            guard let g else { continue }
            let term = try (try o * g).sum()
            total = try total.map { try $0 + term } ?? term
        }
        return total
    }
}

@Test(arguments: layerFixtureFiles)
func parityWithPyTorch(file: String) throws {
    for c in try Fixtures.load(file) {
        let p: PreparedCase
        do { p = try PreparedCase(c) } catch {
            Issue.record("\(file)/\(c.name): could not build: \(error)")
            continue
        }
        let outs: [Tensor]
        do { outs = try p.outputs() } catch {
            Issue.record("\(file)/\(c.name): forward threw \(error)")
            continue
        }
        let expected = c.outputs
        guard outs.count == expected.count else {
            Issue.record("\(file)/\(c.name): \(outs.count) outputs, PyTorch gives \(expected.count)")
            continue
        }
        for (k, (o, e)) in zip(outs, expected).enumerated() {
            if o.shape != e.shape { Issue.record("\(file)/\(c.name): output \(k) shape \(o.shape) vs \(e.shape)"); continue }
            if let m = relativeMismatch(o.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): output \(k): \(m)") }
        }
        if let module = p.built.module {
            let names = module.namedParameters().map { ($0.0, $0.1.shape) }
            if names.map(\.0) != c.paramNames.map(\.0) || names.map(\.1) != c.paramNames.map(\.1) {
                Issue.record("\(file)/\(c.name): parameters \(names) vs PyTorch \(c.paramNames)")
            }
            let buffers = Dictionary(module.namedBuffers().map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            for (name, e) in c.buffersAfter {
                guard let b = buffers[name] else { Issue.record("\(file)/\(c.name): missing buffer \(name)"); continue }
                if let m = relativeMismatch(b.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): buffer \(name): \(m)") }
            }
        }
        guard let total = try p.objective(outs) else { continue }
        do { try total.backward() } catch {
            Issue.record("\(file)/\(c.name): backward threw \(error)")
            continue
        }
        for (i, e) in c.inputGrads.enumerated() {
            guard let e, let x = p.inputs[i] else { continue }
            guard let g = x.grad else { Issue.record("\(file)/\(c.name): input \(i) has no gradient"); continue }
            if let m = relativeMismatch(g.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): grad input \(i): \(m)") }
        }
        if let module = p.built.module {
            let params = Dictionary(module.namedParameters().map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            for (name, e) in c.paramGrads {
                guard let g = params[name]?.grad else { Issue.record("\(file)/\(c.name): parameter \(name) has no gradient"); continue }
                if let m = relativeMismatch(g.data.toDoubles(), e.data) { Issue.record("\(file)/\(c.name): grad \(name): \(m)") }
            }
        }
    }
}
