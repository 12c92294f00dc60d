import Foundation
#if os(Linux)
import Synchronization
#endif

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
    // Every tensor allocation and free passes here: on Linux two atomics instead of a
    // mutex (whose lock and unlock cost about 4% of a 4-element recorded add).
    #if os(Linux)
    private let live = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    #else
    private var liveValue = 0
    private var peakValue = 0
    private let lock = NSLock()
    #endif

    public init(limit: Int) { self.limit = limit }

    #if os(Linux)
    /// Bytes of tensor storage currently alive that were charged to this budget.
    public var liveBytes: Int { live.load(ordering: .relaxed) }
    /// The largest value `liveBytes` has reached.
    public var peakBytes: Int { peak.load(ordering: .relaxed) }

    @inline(__always)
    func charge(_ bytes: Int) throws {
        let now = live.wrappingAdd(bytes, ordering: .relaxed).newValue
        if now > limit {
            live.wrappingSubtract(bytes, ordering: .relaxed)
            throw TensorError(
                "out of memory: allocating \(bytes) bytes would exceed the tensor memory limit of \(limit) bytes (\(now - bytes) in use)")
        }
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    @inline(__always)
    func release(_ bytes: Int) { live.wrappingSubtract(bytes, ordering: .relaxed) }
    #else
    public var liveBytes: Int { lock.lock(); defer { lock.unlock() }; return liveValue }
    public var peakBytes: Int { lock.lock(); defer { lock.unlock() }; return peakValue }

    func charge(_ bytes: Int) throws {
        lock.lock()
        if liveValue + bytes > limit {
            let current = liveValue
            lock.unlock()
            throw TensorError(
                "out of memory: allocating \(bytes) bytes would exceed the tensor memory limit of \(limit) bytes (\(current) in use)")
        }
        liveValue += bytes
        if liveValue > peakValue { peakValue = liveValue }
        lock.unlock()
    }

    func release(_ bytes: Int) {
        lock.lock()
        liveValue -= bytes
        lock.unlock()
    }
    #endif

    /// Runs `body` with this budget installed on the current thread, restoring the
    /// previous one afterwards.
    public func withInstalled<R>(_ body: () throws -> R) rethrows -> R {
        let previous = ThreadState.current.budget
        ThreadState.current.budget = self
        defer { ThreadState.current.budget = previous }
        return try body()
    }

    /// The budget installed on the current thread, if any.
    public static var current: MemoryBudget? {
        // Read without retaining the thread state (every allocation asks), and without
        // creating it: no state means no budget.
        guard let raw = ThreadState.existing else { return nil }
        return Unmanaged<ThreadState>.fromOpaque(raw)._withUnsafeGuaranteedRef { $0.budget }
    }
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

    /// This thread's state if it has one (an unretained pointer).
    static var existing: UnsafeMutableRawPointer? {
        @inline(__always) get { pthread_getspecific(key) }
    }

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
