import Autograd
import Foundation
import Tensor

extension F {
    /// `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None)` over
    /// `[N, C, *S]` with 1 or 2 spatial dimensions, modes `nearest`, `linear` (1-d), `bilinear`
    /// (2-d). Resampling is separable, so each dimension is one constant `[in, out]` matrix
    /// applied with matmul: the values and source positions follow PyTorch's kernels
    /// (nearest: ⌊dst·scale⌋; linear: (dst + ½)·scale − ½ clamped at 0, or dst·(in−1)/(out−1)
    /// with align_corners), and gradients flow through the matmul.
    public static func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: String = "nearest",
                                   alignCorners: Bool? = nil) throws -> Tensor {
        let spatialDims = input.ndim - 2
        guard spatialDims == 1 || spatialDims == 2 else {
            throw NNError("interpolate: expected a 3-d or 4-d input [N, C, *S], got shape \(shapeString(input.shape))")
        }
        let linear = mode == "linear" || mode == "bilinear"
        guard mode == "nearest" || (mode == "linear" && spatialDims == 1) || (mode == "bilinear" && spatialDims == 2) else {
            throw NNError("interpolate: mode '\(mode)' is not supported for \(spatialDims + 2)-d input (use 'nearest', 'linear' for 3-d, 'bilinear' for 4-d)")
        }
        if alignCorners != nil && !linear {
            throw NNError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        guard (size == nil) != (scaleFactor == nil) else { throw NNError("interpolate: only one of size or scale_factor should be defined") }
        let spatial = Array(input.shape.suffix(spatialDims))
        func expand<T>(_ v: [T], _ name: String) throws -> [T] {
            if v.count == 1 { return [T](repeating: v[0], count: spatialDims) }
            guard v.count == spatialDims else { throw NNError("interpolate: \(name) must have 1 or \(spatialDims) values, got \(v.count)") }
            return v
        }
        let factors = try scaleFactor.map { try expand($0, "scale_factor") }
        if let factors, !factors.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1e6 }) {
            throw NNError("interpolate: scale_factor must be positive and finite, got \(factors)")
        }
        let outSizes: [Int] = try size.map { try expand($0, "size") } ?? (0..<spatialDims).map { Int((Double(spatial[$0]) * factors![$0]).rounded(.down)) }
        guard outSizes.allSatisfy({ $0 > 0 }) else { throw NNError("interpolate: output size \(shapeString(outSizes)) must be positive") }
        var x = input
        for d in 0..<spatialDims {
            let n = spatial[d], m = outSizes[d]
            // PyTorch's scale: 1 / scale_factor when given, else in / out
            let scale = factors.map { 1 / $0[d] } ?? Double(n) / Double(m)
            var matrix = [Double](repeating: 0, count: try checkedCount([n, m], "interpolate"))   // [in, out]
            for o in 0..<m {
                if !linear {
                    let i = Swift.min(Int((Double(o) * scale).rounded(.down)), n - 1)
                    matrix[i * m + o] = 1
                    continue
                }
                var src: Double
                if alignCorners ?? false {
                    src = m > 1 ? Double(o) * Double(n - 1) / Double(m - 1) : 0
                } else {
                    src = Swift.max((Double(o) + 0.5) * scale - 0.5, 0)
                }
                let i0 = Swift.min(Int(src.rounded(.down)), n - 1), i1 = Swift.min(i0 + 1, n - 1)
                let lambda = src - Double(i0)
                matrix[i0 * m + o] += 1 - lambda
                matrix[i1 * m + o] += lambda
            }
            let resample = try Tensor.constant(matrix, shape: [n, m], dtype: input.dtype)
            let axis = 2 + d, last = input.ndim - 1
            if axis != last { x = try x.transpose(axis, last) }
            x = try x.matmul(resample)
            if axis != last { x = try x.transpose(axis, last) }
        }
        return x
    }
}

/// `Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)`: `F.interpolate` as a module.
public final class Upsample: Module {
    public let size: [Int]?, scaleFactor: [Double]?, mode: String, alignCorners: Bool?
    public init(size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: String = "nearest", alignCorners: Bool? = nil) throws {
        guard (size == nil) != (scaleFactor == nil) else { throw NNError("Upsample: either size or scale_factor should be defined") }
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }
    public override var extraRepr: String {
        let what: String
        if let scaleFactor {
            let parts = scaleFactor.map { "\($0)" }
            what = "scale_factor=" + (parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")")
        } else {
            what = "size=" + (size!.count == 1 ? "\(size![0])" : tupleString(size!))
        }
        return what + ", mode='\(mode)'"
    }
    public override func forward(_ input: Tensor) throws -> Tensor {
        try F.interpolate(input, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }
}
