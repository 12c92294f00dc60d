import Autograd
import Foundation
import NN
import Tensor
import Testing

// clip_grad_norm_ and CosineAnnealingLR against PyTorch 2.13 (fixtures/generate_nn_fixtures.py,
// training_utilities.json), in float64, to 1e-6 relative.

@Test func clipGradNormMatchesPyTorch() throws {
    for c in try Fixtures.load("training_utilities") where c.raw["kind"] as? String == "clip_grad_norm" {
        let grads = (c.raw["grads"] as! [Any]).map { FixtureTensor($0) }
        let after = (c.raw["grads_after"] as! [Any]).map { FixtureTensor($0) }
        // shapes of the parameters: those of their gradients (the gradient-less one is [2])
        let params = try grads.map { g in try Tensor.zeros(g?.shape ?? [2], dtype: .float64, requiresGrad: true) }
        for (p, g) in zip(params, grads) { p.grad = try g.map { try tensor($0) } }
        let normType: Double = (c.raw["norm_type"] as? String) == "inf" ? .infinity : (c.raw["norm_type"] as! NSNumber).doubleValue
        let total = try F.clipGradNorm(params, maxNorm: (c.raw["max_norm"] as! NSNumber).doubleValue, normType: normType)
        let expected = (c.raw["total_norm"] as! NSNumber).doubleValue
        #expect(total.shape == [] && total.dtype == .float64)
        if let m = relativeMismatch([try total.item()], [expected]) { Issue.record("\(c.name): total norm \(m)") }
        for (i, (p, e)) in zip(params, after).enumerated() {
            guard let e else { #expect(p.grad == nil, "\(c.name): parameter \(i) gained a gradient"); continue }
            guard let g = p.grad else { Issue.record("\(c.name): parameter \(i) lost its gradient"); continue }
            if let m = relativeMismatch(g.data.toDoubles(), e.data) { Issue.record("\(c.name): grad \(i) \(m)") }
        }
    }
}

@Test func cosineAnnealingMatchesPyTorch() throws {
    for c in try Fixtures.load("training_utilities") where c.raw["kind"] as? String == "cosine" {
        let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
        let optimizer = try SGD([p], lr: (c.raw["lr"] as! NSNumber).doubleValue)
        let schedule = try CosineAnnealingLR(optimizer, tMax: c.raw["T_max"] as! Int, etaMin: (c.raw["eta_min"] as! NSNumber).doubleValue)
        let lrs = (c.raw["lrs"] as! [NSNumber]).map(\.doubleValue)
        var got: [Double] = []
        for _ in lrs {
            try optimizer.step()
            schedule.step()
            got.append(schedule.lastLR)
        }
        if let m = relativeMismatch(got, lrs, rtol: 1e-12, atol: 1e-15) { Issue.record("\(c.name): \(m)") }
    }
}

@Test func trainingUtilityArgumentErrorsAreThrown() throws {
    let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
    #expect(throws: NNError.self) { try CosineAnnealingLR(try SGD([p], lr: 0.1), tMax: 0) }
    #expect(throws: NNError.self) { try F.clipGradNorm([p], maxNorm: 1, normType: -1) }
    // no gradients at all: total norm 0, nothing changes
    #expect(try F.clipGradNorm([p], maxNorm: 1).item() == 0)
    p.grad = try Tensor.constant(NDArray(doubles: [.nan, 1], shape: [2], dtype: .float64))
    #expect(throws: NNError.self) { try F.clipGradNorm([p], maxNorm: 1, errorIfNonfinite: true) }
}

@Test func otherSchedulesMatchPyTorch() throws {
    for c in try Fixtures.load("training_utilities") where c.raw["kind"] as? String == "schedule" {
        let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
        let optimizer = try SGD([p], lr: (c.raw["lr"] as! NSNumber).doubleValue)
        let kw = c.kwargs
        func d(_ k: String, _ f: Double) -> Double { (kw[k] as? NSNumber)?.doubleValue ?? f }
        let metrics = (c.raw["metrics"] as? [NSNumber])?.map(\.doubleValue)
        var step: () throws -> Void
        switch c.name {
        case "exponential":
            let s = ExponentialLR(optimizer, gamma: d("gamma", 1)); step = { s.step() }
        case "multistep":
            let s = try MultiStepLR(optimizer, milestones: kw["milestones"] as! [Int], gamma: d("gamma", 0.1)); step = { s.step() }
        case let n where n.hasPrefix("linear"):
            let s = try LinearLR(optimizer, startFactor: d("start_factor", 1.0 / 3), endFactor: d("end_factor", 1), totalIters: c.int("total_iters", 5))
            step = { s.step() }
        case let n where n.hasPrefix("warm_restarts"):
            let s = try CosineAnnealingWarmRestarts(optimizer, t0: c.int("T_0", 1), tMult: c.int("T_mult", 1), etaMin: d("eta_min", 0))
            step = { try s.step() }
        case "lambda_pow":
            let base = d("base", 1)
            let s = try LambdaLR(optimizer) { Foundation.pow(base, Double($0)) }; step = { try s.step() }
        default:
            let s = try ReduceLROnPlateau(optimizer, mode: c.string("mode", "min"), factor: d("factor", 0.1), patience: c.int("patience", 10),
                                          threshold: d("threshold", 1e-4), thresholdMode: c.string("threshold_mode", "rel"),
                                          cooldown: c.int("cooldown", 0), minLR: d("min_lr", 0))
            var i = 0
            step = { s.step(metrics![i]); i += 1 }
        }
        #expect(abs(optimizer.lr - (c.raw["lr0"] as! NSNumber).doubleValue) < 1e-15, "\(c.name): initial lr \(optimizer.lr)")
        let lrs = (c.raw["lrs"] as! [NSNumber]).map(\.doubleValue)
        var got: [Double] = []
        for _ in lrs {
            try optimizer.step()
            try step()
            got.append(optimizer.lr)
        }
        if let m = relativeMismatch(got, lrs, rtol: 1e-12, atol: 1e-15) { Issue.record("\(c.name): \(m)") }
    }
    let p = try Tensor.zeros([2], dtype: .float64, requiresGrad: true)
    #expect(throws: NNError.self) { try ReduceLROnPlateau(try SGD([p], lr: 0.1), factor: 1.5) }
    #expect(throws: NNError.self) { try LinearLR(try SGD([p], lr: 0.1), startFactor: 0) }
    #expect(throws: NNError.self) { try CosineAnnealingWarmRestarts(try SGD([p], lr: 0.1), t0: 0) }
    // a fractional epoch jumps inside the second period (T_0 = 2, T_mult = 2: periods 2, 4, …)
    let warm = try CosineAnnealingWarmRestarts(try SGD([p], lr: 1), t0: 2, tMult: 2)
    try warm.step(epoch: 3.0)
    #expect(warm.tCur == 1 && warm.tI == 4 && abs(warm.lastLR - (1 + cos(Double.pi / 4)) / 2) < 1e-15)
    p.grad = try Tensor.constant(NDArray(doubles: [3, -0.5], shape: [2], dtype: .float64))
    try F.clipGradValue([p], clipValue: 1)
    #expect(p.grad?.data.toDoubles() == [1, -0.5])
}
