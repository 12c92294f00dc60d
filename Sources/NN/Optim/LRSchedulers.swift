import Foundation

/// `CosineAnnealingLR(optimizer, T_max, eta_min=0)`: anneals the learning rate from its initial
/// value to `eta_min` along a half cosine over `T_max` steps (and back up after, periodically),
/// with PyTorch's recursive ("chainable") update so the values match its to rounding.
public final class CosineAnnealingLR {
    public let optimizer: Optimizer
    public let tMax: Int, etaMin: Double
    public private(set) var lastEpoch = 0
    private let baseLR: Double

    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0) throws {
        guard tMax > 0 else { throw NNError("CosineAnnealingLR: T_max must be a positive integer, got \(tMax)") }
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        self.baseLR = optimizer.lr
    }

    public func step() {
        lastEpoch += 1
        let e = Double(lastEpoch), t = Double(tMax), lr = optimizer.lr
        // torch/optim/lr_scheduler.py CosineAnnealingLR.get_lr
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            optimizer.lr = lr + (baseLR - etaMin) * (1 - cos(Double.pi / t)) / 2
        } else {
            optimizer.lr = (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t)) * (lr - etaMin) + etaMin
        }
    }

    /// `get_last_lr()`.
    public var lastLR: Double { optimizer.lr }
}

/// `ExponentialLR(optimizer, gamma)`: multiplies the learning rate by γ every step.
public final class ExponentialLR {
    public let optimizer: Optimizer
    public let gamma: Double
    public private(set) var lastEpoch = 0
    public init(_ optimizer: Optimizer, gamma: Double) {
        self.optimizer = optimizer
        self.gamma = gamma
    }
    public func step() {
        lastEpoch += 1
        optimizer.lr *= gamma
    }
    public var lastLR: Double { optimizer.lr }
}

/// `MultiStepLR(optimizer, milestones, gamma=0.1)`: multiplies the learning rate by γ when the
/// epoch reaches each milestone (by γ^k for a milestone listed k times, as PyTorch's Counter).
public final class MultiStepLR {
    public let optimizer: Optimizer
    public let milestones: [Int], gamma: Double
    public private(set) var lastEpoch = 0
    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1) throws {
        guard milestones.allSatisfy({ $0 >= 0 }) else { throw NNError("MultiStepLR: milestones must be non-negative, got \(milestones)") }
        self.optimizer = optimizer
        self.milestones = milestones
        self.gamma = gamma
    }
    public func step() {
        lastEpoch += 1
        let hits = milestones.filter { $0 == lastEpoch }.count
        if hits > 0 { optimizer.lr *= Foundation.pow(gamma, Double(hits)) }
    }
    public var lastLR: Double { optimizer.lr }
}

/// `LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5)`: scales the learning
/// rate linearly from base·start_factor to base·end_factor over total_iters steps (PyTorch's
/// chainable form; the first factor applies at construction, as PyTorch's initial step does).
public final class LinearLR {
    public let optimizer: Optimizer
    public let startFactor: Double, endFactor: Double, totalIters: Int
    public private(set) var lastEpoch = 0
    public init(_ optimizer: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5) throws {
        guard startFactor > 0 && startFactor <= 1 else {
            throw NNError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        guard endFactor >= 0 && endFactor <= 1 else {
            throw NNError("Ending multiplicative factor expected to be between 0 and 1.")
        }
        self.optimizer = optimizer
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        optimizer.lr *= startFactor
    }
    public func step() {
        lastEpoch += 1
        guard lastEpoch <= totalIters else { return }
        let e = Double(lastEpoch), t = Double(totalIters)
        optimizer.lr *= 1 + (endFactor - startFactor) / (t * startFactor + (e - 1) * (endFactor - startFactor))
    }
    public var lastLR: Double { optimizer.lr }
}

/// `LambdaLR(optimizer, lr_lambda)`: learning rate = base · lr_lambda(epoch), set at
/// construction for epoch 0 as PyTorch does.
public final class LambdaLR {
    public let optimizer: Optimizer
    public private(set) var lastEpoch = 0
    private let baseLR: Double
    private let lambda: (Int) throws -> Double
    public init(_ optimizer: Optimizer, lrLambda: @escaping (Int) throws -> Double) throws {
        self.optimizer = optimizer
        self.baseLR = optimizer.lr
        self.lambda = lrLambda
        optimizer.lr = baseLR * (try lrLambda(0))
    }
    public func step() throws {
        lastEpoch += 1
        optimizer.lr = baseLR * (try lambda(lastEpoch))
    }
    public var lastLR: Double { optimizer.lr }
}

/// `ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
/// threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`: `step(metric)` multiplies the learning
/// rate by `factor` after more than `patience` steps without improvement, as PyTorch.
public final class ReduceLROnPlateau {
    public let optimizer: Optimizer
    public let maximize: Bool, factor: Double, patience: Int, threshold: Double, relative: Bool
    public let cooldown: Int, minLR: Double, eps: Double
    public private(set) var best: Double
    public private(set) var badEpochs = 0
    private var cooldownCounter = 0

