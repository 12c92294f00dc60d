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
        // Small blocks: plain malloc (16-byte aligned, the fastest path). Large ones: 64-byte
        // alignment for AVX-512 loads. At least 1 byte so the pointer is valid.
        var raw: UnsafeMutableRawPointer?
        if byteCount <= Storage.smallBlockLimit {
            raw = malloc(max(byteCount, 1))
        } else if posix_memalign(&raw, 64, byteCount) != 0 {
            raw = nil
        }
        guard let allocated = raw else {
            budget?.release(byteCount)
            throw TensorError("out of memory: cannot allocate \(byteCount) bytes")
        }
        self.pointer = allocated
    }

    static let smallBlockLimit = 4096

    deinit {
        free(pointer)
        budget?.release(byteCount)
    }

    /// Records an in-place write.
    public func bumpVersion() { version &+= 1 }
}
