import Foundation

/// Thread counts for the kernels.
public enum KernelThreads {
    /// The number of processors the process may run on; the default thread count.
    public static let available: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Runs `body(0) … body(count - 1)`, on up to `count` threads at once (the calling thread
/// takes part). Each index must write disjoint memory.
func parallelFor(count: Int, _ body: (Int) -> Void) {
    if count <= 1 {
        if count == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let task = UncheckedSendableBox(escapable)
        DispatchQueue.concurrentPerform(iterations: count) { index in task.value(index) }
    }
}

/// Lets a closure that writes disjoint memory cross into `concurrentPerform`.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
