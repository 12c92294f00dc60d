import Foundation

/// A cap on the bytes of live tensor storage, installed per thread by whoever owns the
/// run (a notebook session): allocations beyond the cap throw instead of exhausting memory.
///
/// ```swift
/// let budget = MemoryBudget(limit: 1 << 30)
/// try budget.withInstalled { try NDArray.zeros([1024, 1024]) }
/// ```
/// Storage remembers the budget that paid for it and gives its bytes back when freed,
/// even if freed on another thread.
public final class MemoryBudget: @unchecked Sendable {
    /// Maximum live bytes; allocations that would exceed it throw.
    public let limit: Int
    private var live = 0
    private var peak = 0
    private let lock = NSLock()

    public init(limit: Int) { self.limit = limit }

    /// Bytes of tensor storage currently alive that were charged to this budget.
    public var liveBytes: Int { lock.lock(); defer { lock.unlock() }; return live }
    /// The largest value `liveBytes` has reached.
    public var peakBytes: Int { lock.lock(); defer { lock.unlock() }; return peak }

    func charge(_ bytes: Int) throws {
        lock.lock()
        if live + bytes > limit {
            let current = live
            lock.unlock()
            throw TensorError(
                "out of memory: allocating \(bytes) bytes would exceed the tensor memory limit of \(limit) bytes (\(current) in use)")
        }
        live += bytes
        if live > peak { peak = live }
        lock.unlock()
    }

    func release(_ bytes: Int) {
        lock.lock()
        live -= bytes
        lock.unlock()
    }

    /// Runs `body` with this budget installed on the current thread, restoring the
    /// previous one afterwards.
    public func withInstalled<R>(_ body: () throws -> R) rethrows -> R {
        let previous = ThreadState.current.budget
        ThreadState.current.budget = self
        defer { ThreadState.current.budget = previous }
        return try body()
    }

    /// The budget installed on the current thread, if any.
    public static var current: MemoryBudget? { ThreadState.current.budget }
}

/// Per-thread state of the tensor library (no process-wide mutable state: parallel
/// notebook sessions on different threads never see each other's settings).
final class ThreadState {
    var budget: MemoryBudget?

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer = pointer { Unmanaged<ThreadState>.fromOpaque(pointer).release() }
        }
        return key
    }()

    static var current: ThreadState {
        @inline(__always) get {
            if let raw = pthread_getspecific(key) {
                return Unmanaged<ThreadState>.fromOpaque(raw).takeUnretainedValue()
            }
            let state = ThreadState()
            pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
            return state
        }
    }
}
