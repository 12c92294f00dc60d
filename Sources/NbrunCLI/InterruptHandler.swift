import Foundation
import Notebook

/// SIGINT, SIGTERM and SIGHUP end a run at once: the temporary files being written are
/// removed and the process exits with 128 + the signal number (130, 143, 129). Outputs
/// are only ever replaced by renaming a finished temporary file, so every output (and an
/// `--in-place` notebook) keeps its previous bytes; cells simply stop with the process.
///
/// The C handler only writes the signal number to a pipe (all a signal handler may safely
/// do); a watcher thread reads it and does the clean-up with ordinary code. SIGHUP stays
/// ignored when it was ignored at start (`nohup`); SIGINT and SIGTERM are always handled,
/// also in a script's background job (where the shell starts nbrun with SIGINT ignored).
final class InterruptHandler: @unchecked Sendable {
    /// The pipe of the process (signals are process-wide); created before any handler runs.
    private static let pipeEnds: (read: Int32, write: Int32) = {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return (-1, -1) }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false
    /// What the watcher does on a signal; replaced by each run (one run at a time).
    nonisolated(unsafe) private static var onSignal: ((Int32) -> Void)?

    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers (once per process) and makes `temporaryFiles` the files to remove.
    static func install(temporaryFiles: TemporaryFiles, console: Console) {
        lock.lock()
        defer { lock.unlock() }
        onSignal = { signal in
            temporaryFiles.removeAllAndExit(128 + signal) { console.interrupted(by: signal) }
        }
        guard !installed else { return }
        installed = true
        let ends = pipeEnds
        guard ends.read >= 0 else { return }

        let watcher = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(ends.read, &byte, 1)
                if count == 1 {
                    lock.lock()
                    let action = onSignal
                    lock.unlock()
                    action?(Int32(byte))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        watcher.name = "nbrun signals"
        watcher.start()

        for signal in handled {
            var previous = sigaction()
            sigaction(signal, nil, &previous)
            if signal == SIGHUP, isIgnore(handler(of: previous)) { continue }
            var action = sigaction()
            setHandler(of: &action) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(InterruptHandler.pipeEnds.write, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        // A parent may have started nbrun with these signals blocked (a spawned process
        // inherits the mask of the thread that spawned it, and worker threads of many
        // runtimes block them): unblock them here, so they reach this thread at least.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in handled { sigaddset(&unblocked, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    private static func isIgnore(_ handler: sig_t?) -> Bool {
        guard let handler else { return false }
        let ignore: sig_t? = SIG_IGN
        return ignore.map { unsafeBitCast($0, to: Int.self) } == unsafeBitCast(handler, to: Int.self)
    }

    private static func handler(of action: sigaction) -> sig_t? {
        #if os(Linux)
        return action.__sigaction_handler.sa_handler
        #else
        return action.__sigaction_u.__sa_handler
        #endif
    }

    private static func setHandler(of action: inout sigaction, _ handler: @convention(c) (Int32) -> Void) {
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
    }
}
