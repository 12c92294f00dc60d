import Foundation

// The multi-threaded blocked GEMM, after BLIS: threads share each packed B panel and the
// packed A, and take row blocks on demand. The work is one list in a fixed order — for each
// round (depth block pc, then column block jc): pack B (a few items), then compute each row
// block (packing its rows of A in the first column block of a depth block) —
// and each thread claims the next item in that order. Dependencies only ever point to
// earlier items (a row block waits for its round's B panel and for the same row block of
// the previous round; packing into one of the two B buffers waits for the round that used
// it before), and an earlier item has already been claimed by a running thread. So no
// thread waits on work that nobody is doing: no deadlock even when `concurrentPerform`
// runs the threads one after another (e.g. nested inside other parallel work), and no core
// idles at a barrier while another process slows the other one.
//
// Row blocks shrink towards the end of a round (guided scheduling), so the two threads
// finish within a small block of each other; B packing is split so both threads pack.
// Waits are short (a few microseconds), so a waiting thread polls before it sleeps.
//
// Who computes a tile never changes how it is computed, so the bits are those of
// `gemmBlocked` on one thread.

/// One unit of work: pack slivers `first..<end` of round `round`'s B panel, or compute
/// row block `first` of that round.
private struct GEMMWorkItem {
    var round: Int
    var isPacking: Bool
    var first: Int
    var end: Int
}

/// The shared claim counter and completion counts, behind one condition variable.
private final class GEMMSchedule: @unchecked Sendable {
    let items: [GEMMWorkItem]
    let packItemsPerRound: [Int]
    let rowBlocks: Int
    private let condition = NSCondition()
    private var nextItem = 0
    private var packed: [Int]
    private var computed: [Int]
    /// Rounds completed by each row block.
    private var rowRounds: [Int]
    private var sleepers = 0

    init(items: [GEMMWorkItem], packItemsPerRound: [Int], rowBlocks: Int) {
        self.items = items
        self.packItemsPerRound = packItemsPerRound
        self.rowBlocks = rowBlocks
        packed = Array(repeating: 0, count: packItemsPerRound.count)
        computed = Array(repeating: 0, count: packItemsPerRound.count)
        rowRounds = Array(repeating: 0, count: rowBlocks)
    }

    func claim() -> GEMMWorkItem? {
        condition.lock()
        defer { condition.unlock() }
        guard nextItem < items.count else { return nil }
        nextItem += 1
        return items[nextItem - 1]
    }

    /// Whether `item`'s inputs are ready (called with the lock held).
    private func ready(_ item: GEMMWorkItem) -> Bool {
        if item.isPacking {
            // The buffer was last read in round − 2.
            return item.round < 2 || computed[item.round - 2] == rowBlocks
        }
        // The B panel is packed, and C's rows got the previous depth blocks first.
        return packed[item.round] == packItemsPerRound[item.round] && rowRounds[item.first] == item.round
    }

    /// Returns once `item` may run: polls for a while (waits are usually a few
    /// microseconds, shorter than a sleep and wake-up), then sleeps.
    func wait(for item: GEMMWorkItem) {
        var polls = 0
        condition.lock()
        while !ready(item) {
            if polls < 4000 {
                polls += 1
                condition.unlock()
                condition.lock()
            } else {
                sleepers += 1
                condition.wait()
                sleepers -= 1
            }
        }
        condition.unlock()
    }

    func finished(_ item: GEMMWorkItem) {
        condition.lock()
        if item.isPacking {
            packed[item.round] += 1
        } else {
            computed[item.round] += 1
            rowRounds[item.first] += 1
        }
        if sleepers > 0 { condition.broadcast() }
        condition.unlock()
    }
}

/// Row blocks (first row, row count) for the team: multiples of `mr`, at most `cap` rows,
/// each about 1/(2·parts) of the rows still unassigned, so blocks shrink towards the end.
func gemmGuidedRowBlocks(rows m: Int, parts: Int, mr: Int, cap: Int) -> [(start: Int, rows: Int)] {
    var blocks: [(start: Int, rows: Int)] = []
    var start = 0
    while start < m {
        let remaining = m - start
        let share = (remaining + 2 * parts - 1) / (2 * parts)
        let rows = min(remaining, max(mr, min(cap, (share + mr - 1) / mr * mr)))
        blocks.append((start, rows))
        start += rows
    }
    return blocks
}

