import Foundation

/// A block of raw memory holding tensor elements. Several `NDArray` views may share one
/// storage; `version` counts in-place writes so autograd can detect a saved tensor that
/// was modified after it was saved.
public final class Storage {
    public let pointer: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Incremented by every in-place write through any view of this storage.
    public internal(set) var version: Int = 0
    private let budget: MemoryBudget?

    /// Allocates `byteCount` bytes (uninitialised), charging the current thread's budget.
    public init(byteCount: Int) throws {
        let budget = MemoryBudget.current
        try budget?.charge(byteCount)
        self.budget = budget
        self.byteCount = byteCount
        // 64-byte alignment suits AVX-512 loads; at least 1 byte so the pointer is valid.
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, 64, max(byteCount, 1)) != 0 || raw == nil {
            budget?.release(byteCount)
            throw TensorError("out of memory: cannot allocate \(byteCount) bytes")
        }
        self.pointer = raw!
    }

    deinit {
        free(pointer)
        budget?.release(byteCount)
    }

    /// Records an in-place write.
    public func bumpVersion() { version &+= 1 }
}
