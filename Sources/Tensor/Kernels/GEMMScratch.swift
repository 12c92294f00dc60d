import Foundation

// Packing buffers kept from one product to the next. A blocked product needs up to a few
// MiB of scratch (all rows of A for one depth block, two B panels); glibc serves blocks that
// large with mmap, or trims them off the heap when freed, so a fresh allocation per call
// page-faults every page in again: measured here 992 minor faults per 1024³ product on two
// threads (4 MiB) and 46 per 256³ product on one, each fault a few hundred ns inside this VM.
// Reusing the blocks removes them. Like malloc's own free lists this state is invisible to
// results (packing overwrites every element it reads), thread-safe, and bounded.

/// A small process-wide cache of 64-byte-aligned scratch blocks for the GEMM kernels.
final class GEMMScratchCache: @unchecked Sendable {
    static let shared = GEMMScratchCache()

    /// Blocks above this size are freed rather than kept.
    static let largestCachedBytes = 32 << 20
    /// At most this many blocks are kept (two threads × a product in flight, with room).
    static let maximumBlocks = 6

    private let lock = NSLock()
    private var free: [(block: UnsafeMutableRawPointer, bytes: Int)] = []

    /// A block of at least `bytes` bytes (64-byte aligned) and its actual size; give it
    /// back with `give`. Reuses the smallest cached block that fits and wastes at most half.
    func take(bytes: Int) -> (block: UnsafeMutableRawPointer, bytes: Int) {
        lock.lock()
        var best: Int?
        for (index, entry) in free.enumerated()
        where entry.bytes >= bytes && entry.bytes <= 2 * bytes + 4096 {
            if best == nil || entry.bytes < free[best!].bytes { best = index }
        }
        if let best {
            let entry = free.remove(at: best)
            lock.unlock()
            return entry
        }
        lock.unlock()
        let rounded = (bytes + 4095) / 4096 * 4096
        return (UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: 64), rounded)
    }

    /// Returns a block from `take` for reuse (or frees it when too large or the cache is full
    /// — then the smallest block goes).
    func give(_ block: UnsafeMutableRawPointer, bytes: Int) {
        if bytes > Self.largestCachedBytes {
            block.deallocate()
            return
        }
        lock.lock()
        free.append((block, bytes))
        var evicted: UnsafeMutableRawPointer?
        if free.count > Self.maximumBlocks,
           let smallest = free.indices.min(by: { free[$0].bytes < free[$1].bytes }) {
            evicted = free.remove(at: smallest).block
        }
        lock.unlock()
        evicted?.deallocate()
    }
}

/// Scratch space for `count` elements of `T`, 64-byte aligned, from the cache.
struct GEMMScratch<T> {
    let pointer: UnsafeMutablePointer<T>
    private let block: UnsafeMutableRawPointer
    private let bytes: Int

    init(count: Int) {
        let taken = GEMMScratchCache.shared.take(bytes: max(64, count * MemoryLayout<T>.stride))
        block = taken.block
        bytes = taken.bytes
        pointer = block.bindMemory(to: T.self, capacity: count)
    }

    /// Hands the block back to the cache; `pointer` is invalid afterwards.
    func release() { GEMMScratchCache.shared.give(block, bytes: bytes) }
}
