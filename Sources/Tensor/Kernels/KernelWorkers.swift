import CSpinWait
import Foundation
#if os(Linux)
import Synchronization

// The threads that run `parallelFor`'s other parts: one per extra processor, started on
// first use, kept awake for a moment after each job.
//
// Why not only `DispatchQueue.concurrentPerform`: its pool thread goes to sleep as soon as
// a job ends, and on these virtual machines a sleeping virtual CPU took from a few to over
// 250 µs to wake. A 256³ product is about 110 µs of work per core, so the caller often did
// all of it alone (traces in docs/benchmarks.md). OpenMP, MKL and OpenBLAS keep their
// workers polling between calls for the same reason. These workers poll for
// `spinNanoseconds` after their last job (with the processor's spin-wait hint, and yielding
// the core to any other runnable thread), then sleep on a condition variable.
//
// A job is shared by index: the caller and every worker that joins claim indices from one
// counter, so a worker that joins late (or never) only means the caller runs more indices
// itself. Nothing here decides what an index computes, so results never depend on which
// thread ran what. One job runs on the workers at a time; a `parallelFor` started while they
// are busy (two notebooks rendered at once, or a parallel loop inside another) falls back to
// `concurrentPerform`.
final class KernelWorkers: @unchecked Sendable {
    /// The process's workers (`KernelThreads.available − 1` of them; none when the
    /// environment sets `NBRUN_KERNEL_WORKERS=off`, for comparing against `concurrentPerform`).
    static let shared = KernelWorkers(
        count: ProcessInfo.processInfo.environment["NBRUN_KERNEL_WORKERS"] == "off" ? 0 : KernelThreads.available - 1)

    /// How long an idle worker keeps polling for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 2_000_000

    let workerCount: Int
    /// Whether a caller owns the job slot.
    private let owned = Atomic<Bool>(false)
    /// 0 when no job is open; otherwise 1 + the number of workers inside the job. Workers
    /// join only while it is nonzero and the caller closes it only when it is back to 1, so
    /// no worker touches a job after its caller has returned.
    private let state = Atomic<Int>(0)
    /// Counts published jobs, so that an idle worker notices a new one.
    private let epoch = Atomic<Int>(0)
    /// The next index to claim.
    private let next = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let sleepCondition = NSCondition()
    /// Written by the caller before the job opens, read by workers after they join.
    private var body: ((Int) -> Void)?
    private var count = 0

    private init(count: Int) {
        workerCount = max(0, count)
        for index in 0..<workerCount {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "nbrun-kernel-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0) … body(count − 1)` on the calling thread and the workers; false (having
    /// run nothing) when the workers are busy with another caller's job.
    func run(count: Int, _ body: (Int) -> Void) -> Bool {
        guard workerCount > 0,
              owned.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            self.count = count
            next.store(0, ordering: .relaxed)
            state.store(1, ordering: .releasing)
            epoch.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                sleepCondition.lock()
                sleepCondition.broadcast()
                sleepCondition.unlock()
            }
            claimAndRun(escapable, count: count)
            // Close the job once every worker inside it has finished its indices.
            var backoff = SpinBackoff()
            while !state.compareExchange(expected: 1, desired: 0, ordering: .acquiringAndReleasing).exchanged {
                backoff.pause()
            }
            self.body = nil
        }
        owned.store(false, ordering: .releasing)
        return true
    }

    @inline(__always)
    private func claimAndRun(_ body: (Int) -> Void, count: Int) {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { return }
            body(index)
        }
    }

    /// Runs indices of the joined job. A function of its own so that this thread's reference
    /// to the closure is gone before it leaves the job (the caller's `withoutActuallyEscaping`
    /// checks that nothing kept it).
    @inline(never)
    private func runJoinedJob() {
        if let body { claimAndRun(body, count: count) }
    }

    /// Joins the open job, if any, and runs indices until none are left.
    private func joinOpenJob() {
        var current = state.load(ordering: .relaxed)
        while current != 0 {
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiring)
            if exchanged {
                // Inside: the caller cannot close the job (nor clear `body`) until we leave.
                runJoinedJob()
                state.wrappingSubtract(1, ordering: .releasing)
                return
            }
            current = original
        }
    }

    private func serve() {
        var seen = epoch.load(ordering: .acquiring)
        var idleSince = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let current = epoch.load(ordering: .acquiring)
            if current != seen {
                seen = current
                joinOpenJob()
                idleSince = DispatchTime.now().uptimeNanoseconds
                polls = 0
                continue
            }
            polls += 1
            nbrun_spin_wait_hint()
            if polls & 63 != 0 { continue }
            if DispatchTime.now().uptimeNanoseconds - idleSince < Self.spinNanoseconds {
                // Let any other runnable thread have this core (when the machine is busy the
                // caller we wait for may be queued behind us).
                sched_yield()
                continue
            }
            // Sleep until a job is published. The caller bumps `epoch`, then reads
            // `sleepers`; we bump `sleepers`, then read `epoch` (all sequentially
            // consistent), so at least one of the two sees the other.
            sleepCondition.lock()
            sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
            while epoch.load(ordering: .sequentiallyConsistent) == seen {
                sleepCondition.wait()
            }
            sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            sleepCondition.unlock()
            idleSince = DispatchTime.now().uptimeNanoseconds
            polls = 0
        }
    }
}
#endif

/// A busy wait's step: a few rounds of spinning with the processor's spin-wait hint (the
/// wait is usually microseconds), then each step also gives the core to any other runnable
/// thread.
struct SpinBackoff {
    private var spins = 0
    @inline(__always) mutating func pause() {
        spins += 1
        nbrun_spin_wait_hint()
        if spins > 64 { sched_yield() }
    }
}
