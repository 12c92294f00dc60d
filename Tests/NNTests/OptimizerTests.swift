import Autograd
import Foundation
import NN
import Tensor
import Testing

// SGD / Adam / AdamW / StepLR against PyTorch over five steps each (gradients set directly, one
// step with a parameter lacking a gradient), in float64, to 1e-6 relative.

@Test func optimizersMatchPyTorch() throws {
    for c in try Fixtures.load("optimisers") {
        let initial = (c.raw["initial"] as! [Any]).compactMap { FixtureTensor($0) }
        let params = try initial.map { try tensor($0, requiresGrad: true) }
        let kw = c.kwargs
        func d(_ k: String, _ f: Double) -> Double { (kw[k] as? NSNumber)?.doubleValue ?? f }
        let betas = (kw["betas"] as? [Double]).map { ($0[0], $0[1]) } ?? (0.9, 0.999)
        let optimizer: Optimizer
        switch c.raw["optimizer"] as! String {
        case "SGD":
            optimizer = try SGD(params, lr: d("lr", 0), momentum: d("momentum", 0), dampening: d("dampening", 0),
                                weightDecay: d("weight_decay", 0), nesterov: kw["nesterov"] as? Bool ?? false)
        case "Adam":
            optimizer = try Adam(params, lr: d("lr", 1e-3), betas: betas, eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0),
                                 amsgrad: kw["amsgrad"] as? Bool ?? false)
        default:
            optimizer = try AdamW(params, lr: d("lr", 1e-3), betas: betas, eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0.01))
        }
        var scheduler: StepLR? = nil
        if let s = c.raw["scheduler"] as? [String: Any] {
            scheduler = try StepLR(optimizer, stepSize: s["step_size"] as! Int, gamma: (s["gamma"] as! NSNumber).doubleValue)
        }
        let grads = c.raw["grads"] as! [[Any]]
        let after = c.raw["params_after"] as! [[Any]]
        let lrs = c.raw["lr_used"] as! [Double]
        for step in 0..<grads.count {
            for (p, g) in zip(params, grads[step]) { p.grad = try FixtureTensor(g).map { try tensor($0) } }
            #expect(abs(optimizer.lr - lrs[step]) <= 1e-12 * lrs[step], "\(c.name) step \(step): lr \(optimizer.lr) vs \(lrs[step])")
            try optimizer.step()
            scheduler?.step()
            for (i, (p, e)) in zip(params, after[step]).enumerated() {
                if let m = relativeMismatch(p.data.toDoubles(), FixtureTensor(e)!.data) {
                    Issue.record("\(c.name) step \(step) param \(i): \(m)")
                }
            }
        }
    }
}

@Test func optimizerArgumentErrorsAreThrown() throws {
    let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
    #expect(throws: NNError.self) { try SGD([p], lr: -1) }
    #expect(throws: NNError.self) { try SGD([p], lr: 0.1, nesterov: true) }
    #expect(throws: NNError.self) { try Adam([p], betas: (1.5, 0.9)) }
    #expect(throws: NNError.self) { try SGD([p, p], lr: 0.1) }
    #expect(throws: NNError.self) { try StepLR(try SGD([p], lr: 0.1), stepSize: 0) }
    // zeroGrad clears, a step without gradients changes nothing
    let opt = try SGD([p], lr: 0.1)
    p.grad = try Tensor.ones([2], dtype: .float64)
    opt.zeroGrad()
    #expect(p.grad == nil)
    try opt.step()
    #expect(p.data.toDoubles() == [0, 0])
}
