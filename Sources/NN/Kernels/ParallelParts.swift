import Dispatch
import Tensor

// Work split for the fused primitives: contiguous index ranges, one per kernel thread. Each
// index is computed alone (single-threaded GEMMs at these sizes), so bits do not depend on the split.

/// How many parts `count` independent items are split into.
func parallelPartCount(_ count: Int) -> Int { Swift.max(1, Swift.min(KernelThreads.available, count)) }

/// Runs `body(part, range)` for the `parts` contiguous ranges of `0..<count`, concurrently.
func forEachPart(_ count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    if parts <= 1 {
        body(0, 0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }
}

/// Runs `body(i)` for every i in `0..<count`, spread over the kernel threads.
func forEachInParallel(_ count: Int, _ body: (Int) -> Void) {
    forEachPart(count, parts: parallelPartCount(count)) { _, range in
        for i in range { body(i) }
    }
}
