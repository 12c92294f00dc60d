import Autograd
import Foundation
import Tensor

extension F {
    /// `torch.nn.utils.clip_grad_norm_`: the norm of all gradients together (each parameter's
    /// gradient norm, then the norm of those), and, when it exceeds `maxNorm`, every gradient
    /// scaled by maxNorm / (total + 1e-6). Parameters without a gradient are skipped. Returns the
    /// total norm (before clipping) as a scalar tensor of the gradients' dtype.
    @discardableResult
    public static func clipGradNorm(_ parameters: [Tensor], maxNorm: Double, normType: Double = 2,
                                    errorIfNonfinite: Bool = false) throws -> Tensor {
        guard normType > 0 else { throw NNError("clip_grad_norm_: norm_type must be positive, got \(normType)") }
        let grads = parameters.compactMap(\.grad)
        let dtype = grads.first?.dtype ?? .float32
        guard !grads.isEmpty else { return try Tensor.constant([0], shape: [], dtype: dtype) }
        // per-tensor norms, then the norm of those (accumulated in Double)
        var perTensor: [Double] = []
        for g in grads {
            let values = g.data.toDoubles()
            if normType.isInfinite {
                perTensor.append(values.reduce(0) { max($0, Swift.abs($1)) })
            } else {
                perTensor.append(Foundation.pow(values.reduce(0) { $0 + Foundation.pow(Swift.abs($1), normType) }, 1 / normType))
            }
        }
        let total = normType.isInfinite ? perTensor.reduce(0, max)
            : Foundation.pow(perTensor.reduce(0) { $0 + Foundation.pow($1, normType) }, 1 / normType)
        if errorIfNonfinite && !total.isFinite {
            throw NNError("The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        }
        let ratio = maxNorm / (total + 1e-6)
        let coefficient = ratio.isNaN ? ratio : Swift.min(ratio, 1)
        if coefficient != 1 {
            for p in parameters {
                guard let g = p.grad else { continue }
                p.grad = try GradMode.withDisabled { try g * coefficient }
            }
        }
        return try Tensor.constant([total], shape: [], dtype: dtype)
    }
}

extension F {
    /// `torch.nn.utils.clip_grad_value_`: clamps every gradient to [−clipValue, clipValue].
    public static func clipGradValue(_ parameters: [Tensor], clipValue: Double) throws {
        let bound = Swift.abs(clipValue)
        for p in parameters {
            guard let g = p.grad else { continue }
            p.grad = try GradMode.withDisabled { try g.clamp(min: -bound, max: bound) }
        }
    }
}
