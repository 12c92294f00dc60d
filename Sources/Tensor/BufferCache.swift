import Foundation

/// A size-bucketed cache of freed large buffers. glibc returns blocks of ~128 KiB and more
/// to the OS on free, so a training loop that allocates and frees the same large
/// temporaries would page-fault them back in every step; reusing them avoids that without
/// asking users to tune malloc.
///
/// This is the one process-wide piece of mutable state in the library, on purpose: it is
/// invisible to results (buffers are uninitialised either way), thread-safe, and bounded.
final class BufferCache: @unchecked Sendable {
    static let shared = BufferCache()
    /// Blocks from this size up go through the cache.
    static let minimumBytes = 64 << 10
    /// Total bytes the cache may hold.
    let capacity = 256 << 20

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0

    /// Rounds a request up to its bucket: four buckets per power of two (≤ 25% slack).
    static func bucketSize(for bytes: Int) -> Int {
        let power = Int.bitWidth - (bytes - 1).leadingZeroBitCount   // 2^power ≥ bytes
        let step = 1 << max(power - 3, 0)
        return (bytes + step - 1) / step * step
    }

    /// A cached block of exactly `bucketBytes`, or nil.
    func take(_ bucketBytes: Int) -> UnsafeMutableRawPointer? {
        lock.lock(); defer { lock.unlock() }
        guard var list = free[bucketBytes], let block = list.popLast() else { return nil }
        free[bucketBytes] = list
        cachedBytes -= bucketBytes
        return block
    }

    /// Keeps `block` for reuse; false when the cache is full (the caller frees it).
    func give(_ block: UnsafeMutableRawPointer, _ bucketBytes: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if cachedBytes + bucketBytes > capacity { return false }
        free[bucketBytes, default: []].append(block)
        cachedBytes += bucketBytes
        return true
    }
}
