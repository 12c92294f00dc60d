import Tensor

// Work split for the fused primitives: contiguous index ranges, one per kernel thread, or items
// handed out one by one. Each index is computed alone (single-threaded products at these sizes),
// so bits do not depend on the split.

/// How many parts `count` independent items are split into.
func parallelPartCount(_ count: Int) -> Int { Swift.max(1, Swift.min(KernelThreads.available, count)) }

/// Runs `body(part, range)` for the `parts` contiguous ranges of `0..<count`, concurrently.
func forEachPart(_ count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    if parts <= 1 {
        body(0, 0..<count)
        return
    }
    parallelFor(count: parts) { part in
        body(part, (count * part / parts)..<(count * (part + 1) / parts))
    }
}

/// Runs `body(i)` for every i in `0..<count`, spread over the kernel threads. Items are handed
/// out one at a time (`parallelFor`), not in fixed halves: when another process
/// holds one core, the free thread takes more items instead of waiting for the slow half. Each item
/// must be computed alone, so the split never changes the bits.
func forEachInParallel(_ count: Int, _ body: (Int) -> Void) {
    if parallelPartCount(count) <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    parallelFor(count: count, body)
}
