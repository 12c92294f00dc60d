import Autograd
import Tensor

extension F {
    /// `F.pad(input, pad, mode='constant', value=0)`: `pad` lists (before, after) pairs starting
    /// from the last dimension. Constant padding concatenates constant blocks (negative amounts
    /// crop); `reflect`, `replicate` and `circular` gather rows along each padded dimension, so
    /// gradients flow back to the rows they copy.
    public static func pad(_ input: Tensor, _ pad: [Int], mode: String = "constant", value: Double = 0) throws -> Tensor {
        guard pad.count % 2 == 0, pad.count / 2 <= input.ndim else {
            throw NNError("pad: padding length must be divisible by 2 and at most twice the number of dimensions (\(input.ndim)), got \(pad.count)")
        }
        guard ["constant", "reflect", "replicate", "circular"].contains(mode) else {
            throw NNError("pad: unrecognised padding mode '\(mode)' (expected 'constant', 'reflect', 'replicate' or 'circular')")
        }
        var x = input
        for k in 0..<(pad.count / 2) {
            let dim = input.ndim - 1 - k, before = pad[2 * k], after = pad[2 * k + 1]
            if before == 0 && after == 0 { continue }
            if mode == "constant" {
                x = try constantPad(x, dim: dim, before: before, after: after, value: value)
                continue
            }
            let n = x.shape[dim]
            let limit = mode == "circular" ? n : n - 1
            guard before >= 0, after >= 0, before <= limit, after <= limit, n > 0 else {
                throw NNError("pad: padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(dim) of input \(shapeString(input.shape))")
            }
            let rows: [Int] = (-before..<(n + after)).map { i in
                switch mode {
                case "reflect": return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i)
                case "replicate": return Swift.min(Swift.max(i, 0), n - 1)
                default: return ((i % n) + n) % n
                }
            }
            x = try gatherAlong(x, dim: dim, rows: rows)
        }
        return x
    }

    private static func constantPad(_ x: Tensor, dim: Int, before: Int, after: Int, value: Double) throws -> Tensor {
        var y = x
        if before < 0 || after < 0 {
            let start = Swift.max(0, -before), end = y.shape[dim] - Swift.max(0, -after)
            guard end >= start else {
                throw NNError("pad: cropping (\(before), \(after)) removes more than the \(y.shape[dim]) entries of dimension \(dim)")
            }
            y = try narrow(y, dim: dim, start: start, length: end - start)
        }
        func block(_ size: Int) throws -> Tensor {
            var shape = y.shape
            shape[dim] = size
            return try Tensor.constant([Double](repeating: value, count: try checkedCount(shape, "pad")), shape: shape, dtype: y.dtype)
        }
        var pieces: [Tensor] = []
        if before > 0 { pieces.append(try block(before)) }
        pieces.append(y)
        if after > 0 { pieces.append(try block(after)) }
        return pieces.count == 1 ? y : try Tensor.cat(pieces, dim: dim)
    }

    /// Rows `rows` of dimension `dim` (a differentiable gather: dim moved first, rows gathered, moved back).
    private static func gatherAlong(_ x: Tensor, dim: Int, rows: [Int]) throws -> Tensor {
        if dim == 0 { return try gatherRows(try x.contiguous(), rows) }
        let moved = try (try x.transpose(0, dim)).contiguous()
        return try (try gatherRows(moved, rows)).transpose(0, dim)
    }

    /// `nn.utils.rnn.pad_sequence`: sequences `[L_i, *]` padded with `paddingValue` to the longest
    /// and stacked to `[L, B, *]` (`[B, L, *]` with batchFirst); `paddingSide: "left"` pads in front.
    public static func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0,
                                   paddingSide: String = "right") throws -> Tensor {
        guard let first = sequences.first else { throw NNError("pad_sequence: received an empty list of sequences") }
        guard paddingSide == "right" || paddingSide == "left" else {
            throw NNError("pad_sequence: padding_side must be 'left' or 'right', not '\(paddingSide)'")
        }
        guard first.ndim >= 1, sequences.allSatisfy({ $0.ndim == first.ndim && Array($0.shape.dropFirst()) == Array(first.shape.dropFirst()) }) else {
            throw NNError("pad_sequence: sequences must agree in every dimension but the first, got \(sequences.map { shapeString($0.shape) }.joined(separator: ", "))")
        }
        let longest = sequences.map { $0.shape[0] }.max()!
        let padded = try sequences.map { s -> Tensor in
            let missing = longest - s.shape[0]
            return missing == 0 ? s : try constantPad(s, dim: 0, before: paddingSide == "left" ? missing : 0,
                                                      after: paddingSide == "left" ? 0 : missing, value: paddingValue)
        }
        return try Tensor.stack(padded, dim: batchFirst ? 0 : 1)
    }
}

/// `ZeroPad1d/2d`, `ConstantPad1d/2d`, `ReflectionPad1d/2d`, `ReplicationPad1d/2d`, `CircularPad1d/2d`:
/// `F.pad` as a module, with the padding given as one int or (left, right[, top, bottom]).
public final class Padding: Module {
    public let name: String, padding: [Int], mode: String, value: Double
    public init(name: String, padding: [Int], spatialDims: Int, mode: String, value: Double = 0) throws {
        let full = padding.count == 1 ? [Int](repeating: padding[0], count: 2 * spatialDims) : padding
        guard full.count == 2 * spatialDims else {
            throw NNError("\(name): padding must be an int or a \(2 * spatialDims)-tuple, got \(padding.count) values")
        }
        self.name = name
        self.padding = full
        self.mode = mode
        self.value = value
        super.init()
    }
    public override var typeName: String { name }
    public override var extraRepr: String {
        mode == "constant" && name.hasPrefix("ConstantPad") ? "padding=\(tupleString(padding)), value=\(value)" : tupleString(padding)
    }
    public override func forward(_ input: Tensor) throws -> Tensor { try F.pad(input, padding, mode: mode, value: value) }
}

/// The element count of `shape`, refusing overflow and sizes beyond 2^32 elements (a user's
/// padding or output size must not trap or exhaust memory).
func checkedCount(_ shape: [Int], _ op: String) throws -> Int {
    var count = 1
    for d in shape {
        let (m, overflow) = count.multipliedReportingOverflow(by: Swift.max(d, 0))
        if overflow || m > (1 << 32) { throw NNError("\(op): result of shape \(shapeString(shape)) is too large") }
        count = m
    }
    return count
}