/// C[0..<m, 0..<n] (+)= op(A)·op(B) on up to `parts` threads sharing packed B panels.
func gemmBlockedTeam<T: GEMMScalar>(
    parts: Int, m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    let mr = T.microRows, nr = T.microColumns
    // The block heights do not change any element's arithmetic, only who computes it.
    let blocks = gemmGuidedRowBlocks(rows: m, parts: parts, mr: mr, cap: T.rowBlock)
    let rowBlocks = blocks.count
    let kcMax = min(T.depthBlock, k)
    let ncMax = min(T.columnBlock, (n + nr - 1) / nr * nr)

    // Rounds in order: (pc, jc) with jc innermost, as in `gemmBlocked`.
    var rounds: [(jc: Int, nc: Int, pc: Int, kc: Int)] = []
    var items: [GEMMWorkItem] = []
    var packItemsPerRound: [Int] = []
    var pc = 0
    while pc < k {
        let kc = min(T.depthBlock, k - pc)
        var jc = 0
        while jc < n {
            let nc = min(T.columnBlock, n - jc)
            let round = rounds.count
            rounds.append((jc, nc, pc, kc))
            let slivers = (nc + nr - 1) / nr
            // Enough packing items for every thread to take a share.
            let sliversPerPackItem = max(1, min(8, (slivers + 2 * parts - 1) / (2 * parts)))
            var first = 0
            var packItems = 0
            while first < slivers {
                items.append(GEMMWorkItem(round: round, isPacking: true, first: first,
                                          end: min(slivers, first + sliversPerPackItem)))
                first += sliversPerPackItem
                packItems += 1
            }
            packItemsPerRound.append(packItems)
            for block in 0..<rowBlocks {
                items.append(GEMMWorkItem(round: round, isPacking: false, first: block, end: block + 1))
            }
            jc += nc
        }
        pc += kc
    }

    let schedule = GEMMSchedule(items: items, packItemsPerRound: packItemsPerRound, rowBlocks: rowBlocks)
    let panelCount = kcMax * ncMax
    // The B panels (double-buffered) and all rows of A for one depth block: row block r
    // packs its rows in the depth block's first round and reads them in the later ones
    // (it runs its rounds in order), so each region has one writer at a time.
    let mPadded = (m + mr - 1) / mr * mr
    let bScratch = GEMMScratch<T>(count: 2 * panelCount)
    let aScratch = GEMMScratch<T>(count: mPadded * kcMax)
    defer { bScratch.release(); aScratch.release() }
    let bAddress = UInt(bitPattern: bScratch.pointer), aAddress = UInt(bitPattern: aScratch.pointer)
    let cAddress = UInt(bitPattern: c)

    parallelFor(count: parts) { _ in
        let bBuffers = UnsafeMutablePointer<T>(bitPattern: bAddress)!
        let aBuffer = UnsafeMutablePointer<T>(bitPattern: aAddress)!
        let c = UnsafeMutablePointer<T>(bitPattern: cAddress)!
        let edgeTile = UnsafeMutablePointer<T>.allocate(capacity: mr * nr)
        defer { edgeTile.deallocate() }
        while let item = schedule.claim() {
            let (jc, nc, pc, kc) = rounds[item.round]
            let packedB = bBuffers + (item.round % 2) * panelCount
            schedule.wait(for: item)
            if item.isPacking {
                for sliver in item.first..<item.end {
                    let start = sliver * nr
                    packB(b.offset(row: pc, col: jc + start), depth: kc, columns: min(nr, nc - start),
                          into: packedB + start * kc)
                }
            } else {
                let (ic, rows) = blocks[item.first]
                let packedA = aBuffer + ic * kc
                if jc == 0 {
                    packA(a.offset(row: ic, col: pc), rows: rows, depth: kc, into: packedA)
                }
                gemmMacroKernel(rows: rows, columns: nc, depth: kc, packedA: packedA,
                                packedB: packedB, c: c + (ic * ldc + jc), ldc: ldc,
                                addToC: accumulate || pc > 0, edgeTile: edgeTile)
            }
            schedule.finished(item)
        }
    }
}
