import Foundation

// The multi-threaded blocked GEMM, after BLIS: threads share each packed B panel and take
// row blocks of A on demand. The work is one list in a fixed order — for each round
// (column block jc, depth block pc): pack B (a few items), then compute each row block —
// and each thread claims the next item in that order. Dependencies only ever point to
// earlier items (a row block waits for its round's B panel and for the previous round's
// row blocks; packing into one of the two B buffers waits for the round that used it
// before), and an earlier item has already been claimed by a running thread. So no thread
// waits on work that nobody is doing: no deadlock even when `concurrentPerform` runs the
// threads one after another (e.g. nested inside other parallel work), and no core idles
// at a barrier while another process slows the other one.
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

    init(items: [GEMMWorkItem], packItemsPerRound: [Int], rowBlocks: Int) {
        self.items = items
        self.packItemsPerRound = packItemsPerRound
        self.rowBlocks = rowBlocks
        packed = Array(repeating: 0, count: packItemsPerRound.count)
        computed = Array(repeating: 0, count: packItemsPerRound.count)
    }

    func claim() -> GEMMWorkItem? {
        condition.lock()
        defer { condition.unlock() }
        guard nextItem < items.count else { return nil }
        nextItem += 1
        return items[nextItem - 1]
    }

    /// Sleeps until round `round`'s B panel is packed (if `needPacked`) and all row blocks
    /// of round `computedRound` are done (if it is ≥ 0).
    func wait(packedRound: Int?, computedRound: Int) {
        condition.lock()
        while true {
            let packReady = packedRound.map { packed[$0] == packItemsPerRound[$0] } ?? true
            let computeReady = computedRound < 0 || computed[computedRound] == rowBlocks
            if packReady && computeReady { break }
            condition.wait()
        }
        condition.unlock()
    }

    func finished(_ item: GEMMWorkItem) {
        condition.lock()
        if item.isPacking { packed[item.round] += 1 } else { computed[item.round] += 1 }
        condition.broadcast()
        condition.unlock()
    }
}

/// C[0..<m, 0..<n] (+)= op(A)·op(B) on up to `parts` threads sharing packed B panels.
func gemmBlockedTeam<T: GEMMScalar>(
    parts: Int, m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    let mr = T.microRows, nr = T.microColumns
    // Row blocks small enough that every thread gets about three: the block height does
    // not change any element's arithmetic, only who computes it.
    let fair = (m + 3 * parts - 1) / (3 * parts)
    let mc = max(mr, min(T.rowBlock, (fair + mr - 1) / mr * mr))
    let rowBlocks = (m + mc - 1) / mc
    let kcMax = min(T.depthBlock, k)
    let ncMax = min(T.columnBlock, (n + nr - 1) / nr * nr)
    let sliversPerPackItem = 8

    // Rounds in order: (jc, pc) with pc innermost, as in `gemmBlocked`.
    var rounds: [(jc: Int, nc: Int, pc: Int, kc: Int)] = []
    var items: [GEMMWorkItem] = []
    var packItemsPerRound: [Int] = []
    var jc = 0
    while jc < n {
        let nc = min(T.columnBlock, n - jc)
        var pc = 0
        while pc < k {
            let kc = min(T.depthBlock, k - pc)
            let round = rounds.count
            rounds.append((jc, nc, pc, kc))
            let slivers = (nc + nr - 1) / nr
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
            pc += kc
        }
        jc += nc
    }

    let schedule = GEMMSchedule(items: items, packItemsPerRound: packItemsPerRound, rowBlocks: rowBlocks)
    let panelCount = kcMax * ncMax
    let bBuffers = UnsafeMutablePointer<T>.allocate(capacity: 2 * panelCount)  // double-buffered
    defer { bBuffers.deallocate() }
    let bAddress = UInt(bitPattern: bBuffers), cAddress = UInt(bitPattern: c)

    parallelFor(count: parts) { _ in
        let bBuffers = UnsafeMutablePointer<T>(bitPattern: bAddress)!
        let c = UnsafeMutablePointer<T>(bitPattern: cAddress)!
        let buffers = GEMMPackBuffers<T>(rows: mc, depth: kcMax, columns: 0)
        defer { buffers.deallocate() }
        while let item = schedule.claim() {
            let (jc, nc, pc, kc) = rounds[item.round]
            let packedB = bBuffers + (item.round % 2) * panelCount
            if item.isPacking {
                // The buffer was last read in round − 2.
                schedule.wait(packedRound: nil, computedRound: item.round - 2)
                for sliver in item.first..<item.end {
                    let start = sliver * nr
                    packB(b.offset(row: pc, col: jc + start), depth: kc, columns: min(nr, nc - start),
                          into: packedB + start * kc)
                }
            } else {
                // C's rows get their depth blocks in order: the previous round first.
                schedule.wait(packedRound: item.round, computedRound: item.round - 1)
                let ic = item.first * mc
                let rows = min(mc, m - ic)
                packA(a.offset(row: ic, col: pc), rows: rows, depth: kc, into: buffers.packedA)
                gemmMacroKernel(rows: rows, columns: nc, depth: kc, packedA: buffers.packedA,
                                packedB: packedB, c: c + (ic * ldc + jc), ldc: ldc,
                                addToC: accumulate || pc > 0, edgeTile: buffers.edgeTile)
            }
            schedule.finished(item)
        }
    }
}
