import Foundation
#if os(Linux)
import Synchronization

// The multi-threaded blocked GEMM: each thread owns a strip of C's columns, with its own
// packed B panels and its own packed A, and steals row blocks from the others when it runs
// out of work.
//
// Why columns: a thread then reads only what it packed itself. The previous design shared
// each B panel between the threads (packed half by each, rows split between them), and on
// these machines the other core's half of the panel came over slowly: a 256³ product ran at
// 157–228 GFLOPS that way, two independent column halves at 246–272 in the same runs. Why
// stealing: a static split waits for the slower core, and here one virtual CPU is often
// 30 % slower than the other for seconds at a time (another tenant on the host); two fixed
// halves then ran at 180 where the shared design kept 230–270 (docs/benchmarks.md).
//
// Each owner walks its rounds — for each depth block (pc), for each column block of its
// strip (jc): pack B, then open the round's row blocks — and claims row blocks from the
// front. A thread with no rounds left claims row blocks of another owner's open round and
// packs what they need itself: those rows of A, and its own copy of the round's B panel.
// (Reading the owner's packed panel instead left its lines shared between the two cores,
// and the owner's next packing had to take each line back: traces showed the robbed
// thread's 5 µs packing of a 256³ product's panel grow to 25–36 µs, the robbed thread fall
// further behind, and be robbed again, call after call — docs/benchmarks.md.) The owner
// starts the next round only after every row block of this one is done, so each element
// still gets its partial sums in depth order.
// Who computes a tile never changes how it is computed, so the bits are those of
// `gemmBlocked` on one thread.
//
// Threads take strips on demand, so a thread that never starts (the workers busy, or
// `concurrentPerform` running the parts one after another) only means another thread owns
// two strips; a thief waits only on strips whose owner is running.

/// One owner's strip of columns: its rounds, its packed B panel, and the claim state of its
/// open round. A class per strip keeps the atomics of different strips apart in memory.
private final class GEMMStrip<T: GEMMScalar>: @unchecked Sendable {
    struct Round {
        var jc: Int, nc: Int, pc: Int, kc: Int
    }
    let rounds: [Round]
    let packedB: UnsafeMutablePointer<T>
    /// `round << 32 | next row block` of the open round; -1 before the first.
    let claim = Atomic<Int>(-1)
    /// Row blocks of the open round finished (by the owner or by thieves).
    let done = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    // Padding, so that another strip's atomics are not on these cache lines.
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)

    init(rounds: [Round], packedB: UnsafeMutablePointer<T>) {
        self.rounds = rounds
        self.packedB = packedB
    }

    /// Claims the next row block of the open round: (round, row block), or nil when none is left.
    @inline(__always)
    func claimRowBlock(rowBlocks: Int) -> (round: Int, block: Int)? {
        var state = claim.load(ordering: .acquiring)
        while state >= 0 && state & 0xFFFF_FFFF < rowBlocks {
            let (exchanged, original) = claim.compareExchange(
                expected: state, desired: state + 1, ordering: .acquiring)
            if exchanged { return (state >> 32, state & 0xFFFF_FFFF) }
            state = original
        }
        return nil
    }
}

/// Row blocks (first row, row count): multiples of `mr`, at most `cap` rows, each about
/// 1/(2·parts) of the rows still unassigned, so blocks shrink towards the end of a round and
/// a thief's last steal is small.
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

