import Autograd
import Tensor

/// PyTorch's `padding=` argument of convolutions: a number per spatial dimension, or the strings.
public enum ConvPadding: Equatable, Sendable {
    case explicit([Int])
    /// Output as long as the input (stride 1 only); odd total padding puts the extra on the right.
    case same
    /// No padding (`'valid'`).
    case valid

    /// Parses `'same'` / `'valid'`.
    public init(parsing text: String) throws {
        switch text {
        case "same": self = .same
        case "valid": self = .valid
        default: throw NNError("padding must be 'same', 'valid' or a number, not '\(text)'")
        }
    }
}

/// Expands a size argument given as one number or one per spatial dimension (`3` → `[3, 3]`).
func expandArgument(_ op: String, _ name: String, _ values: [Int], dims: Int) throws -> [Int] {
    if values.count == 1 { return [Int](repeating: values[0], count: dims) }
    guard values.count == dims else {
        throw NNError("\(op): \(name) must have 1 or \(dims) values, got \(values.count)")
    }
    return values
}

/// Checks a convolution's input `[N, C, *S]` (or unbatched `[C, *S]`) and returns it batched.
func batchedInput(_ op: String, _ input: Tensor, spatialDims: Int) throws -> (Tensor, Bool) {
    if input.ndim == spatialDims + 2 { return (input, false) }
    if input.ndim == spatialDims + 1 { return (try input.unsqueeze(0), true) }
    throw NNError("\(op): expected a \(spatialDims + 2)-d (batched) or \(spatialDims + 1)-d input, got shape \(shapeString(input.shape))")
}

/// The unfold geometry of a convolution with PyTorch's arguments; checks the output is non-empty.
func convGeometry(_ op: String, input: [Int], kernel: [Int], stride: [Int], padding: ConvPadding,
                  dilation: [Int]) throws -> UnfoldGeometry {
    let dims = input.count
    let stride = try expandArgument(op, "stride", stride, dims: dims)
    let dilation = try expandArgument(op, "dilation", dilation, dims: dims)
    guard stride.allSatisfy({ $0 > 0 }), dilation.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }) else {
        throw NNError("\(op): kernel size, stride and dilation must be positive")
    }
    var before: [Int], after: [Int]
    switch padding {
    case .valid:
        before = [Int](repeating: 0, count: dims); after = before
    case .explicit(let p):
        before = try expandArgument(op, "padding", p, dims: dims); after = before
        guard before.allSatisfy({ $0 >= 0 }) else { throw NNError("\(op): negative padding is not supported") }
    case .same:
        guard stride.allSatisfy({ $0 == 1 }) else {
            throw NNError("\(op): padding='same' is not supported for strided convolutions")
        }
        // torch/nn/modules/conv.py: total = d·(k − 1); left = total // 2, the rest on the right
        let total = (0..<dims).map { dilation[$0] * (kernel[$0] - 1) }
        before = total.map { $0 / 2 }
        after = (0..<dims).map { total[$0] - before[$0] }
    }
    let g = UnfoldGeometry(input: input, kernel: kernel, stride: stride, padBefore: before, padAfter: after, dilation: dilation)
    guard g.output.allSatisfy({ $0 > 0 }) else {
        throw NNError("\(op): input of spatial size \(shapeString(input)) is too small for kernel \(shapeString(kernel)) (dilation \(shapeString(dilation)), padding \(shapeString(before)))")
    }
    return g
}
