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

    /// Keeps `block` for reuse; false when it is larger than the whole cache (the caller
    /// frees it). When the cache is full, blocks of other sizes are freed to make room
    /// (from the size holding the most bytes), so sizes a program stopped using never
    /// lock out the sizes it uses now.
    func give(_ block: UnsafeMutableRawPointer, _ bucketBytes: Int) -> Bool {
        if bucketBytes > capacity { return false }
        var evicted: [UnsafeMutableRawPointer] = []
        lock.lock()
        while cachedBytes + bucketBytes > capacity {
            var victim = 0, victimBytes = 0
            for (size, list) in free where size != bucketBytes && size * list.count > victimBytes {
                victim = size
                victimBytes = size * list.count
            }
            // Only blocks of this very size are held: keep those, drop the new one.
            guard victimBytes > 0, var list = free[victim], let old = list.popLast() else {
                lock.unlock()
                return false
            }
            free[victim] = list.isEmpty ? nil : list
            cachedBytes -= victim
            evicted.append(old)
        }
        free[bucketBytes, default: []].append(block)
        cachedBytes += bucketBytes
        lock.unlock()
        for old in evicted { freeBlock(old) }
        return true
    }
}

/// The C allocator's free (inside `BufferCache`, `free` names the cache's lists).
private func freeBlock(_ block: UnsafeMutableRawPointer) { free(block) }