/// C[0..<m, 0..<n] (+)= op(A)·op(B) on up to `parts` threads, each owning a strip of columns.
func gemmBlockedTeam<T: GEMMScalar>(
    parts requested: Int, m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    let mr = T.microRows, nr = T.microColumns
    let slivers = (n + nr - 1) / nr
    let parts = max(1, min(requested, slivers))
    let blocks = gemmGuidedRowBlocks(rows: m, parts: parts, mr: mr, cap: T.rowBlock)
    let rowBlocks = blocks.count
    let kcMax = min(T.depthBlock, k)
    let mPadded = (m + mr - 1) / mr * mr
    let inPlace = gemmReadsAInPlace(a)

    // Strips: contiguous runs of whole slivers; rounds in `gemmBlocked`'s order.
    var stripRounds: [[GEMMStrip<T>.Round]] = []
    var widest = 0
    for part in 0..<parts {
        let first = min(n, slivers * part / parts * nr), end = min(n, slivers * (part + 1) / parts * nr)
        widest = max(widest, min(T.columnBlock, end - first))
        var rounds: [GEMMStrip<T>.Round] = []
        var pc = 0
        while pc < k {
            let kc = min(T.depthBlock, k - pc)
            var jc = first
            while jc < end {
                let nc = min(T.columnBlock, end - jc)
                rounds.append(.init(jc: jc, nc: nc, pc: pc, kc: kc))
                jc += nc
            }
            pc += kc
        }
        stripRounds.append(rounds)
    }
    let panelCount = kcMax * ((widest + nr - 1) / nr * nr)
    // Per strip: one B panel and all rows of A for a depth block; per thread: a thief's A
    // block and B panel. Aligned to 64 bytes each.
    let aCount = (mPadded * kcMax + 15) / 16 * 16, bCount = (panelCount + 15) / 16 * 16
    let thiefCount = (min(T.rowBlock, mPadded) * kcMax + 15) / 16 * 16 + bCount
    let scratch = GEMMScratch<T>(count: parts * (aCount + bCount + thiefCount))
    defer { scratch.release() }
    let strips = (0..<parts).map { part in
        GEMMStrip<T>(rounds: stripRounds[part], packedB: scratch.pointer + part * (aCount + bCount))
    }
    let nextStrip = Atomic<Int>(0)
    let scratchAddress = UInt(bitPattern: scratch.pointer), cAddress = UInt(bitPattern: c)

    parallelFor(count: parts) { worker in
        let scratch = UnsafeMutablePointer<T>(bitPattern: scratchAddress)!
        let c = UnsafeMutablePointer<T>(bitPattern: cAddress)!
        let edgeTile = UnsafeMutablePointer<T>.allocate(capacity: mr * nr)
        defer { edgeTile.deallocate() }
        /// Row block `ic..<ic + rows` of a strip's round, with A prepared at `preparedA` and
        /// the round's B panel at `packedB`.
        func multiply(_ strip: GEMMStrip<T>, _ round: GEMMStrip<T>.Round, ic: Int, rows: Int,
                      preparedA: UnsafeMutablePointer<T>, packedB: UnsafeMutablePointer<T>) {
            gemmMacroKernel(rows: rows, columns: round.nc, depth: round.kc, packedA: preparedA,
                            sourceA: inPlace ? a.offset(row: ic, col: round.pc).base : nil, lda: a.ld,
                            packedB: packedB, c: c + (ic * ldc + round.jc), ldc: ldc,
                            addToC: accumulate || round.pc > 0, edgeTile: edgeTile)
            strip.done.wrappingAdd(1, ordering: .releasing)
        }

        // Own strips, taken on demand.
        while true {
            let part = nextStrip.wrappingAdd(1, ordering: .relaxed).oldValue
            if part >= parts { break }
            let strip = strips[part]
            let packedA = scratch + part * (aCount + bCount) + bCount
            // The depth block whose rows of A are in `packedA`, per row block (stolen blocks
            // were packed by their thief, so the owner packs them when it next needs them).
            var aPackedAt = [Int](repeating: -1, count: rowBlocks)
            for (index, round) in strip.rounds.enumerated() {
                packB(b.offset(row: round.pc, col: round.jc), depth: round.kc, columns: round.nc,
                      into: strip.packedB)
                strip.done.store(0, ordering: .relaxed)
                strip.claim.store(index << 32, ordering: .releasing)
                while let (_, block) = strip.claimRowBlock(rowBlocks: rowBlocks) {
                    let (ic, rows) = blocks[block]
                    let rowsA = packedA + ic * round.kc
                    if aPackedAt[block] != round.pc {
                        packRowBlockA(a, row: ic, rows: rows, col: round.pc, depth: round.kc, into: rowsA,
                                      inPlace: inPlace)
                        aPackedAt[block] = round.pc
                    }
                    multiply(strip, round, ic: ic, rows: rows, preparedA: rowsA, packedB: strip.packedB)
                }
                // Thieves may still be writing these rows.
                var backoff = SpinBackoff()
                while strip.done.load(ordering: .acquiring) < rowBlocks { backoff.pause() }
            }
            strip.finished.store(true, ordering: .releasing)
        }

        // No strip left to take: help the owners still running, with this body's own
        // buffers for the rows of A and the B panel of a stolen block.
        let stolenA = scratch + parts * (aCount + bCount) + worker * thiefCount
        let stolenB = stolenA + (thiefCount - bCount)
        var panelInStolenB: (strip: Int, round: Int) = (-1, -1)
        var backoff = SpinBackoff()
        while true {
            var running = false
            for (part, strip) in strips.enumerated() where !strip.finished.load(ordering: .acquiring) {
                running = true
                while let (roundIndex, block) = strip.claimRowBlock(rowBlocks: rowBlocks) {
                    let round = strip.rounds[roundIndex]
                    let (ic, rows) = blocks[block]
                    if panelInStolenB != (part, roundIndex) {
                        packB(b.offset(row: round.pc, col: round.jc), depth: round.kc, columns: round.nc,
                              into: stolenB)
                        panelInStolenB = (part, roundIndex)
                    }
                    packRowBlockA(a, row: ic, rows: rows, col: round.pc, depth: round.kc, into: stolenA,
                                  inPlace: inPlace)
                    multiply(strip, round, ic: ic, rows: rows, preparedA: stolenA, packedB: stolenB)
                    backoff = SpinBackoff()
                }
            }
            if !running { break }
            backoff.pause()
        }
    }
}
#else
/// Without `Synchronization`'s atomics (before macOS 15) products run on one thread.
func gemmBlockedTeam<T: GEMMScalar>(
    parts: Int, m: Int, n: Int, k: Int, a: GEMMOperand<T>, b: GEMMOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    gemmBlocked(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate)
}
#endif
