import Foundation

/// How a reduction sees its input: kept dimensions first, reduced ones last, contiguous,
/// so each output element reduces one row of `inner` elements.
struct ReductionLayout {
    var rows: NDArray        // contiguous [outer, inner] data (as a flat array)
    var outer: Int
    var inner: Int
    var outShape: [Int]      // with or without kept dims, as requested
    var reducedDims: [Int]
}

extension NDArray {
    /// Normalised, sorted, duplicate-free reduction dims; nil or empty means all.
    public func reductionDims(_ dims: [Int]?, op: String) throws -> [Int] {
        guard let dims = dims, !dims.isEmpty else { return Array(0..<ndim) }
        var seen = Set<Int>()
        for d in dims {
            let n = try normalizedDim(d, op: op)
            if ndim == 0 { continue }
            if !seen.insert(n).inserted { throw TensorError("\(op): dim \(n) appears multiple times in the list of dims") }
        }
        return seen.sorted()
    }

    func reductionLayout(_ dims: [Int]?, keepdim: Bool, op: String) throws -> ReductionLayout {
        let red = try reductionDims(dims, op: op)
        let redSet = Set(red)
        let kept = (0..<ndim).filter { !redSet.contains($0) }
        let perm = kept + red
        let src = try (perm == Array(0..<ndim) ? self : permuted(perm)).contiguous()
        let outer = kept.reduce(1) { $0 * shape[$1] }
        let inner = red.reduce(1) { $0 * shape[$1] }
        let outShape = keepdim ? (0..<ndim).map { redSet.contains($0) ? 1 : shape[$0] } : kept.map { shape[$0] }
        return ReductionLayout(rows: src, outer: outer, inner: inner, outShape: outShape, reducedDims: red)
    }

    /// Sum over `dims` (all when nil). Integer and bool inputs sum to int64.
    public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> NDArray {
        if let fast = try axisSum(dims, keepdim: keepdim, divisor: 1) { return fast }
        let l = try reductionLayout(dims, keepdim: keepdim, op: "sum")
        switch dtype {
        case .float32: return try sumRows(l, Float.self, scale: 1)
        case .float64: return try sumRows(l, Double.self, scale: 1)
        case .int64, .bool:
            let src = try l.rows.to(.int64)
            let out = try NDArray.empty(l.outShape, dtype: .int64)
            let p = src.pointer(Int64.self), po = out.pointer(Int64.self)
            for r in 0..<l.outer {
                var acc: Int64 = 0
                for j in 0..<l.inner { acc = acc &+ p[r * l.inner + j] }
                po[r] = acc
            }
            return out
        }
    }

