import Foundation

/// A block of raw memory holding tensor elements. Several `NDArray` views may share one
/// storage; `version` counts in-place writes so autograd can detect a saved tensor that
/// was modified after it was saved.
public final class Storage {
    public let pointer: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Incremented by every in-place write through any view of this storage.
    @exclusivity(unchecked) public internal(set) var version: Int = 0
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
            cachedBytes = 0
        } else if byteCount >= BufferCache.minimumBytes {
            let bucket = BufferCache.bucketSize(for: byteCount)
            cachedBytes = bucket
            raw = BufferCache.shared.take(bucket)
            if raw == nil && posix_memalign(&raw, 64, bucket) != 0 { raw = nil }
        } else {
            cachedBytes = 0
            if posix_memalign(&raw, 64, byteCount) != 0 { raw = nil }
        }
        guard let allocated = raw else {
            budget?.release(byteCount)
            throw TensorError("out of memory: cannot allocate \(byteCount) bytes")
        }
        self.pointer = allocated
    }

    static let smallBlockLimit = 4096
    /// The bucket size when the block came from (and goes back to) the buffer cache, else 0.
    private let cachedBytes: Int

    deinit {
        if cachedBytes == 0 || !BufferCache.shared.give(pointer, cachedBytes) { free(pointer) }
        budget?.release(byteCount)
    }

    /// Records an in-place write.
    public func bumpVersion() { version &+= 1 }
}
