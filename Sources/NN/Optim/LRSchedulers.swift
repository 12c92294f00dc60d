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