    /// Mean over `dims`; floating-point inputs only, as in PyTorch.
    public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> NDArray {
        if !dtype.isFloatingPoint {
            throw TensorError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype == .int64 ? "Long" : "Bool")")
        }
        let red = try reductionDims(dims, op: "mean")
        let n = red.reduce(1) { $0 * (ndim == 0 ? 1 : shape[$1]) }
        if let fast = try axisSum(dims, keepdim: keepdim, divisor: Double(n)) { return fast }
        let l = try reductionLayout(dims, keepdim: keepdim, op: "mean")
        let scale = 1 / Double(l.inner)
        if dtype == .float32 { return try sumRows(l, Float.self, scale: scale) }
        return try sumRows(l, Double.self, scale: scale)
    }

    /// Float sums over consecutive dims of a contiguous array: the kernels' fixed-order,
    /// SIMD, threaded `sum` / `sumAxis` (nil when the layout does not fit).
    private func axisSum(_ dims: [Int]?, keepdim: Bool, divisor: Double) throws -> NDArray? {
        guard dtype.isFloatingPoint, isContiguous, count >= 64 else { return nil }
        let red = try reductionDims(dims, op: "sum")
        guard let first = red.first, let last = red.last, last - first + 1 == red.count else { return nil }
        let outer = shape[..<first].reduce(1, *), reduce = shape[first...last].reduce(1, *)
        let inner = shape[(last + 1)...].reduce(1, *)
        let redSet = Set(red)
        let outShape = keepdim ? (0..<ndim).map { redSet.contains($0) ? 1 : shape[$0] }
                               : (0..<ndim).filter { !redSet.contains($0) }.map { shape[$0] }
        let out = try NDArray.empty(outShape, dtype: dtype)
        if dtype == .float32 {
            let p = UnsafePointer(pointer(Float.self)), po = out.pointer(Float.self)
            if outer == 1 && inner == 1 { po[0] = Tensor.sum(p, count: reduce) }
            else { sumAxis(p, outer: outer, reduce: reduce, inner: inner, into: po) }
            if divisor != 1 { let f = Float(divisor); for i in 0..<out.count { po[i] /= f } }
        } else {
            let p = UnsafePointer(pointer(Double.self)), po = out.pointer(Double.self)
            if outer == 1 && inner == 1 { po[0] = Tensor.sum(p, count: reduce) }
            else { sumAxis(p, outer: outer, reduce: reduce, inner: inner, into: po) }
            if divisor != 1 { for i in 0..<out.count { po[i] /= divisor } }
        }
        return out
    }

    // Sums each row in Double (deterministic, and accurate for float32), then scales.
    private func sumRows<T: FloatElement>(_ l: ReductionLayout, _: T.Type, scale: Double) throws -> NDArray {
        let out = try NDArray.empty(l.outShape, dtype: dtype)
        let p = l.rows.pointer(T.self), po = out.pointer(T.self)
        let inner = l.inner
        for r in 0..<l.outer {
            let row = p + r * inner
            // Four partial sums: vectorises, and keeps a fixed summation order.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var j = 0
            while j + 4 <= inner {
                s0 += Double(row[j]); s1 += Double(row[j + 1]); s2 += Double(row[j + 2]); s3 += Double(row[j + 3])
                j += 4
            }
            while j < inner { s0 += Double(row[j]); j += 1 }
            po[r] = T(((s0 + s1) + (s2 + s3)) * scale)
        }
        return out
    }

    /// Maximum (`isMax`) or minimum over `dims`, values only (`amax` / `amin`).
    public func amax(dims: [Int]? = nil, keepdim: Bool = false) throws -> NDArray {
        try extremum(dims: dims, keepdim: keepdim, isMax: true, op: "amax")
    }
    public func amin(dims: [Int]? = nil, keepdim: Bool = false) throws -> NDArray {
        try extremum(dims: dims, keepdim: keepdim, isMax: false, op: "amin")
    }

    private func extremum(dims: [Int]?, keepdim: Bool, isMax: Bool, op: String) throws -> NDArray {
        if count == 0 {
            throw TensorError("\(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        }
        let l = try reductionLayout(dims, keepdim: keepdim, op: op)
        if l.inner == 0 { throw TensorError("\(op)(): Expected reduction dim to have non-zero size.") }
        let (values, _) = try argExtremumRows(l, isMax: isMax)
        return values
    }

    /// `max(dim)` / `min(dim)`: values and int64 indices of the first extreme element
    /// (NaN counts as the extreme, as in PyTorch).
    public func maxAlong(dim: Int, keepdim: Bool = false) throws -> (values: NDArray, indices: NDArray) {
        try extremeAlong(dim: dim, keepdim: keepdim, isMax: true, op: "max")
    }
    public func minAlong(dim: Int, keepdim: Bool = false) throws -> (values: NDArray, indices: NDArray) {
        try extremeAlong(dim: dim, keepdim: keepdim, isMax: false, op: "min")
    }

    private func extremeAlong(dim: Int, keepdim: Bool, isMax: Bool, op: String) throws -> (values: NDArray, indices: NDArray) {
        let d = try normalizedDim(dim, op: op)
        if ndim > 0 && shape[d] == 0 {
            throw TensorError("\(op)(): Expected reduction dim \(d) to have non-zero size.")
        }
        let l = try reductionLayout(ndim == 0 ? [] : [d], keepdim: keepdim, op: op)
        return try argExtremumRows(l, isMax: isMax)
    }

    /// Index of the maximum: over everything (flattened) when `dim` is nil.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> NDArray {
        try argExtreme(dim: dim, keepdim: keepdim, isMax: true, op: "argmax")
    }
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> NDArray {
        try argExtreme(dim: dim, keepdim: keepdim, isMax: false, op: "argmin")
    }

    private func argExtreme(dim: Int?, keepdim: Bool, isMax: Bool, op: String) throws -> NDArray {
        if let dim = dim { return try extremeAlong(dim: dim, keepdim: keepdim, isMax: isMax, op: op).indices }
        if count == 0 { throw TensorError("\(op)(): Expected reduction dim to be specified for input.numel() == 0.") }
        let flat = try reshape([-1])
        let l = try flat.reductionLayout([0], keepdim: false, op: op)
        let idx = try argExtremumRows(l, isMax: isMax).indices
        return keepdim ? try idx.reshape([Int](repeating: 1, count: ndim)) : idx
    }

    private func argExtremumRows(_ l: ReductionLayout, isMax: Bool) throws -> (values: NDArray, indices: NDArray) {
        switch dtype {
        case .float32: return try argRows(l, Float.self, isMax: isMax, isNaN: { $0.isNaN })
        case .float64: return try argRows(l, Double.self, isMax: isMax, isNaN: { $0.isNaN })
        case .int64: return try argRows(l, Int64.self, isMax: isMax, isNaN: { _ in false })
        case .bool:
            let r = try argRows(ReductionLayout(rows: l.rows.to(.int64), outer: l.outer, inner: l.inner,
                                                outShape: l.outShape, reducedDims: l.reducedDims),
                                Int64.self, isMax: isMax, isNaN: { _ in false })
            return (try r.values.to(.bool), r.indices)
        }
    }

    private func argRows<T: TensorElement & Comparable>(_ l: ReductionLayout, _: T.Type, isMax: Bool,
                                                         isNaN: (T) -> Bool) throws -> (values: NDArray, indices: NDArray) {
        let values = try NDArray.empty(l.outShape, dtype: T.dtype)
        let indices = try NDArray.empty(l.outShape, dtype: .int64)
        let p = l.rows.storage.pointer.assumingMemoryBound(to: T.self) + l.rows.offset
        let pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        for r in 0..<l.outer {
            let row = p + r * l.inner
            var best = row[0], bestIndex = 0
            if !isNaN(best) {
                for j in 1..<max(l.inner, 1) {
                    let v = row[j]
                    if isNaN(v) { best = v; bestIndex = j; break }
                    if isMax ? v > best : v < best { best = v; bestIndex = j }
                }
            }
            pv[r] = best; pi[r] = Int64(bestIndex)
        }
        return (values, indices)
    }

    /// Variance over `dims` with Bessel's `correction` (PyTorch's default 1).
    public func variance(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> NDArray {
        if !dtype.isFloatingPoint { throw TensorError("var(): only floating point types are supported, got \(dtype.rawValue)") }
        let l = try reductionLayout(dims, keepdim: keepdim, op: "var")
        let src = try l.rows.to(.float64)
        let p = src.pointer(Double.self)
        var result = [Double](repeating: 0, count: l.outer)
        for r in 0..<l.outer {
            let row = p + r * l.inner
            var mean = 0.0
            for j in 0..<l.inner { mean += row[j] }
            mean /= Double(l.inner)
            var ss = 0.0
            for j in 0..<l.inner { let d = row[j] - mean; ss += d * d }
            result[r] = ss / max(0, Double(l.inner) - correction)
        }
        return try NDArray(doubles: result, shape: l.outShape, dtype: dtype)
    }

    /// Numerically stable `log(sum(exp(x)))` over `dims`.
    public func logsumexp(dims: [Int]? = nil, keepdim: Bool = false) throws -> NDArray {
        if !dtype.isFloatingPoint { return try to(.float32).logsumexp(dims: dims, keepdim: keepdim) }
        let l = try reductionLayout(dims, keepdim: keepdim, op: "logsumexp")
        let src = try l.rows.to(.float64)
        let p = src.pointer(Double.self)
        var result = [Double](repeating: 0, count: l.outer)
        for r in 0..<l.outer {
            let row = p + r * l.inner
            var m = -Double.infinity
            for j in 0..<l.inner where row[j] > m || row[j].isNaN { m = row[j] }
            if m.isNaN { result[r] = m; continue }
            let shift = m.isInfinite ? 0 : m
            var s = 0.0
            for j in 0..<l.inner { s += Foundation.exp(row[j] - shift) }
            result[r] = Foundation.log(s) + shift
        }
        return try NDArray(doubles: result, shape: l.outShape, dtype: dtype)
    }

    /// Numerically stable softmax (or log-softmax) along `dim`.
    public func softmax(dim: Int, log: Bool = false) throws -> NDArray {
        if !dtype.isFloatingPoint { return try to(.float32).softmax(dim: dim, log: log) }
        if ndim == 0 { return try reshape([1]).softmax(dim: 0, log: log).reshape([]) }
        let d = try normalizedDim(dim, op: log ? "log_softmax" : "softmax")
        var perm = (0..<ndim).filter { $0 != d }
        perm.append(d)
        let l = try reductionLayout([d], keepdim: false, op: "softmax")
        let out = try NDArray.empty(l.rows.shape.isEmpty ? [] : perm.map { shape[$0] }, dtype: dtype)
        if dtype == .float32 { softmaxRows(l, out, Float.self, log: log) } else { softmaxRows(l, out, Double.self, log: log) }
        // Undo the permutation that put `dim` last.
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return try out.permuted(inverse).contiguous()
    }

    private func softmaxRows<T: FloatElement>(_ l: ReductionLayout, _ out: NDArray, _: T.Type, log: Bool) {
        let pAddress = UInt(bitPattern: l.rows.pointer(T.self)), oAddress = UInt(bitPattern: out.pointer(T.self))
        let n = l.inner, outer = l.outer
        // Rows are independent: two threads take halves of them when there is enough work.
        let parts = outer * n >= elementwiseParallelMinimum ? min(2, KernelThreads.available, outer) : 1
        parallelFor(count: parts) { part in
            let p = UnsafeMutablePointer<T>(bitPattern: pAddress)!, po = UnsafeMutablePointer<T>(bitPattern: oAddress)!
            var r = outer * part / parts
            let end = outer * (part + 1) / parts
            if T.self == Float.self {
                // Four rows at a time, phase by phase, so the rows' independent dependency
                // chains (max, exp, sum) overlap; each row's arithmetic is unchanged.
                let pf = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
                let of = UnsafeMutableRawPointer(po).assumingMemoryBound(to: Float.self)
                while r + 4 <= end {
                    softmaxFourFloatRows(pf + r * n, of + r * n, n, log: log)
                    r += 4
                }
            }
            while r < end {
                softmaxRow(p + r * n, po + r * n, n, log: log)
                r += 1
            }
        }
    }

    /// Rows `0..<4` of `row` (length `n` each) into `o`: the same operations per row as
    /// `softmaxRow`, grouped by phase.
    @inline(__always)
    private func softmaxFourFloatRows(_ row: UnsafeMutablePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int, log: Bool) {
        let m0 = VectorMath.maximum(row, count: n), m1 = VectorMath.maximum(row + n, count: n)
        let m2 = VectorMath.maximum(row + 2 * n, count: n), m3 = VectorMath.maximum(row + 3 * n, count: n)
        let shifts = SIMD4<Float>(m0.isFinite ? m0 : 0, m1.isFinite ? m1 : 0, m2.isFinite ? m2 : 0, m3.isFinite ? m3 : 0)
        var sums = SIMD4<Float>()
        for k in 0..<4 {
            sums[k] = VectorMath.expShiftedSum(row + k * n, o + k * n, count: n, shift: shifts[k])
        }
        for k in 0..<4 {
            let x = row + k * n, y = o + k * n
            if log {
                let ls = Float.log(sums[k])
                let shift = shifts[k]
                for j in 0..<n { y[j] = x[j] - shift - ls }
            } else {
                let inv = 1 / sums[k]
                for j in 0..<n { y[j] *= inv }
            }
        }
    }

    @inline(__always)
    private func softmaxRow<T: FloatElement>(_ row: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int, log: Bool) {
        do {
            var m = -T.infinity
            if T.self == Float.self {
                m = T(VectorMath.maximum(UnsafeRawPointer(row).assumingMemoryBound(to: Float.self), count: n))
            } else {
                for j in 0..<n where row[j] > m || row[j].isNaN { m = row[j] }
            }
            let shift = m.isFinite ? m : 0
            var s: T = 0
            if T.self == Float.self {
                // Vectorised exp of the shifted row into the output, summed in 16 lanes.
                s = T(VectorMath.expShiftedSum(UnsafeRawPointer(row).assumingMemoryBound(to: Float.self),
                                               UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self),
                                               count: n, shift: Float(shift)))
            } else {
                for j in 0..<n { let e = T.exp(row[j] - shift); o[j] = e; s += e }
            }
            if log {
                let ls = T.log(s)
                for j in 0..<n { o[j] = row[j] - shift - ls }
            } else {
                let inv = 1 / s
                for j in 0..<n { o[j] *= inv }
            }
        }
    }
}
