// Sums with a fixed summation order, so a reduction gives the same bits on every run,
// every thread count and every x86-64 CPU.
//
// Contiguous sum of n elements: split into blocks of `reductionBlock` elements. Each block
// is summed by 64 (float32) or 32 (float64) interleaved lanes — element i of the block goes
// to lane i mod lanes, added in increasing i — then lanes are folded by halving (lane j +
// lane j + half), and the block's leftover tail (n mod lanes) is added sequentially after.
// Block partials are combined pairwise: sum(lo..<hi) = sum(lo..<mid) + sum(mid..<hi),
// mid = lo + count / 2. The error grows like O(log n) rather than O(n), as in NumPy's
// and PyTorch's cascade sums, and the blocks can be summed on any thread.

/// Elements per independently summed block of a contiguous reduction.
public let reductionBlock = 4096
/// Blocks per thread below which a reduction stays on one thread.
let reductionBlocksPerThread = 64

/// Pairwise combination of `partials[range]` in the fixed tree described above.
private func pairwise<T: BinaryFloatingPoint>(_ partials: UnsafePointer<T>, _ range: Range<Int>) -> T {
    if range.count == 1 { return partials[range.lowerBound] }
    let mid = range.lowerBound + range.count / 2
    return pairwise(partials, range.lowerBound..<mid) + pairwise(partials, mid..<range.upperBound)
}

/// The blocked, pairwise sum of `count` block partials produced by `block(index)`.
private func blockedSum<T: BinaryFloatingPoint>(
    count: Int, threads: Int, block: (Int) -> T
) -> T {
    let blocks = (count + reductionBlock - 1) / reductionBlock
    if blocks <= 1 { return block(0) }
    let partials = UnsafeMutablePointer<T>.allocate(capacity: blocks)
    defer { partials.deallocate() }
    let parts = max(1, min(threads, blocks / reductionBlocksPerThread))
    let address = UInt(bitPattern: partials)
    parallelFor(count: parts) { part in
        let out = UnsafeMutablePointer<T>(bitPattern: address)!
        for index in (blocks * part / parts)..<(blocks * (part + 1) / parts) { out[index] = block(index) }
    }
    return pairwise(partials, 0..<blocks)
}

// MARK: float32

@inline(__always)
private func foldLanes(_ v: SIMD16<Float>) -> Float {
    let v8 = v.lowHalf + v.highHalf
    let v4 = v8.lowHalf + v8.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2[0] + v2[1]
}

/// Sums one block (≤ `reductionBlock` elements) of `x` or of `x·y` in the lane order above.
@inline(__always)
private func blockSum(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>?, _ count: Int) -> Float {
    typealias V = SIMD16<Float>
    func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    var l0 = V(), l1 = V(), l2 = V(), l3 = V()
    var i = 0
    if let y {
        while i + 64 <= count {
            l0 = l0 + load(x + i) * load(y + i)
            l1 = l1 + load(x + i + 16) * load(y + i + 16)
            l2 = l2 + load(x + i + 32) * load(y + i + 32)
            l3 = l3 + load(x + i + 48) * load(y + i + 48)
            i += 64
        }
    } else {
        while i + 64 <= count {
            l0 = l0 + load(x + i)
            l1 = l1 + load(x + i + 16)
            l2 = l2 + load(x + i + 32)
            l3 = l3 + load(x + i + 48)
            i += 64
        }
    }
    // Lanes 0..<64 are l0 ‖ l1 ‖ l2 ‖ l3; halving folds (l0+l2) and (l1+l3), then those.
    var total = foldLanes((l0 + l2) + (l1 + l3))
    var tail: Float = 0
    while i < count {
        tail = tail + (y.map { x[i] * $0[i] } ?? x[i])
        i += 1
    }
    total = total + tail
    return total
}

/// The sum of `count` contiguous floats in the fixed order documented in Reductions.swift;
/// the same bits for every `threads`.
///
/// ```swift
/// let total = sum(pointer, count: 1_000_000)
/// ```
public func sum(_ x: UnsafePointer<Float>, count: Int, threads: Int = KernelThreads.available) -> Float {
    if count <= 0 { return 0 }
    return blockedSum(count: count, threads: threads) { index in
        let start = index * reductionBlock
        return blockSum(x + start, nil, min(reductionBlock, count - start))
    }
}

/// The dot product Σ x[i]·y[i] of `count` contiguous floats, in the same fixed order as `sum`
/// (multiply and add unfused).
public func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int,
                threads: Int = KernelThreads.available) -> Float {
    if count <= 0 { return 0 }
    return blockedSum(count: count, threads: threads) { index in
        let start = index * reductionBlock
        return blockSum(x + start, y + start, min(reductionBlock, count - start))
    }
}

// MARK: float64

@inline(__always)
private func foldLanes(_ v: SIMD8<Double>) -> Double {
    let v4 = v.lowHalf + v.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2[0] + v2[1]
}

@inline(__always)
private func blockSum(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>?, _ count: Int) -> Double {
    typealias V = SIMD8<Double>
    func load(_ p: UnsafePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    var l0 = V(), l1 = V(), l2 = V(), l3 = V()
    var i = 0
    if let y {
        while i + 32 <= count {
            l0 = l0 + load(x + i) * load(y + i)
            l1 = l1 + load(x + i + 8) * load(y + i + 8)
            l2 = l2 + load(x + i + 16) * load(y + i + 16)
            l3 = l3 + load(x + i + 24) * load(y + i + 24)
            i += 32
        }
    } else {
        while i + 32 <= count {
            l0 = l0 + load(x + i)
            l1 = l1 + load(x + i + 8)
            l2 = l2 + load(x + i + 16)
            l3 = l3 + load(x + i + 24)
            i += 32
        }
    }
    var total = foldLanes((l0 + l2) + (l1 + l3))
    var tail: Double = 0
    while i < count {
        tail = tail + (y.map { x[i] * $0[i] } ?? x[i])
        i += 1
    }
    total = total + tail
    return total
}

/// The sum of `count` contiguous doubles in the fixed order documented in Reductions.swift.
public func sum(_ x: UnsafePointer<Double>, count: Int, threads: Int = KernelThreads.available) -> Double {
    if count <= 0 { return 0 }
    return blockedSum(count: count, threads: threads) { index in
        let start = index * reductionBlock
        return blockSum(x + start, nil, min(reductionBlock, count - start))
    }
}

/// The dot product of `count` contiguous doubles, in the same fixed order as `sum`.
public func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int,
                threads: Int = KernelThreads.available) -> Double {
    if count <= 0 { return 0 }
    return blockedSum(count: count, threads: threads) { index in
        let start = index * reductionBlock
        return blockSum(x + start, y + start, min(reductionBlock, count - start))
    }
}
