import Autograd
import Foundation
import NN
import Tensor
import Testing

// Gradcheck in float64 for every layer and loss of the fixtures: autograd gradients of
// Σ⟨output, upstream⟩ against central finite differences (h = 1e-6; PyTorch's gradcheck
// tolerances atol 1e-5, rtol 1e-3), for every floating-point input and parameter. Large tensors
// are sampled at up to 24 evenly spaced elements to keep the test fast.

/// Reads and writes one float64 element of a contiguous leaf in place.
private func element(_ t: Tensor, _ i: Int) -> Double { t.data.pointer(Double.self)[i] }
private func setElement(_ t: Tensor, _ i: Int, _ v: Double) {
    t.data.pointer(Double.self)[i] = v
    t.data.storage.bumpVersion()
}

@Test(arguments: layerFixtureFiles)
func gradcheckAgainstFiniteDifferences(file: String) throws {
    // one_hot has no gradient; embedding's padding_idx row gets a zero gradient by definition (as in PyTorch)
    for c in try Fixtures.load(file) where !c.name.hasPrefix("one_hot") && c.name != "embedding_padding_idx" {
        // max pooling and max aggregation are not differentiable at ties, but fixtures have none
        let p: PreparedCase
        do { p = try PreparedCase(c) } catch { Issue.record("\(file)/\(c.name): \(error)"); continue }
        guard let total = try p.objective(try p.outputs()) else { continue }
        var leaves: [(String, Tensor)] = p.inputs.enumerated().compactMap { i, t in
            guard let t, t.requiresGrad else { return nil }
            return ("input \(i)", t)
        }
        leaves += p.built.module?.namedParameters() ?? []
        guard !leaves.isEmpty else { continue }
        let grads = try Tensor.grad(outputs: [total], inputs: leaves.map(\.1), allowUnused: true)
        for ((name, leaf), grad) in zip(leaves, grads) {
            let analytic = grad?.data.toDoubles() ?? [Double](repeating: 0, count: leaf.numel())
            let count = leaf.numel()
            let step = max(1, count / 24)
            for i in stride(from: 0, to: count, by: step) {
                let original = element(leaf, i)
                let h = 1e-6
                setElement(leaf, i, original + h)
                let plus = try GradMode.withDisabled { try p.objective(try p.outputs())!.item() }
                setElement(leaf, i, original - h)
                let minus = try GradMode.withDisabled { try p.objective(try p.outputs())!.item() }
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