    public init(_ optimizer: Optimizer, mode: String = "min", factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: String = "rel", cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) throws {
        guard factor < 1 else { throw NNError("Factor should be < 1.0.") }
        guard mode == "min" || mode == "max" else { throw NNError("mode \(mode) is unknown!") }
        guard thresholdMode == "rel" || thresholdMode == "abs" else { throw NNError("threshold mode \(thresholdMode) is unknown!") }
        self.optimizer = optimizer
        self.maximize = mode == "max"
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.relative = thresholdMode == "rel"
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
        self.best = maximize ? -.infinity : .infinity
    }

    private func isBetter(_ a: Double) -> Bool {
        switch (maximize, relative) {
        case (false, true): return a < best * (1 - threshold)
        case (false, false): return a < best - threshold
        case (true, true): return a > best * (threshold + 1)
        case (true, false): return a > best + threshold
        }
    }

    public func step(_ metric: Double) {
        if isBetter(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let newLR = Swift.max(optimizer.lr * factor, minLR)
            if optimizer.lr - newLR > eps { optimizer.lr = newLR }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }
    public var lastLR: Double { optimizer.lr }
}

/// `CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0)`: cosine annealing from the
/// initial learning rate to eta_min over T_i steps, restarting with T_i ← T_i · T_mult; `step(epoch)`
/// may pass a fractional epoch, as PyTorch's closed form.
public final class CosineAnnealingWarmRestarts {
    public let optimizer: Optimizer
    public let t0: Int, tMult: Int, etaMin: Double
    public private(set) var tCur: Double = 0, tI: Double
    public private(set) var lastEpoch = 0
    private let baseLR: Double

    public init(_ optimizer: Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0) throws {
        guard t0 > 0 else { throw NNError("Expected positive integer T_0, but got \(t0)") }
        guard tMult >= 1 else { throw NNError("Expected integer T_mult >= 1, but got \(tMult)") }
        self.optimizer = optimizer
        self.t0 = t0
        self.tMult = tMult
        self.etaMin = etaMin
        self.tI = Double(t0)
        self.baseLR = optimizer.lr
    }

    /// Advances one step, or jumps to `epoch` (possibly fractional) when given.
    public func step(epoch: Double? = nil) throws {
        if let epoch {
            guard epoch >= 0, epoch.isFinite, epoch < 1e15 else { throw NNError("Expected non-negative epoch, but got \(epoch)") }
            let t0 = Double(self.t0), mult = Double(tMult)
            if epoch >= t0 {
                if tMult == 1 {
                    tCur = epoch.truncatingRemainder(dividingBy: t0)
                } else {
                    let n = Int(Foundation.log(epoch / t0 * (mult - 1) + 1) / Foundation.log(mult))
                    tCur = epoch - t0 * (Foundation.pow(mult, Double(n)) - 1) / (mult - 1)
                    tI = t0 * Foundation.pow(mult, Double(n))
                }
            } else {
                tI = t0
                tCur = epoch
            }
            lastEpoch = Int(epoch.rounded(.down))
        } else {
            lastEpoch += 1
            tCur += 1
            if tCur >= tI {
                tCur = tCur.truncatingRemainder(dividingBy: tI)
                tI *= Double(tMult)
            }
        }
        optimizer.lr = etaMin + (baseLR - etaMin) * (1 + cos(Double.pi * tCur / tI)) / 2
    }

    public var lastLR: Double { optimizer.lr }
}
