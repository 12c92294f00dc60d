import Foundation
import Tensor
import Testing

// `parallelFor` hands indices to the polling kernel workers (KernelWorkers.swift): every index
// must run exactly once, the call must return only after all of them, and callers that find
// the workers busy (other threads, nested loops) must still finish.

/// Counts how often each index ran.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var counts: [Int]
    init(_ count: Int) { counts = Array(repeating: 0, count: count) }
    func hit(_ index: Int) {
        lock.lock()
        counts[index] += 1
        lock.unlock()
    }
}

@Test func parallelForRunsEveryIndexOnceBeforeReturning() {
    for count in [0, 1, 2, 3, 7, 64, 1000] {
        for _ in 0..<50 {
            let tally = Tally(count)
            parallelFor(count: count) { tally.hit($0) }
            #expect(tally.counts.allSatisfy { $0 == 1 }, "count \(count)")
        }
    }
}

@Test func parallelForNestedAndFromManyThreadsFinishes() {
    // Eight threads at once, each running loops that contain loops: only one caller can own
    // the workers at a time, the others (and every nested loop) take the fallback path.
    let outer = 8, inner = 16
    let tallies = (0..<outer).map { _ in Tally(inner * inner) }
    DispatchQueue.concurrentPerform(iterations: outer) { thread in
        for _ in 0..<20 {
            parallelFor(count: inner) { i in
                parallelFor(count: inner) { j in tallies[thread].hit(i * inner + j) }
            }
        }
    }
    for tally in tallies {
        #expect(tally.counts.allSatisfy { $0 == 20 })
    }
}

@Test func parallelForAfterTheWorkersFellAsleepStillFinishes() {
    // The workers poll for 2 ms after a job, then sleep; a job after that must wake them (or
    // be finished by the caller alone).
    for _ in 0..<3 {
        let tally = Tally(8)
        parallelFor(count: 8) { tally.hit($0) }
        #expect(tally.counts == Array(repeating: 1, count: 8))
        Thread.sleep(forTimeInterval: 0.01)
    }
}
