import Autograd
import Tensor

/// `torch.nn.functional`: the stateless forms of the layers, activations and losses, with
/// explicit weights. Every function throws `NNError` (or the engine's error) on bad shapes.
///
/// ```swift
/// let y = try F.linear(x, weight: w, bias: b)
/// let loss = try F.crossEntropy(logits, labels)
/// ```
public enum F {}

/// How a loss combines its per-element values, as PyTorch's `reduction=` argument.
public enum Reduction: String, Sendable {
    case mean, sum, none

    /// Parses PyTorch's spelling; anything else is an error naming the valid choices.
    public init(parsing text: String) throws {
        guard let r = Reduction(rawValue: text) else {
            throw NNError("reduction must be 'mean', 'sum' or 'none', not '\(text)'")
        }
        self = r
    }
}
