import Foundation

/// Thread counts for the kernels.
public enum KernelThreads {
    /// The number of processors the process may run on; the default thread count.
    public static let available: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Runs `body(0) … body(count - 1)`, on up to `count` threads at once (the calling thread
/// takes part), and returns when all have run. Each index must write disjoint memory, and
/// what an index computes must not depend on which thread runs it (so results never depend
/// on the thread count). Indices are handed out one at a time, so a thread slowed by
/// another process takes fewer of them.
///
/// On Linux the other threads are `KernelWorkers`, which stay awake briefly between jobs;
/// while they are busy with another caller's job (or elsewhere) this uses
/// `DispatchQueue.concurrentPerform`.
public func parallelFor(count: Int, _ body: (Int) -> Void) {
    if count <= 1 {
        if count == 1 { body(0) }
        return
    }
    #if os(Linux)
    if KernelWorkers.shared.run(count: count, body) { return }
    #endif
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
