import Foundation
import NNLang
import Notebook

/// Standard output and standard error, shared by parallel jobs (one lock), plus the
/// progress line on a terminal: `[mlp.md] cell 2/5 train 1.3s` and `progress()` bars.
final class Console: @unchecked Sendable {
    let showsProgress: Bool
    private let lock = NSLock()
    private var progressVisible = false
    private var lastDraw: UInt64 = 0

    init(progress: Bool) { showsProgress = progress }

    func error(_ text: String) {
        guard !text.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        clearLine()
        FileHandle.standardError.write(Data(text.utf8))
    }

    func output(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// What the progress line of one notebook shows; changed under the console's lock.
    private final class NotebookProgress {
        let name: String
        let started = DispatchTime.now().uptimeNanoseconds
        var cell = ""
        var cellStarted: UInt64 = 0
        var bar = ""
        var running = false
        init(name: String) { self.name = name }

        var line: String {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - cellStarted) / 1e9
            return "[\(name)] \(cell)" + String(format: " %.1fs", seconds) + (bar.isEmpty ? "" : " " + bar)
        }
    }

    /// The notebook whose progress is on screen (the latest to report, with -j).
    private var active: NotebookProgress?
    private var ticker: DispatchSourceTimer?

    func observer(for path: String) -> RunObserver {
        var observer = RunObserver()
        guard showsProgress else { return observer }
        let progress = NotebookProgress(name: (path as NSString).lastPathComponent)
        startTicker()
        observer.cellStarted = { [unowned self] index, total, label in
            update(progress, force: true) {
                $0.cell = "cell \(index + 1)/\(total) \(label)"
                $0.cellStarted = DispatchTime.now().uptimeNanoseconds
                $0.bar = ""
                $0.running = true
            }
        }
        observer.cellFinished = { [unowned self] _, _, _, _ in
            update(progress, force: true) {
                let total = Double(DispatchTime.now().uptimeNanoseconds - $0.started) / 1e9
                $0.bar = String(format: "done (notebook %.1fs)", total)
                $0.running = false
            }
        }
        observer.progress = { [unowned self] event in
            update(progress, force: event.done >= event.total) { $0.bar = Console.bar(event) }
        }
        return observer
    }

    private func update(_ progress: NotebookProgress, force: Bool, _ change: (NotebookProgress) -> Void) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        change(progress)
        active = progress
        // At most 20 redraws a second: a tight training loop must not be slowed by the terminal.
        guard force || now - lastDraw > 50_000_000 else { return }
        lastDraw = now
        drawLocked(progress.line)
    }

    /// Redraws the running cell's elapsed time a few times a second, also when it reports nothing.
    private func startTicker() {
        lock.lock()
        defer { lock.unlock() }
        guard ticker == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [unowned self] in
            lock.lock()
            defer { lock.unlock() }
            guard let active, active.running else { return }
            lastDraw = DispatchTime.now().uptimeNanoseconds
            drawLocked(active.line)
        }
        timer.resume()
        ticker = timer
    }

    /// The run was interrupted: clear the progress line and say so.
    func interrupted(by signal: Int32) {
        // Not waiting for the lock: a thread stuck writing must not keep the process alive.
        let locked = lock.lock(before: Date() + 0.2)
        defer { if locked { lock.unlock() } }
        clearLine()
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signal] ?? "signal \(signal)"
        FileHandle.standardError.write(Data("nbrun: interrupted by \(name); outputs not yet written keep their previous contents\n".utf8))
    }

    func finishProgress() {
        lock.lock()
        defer { lock.unlock() }
        active = nil
        clearLine()
    }

    /// `label [########------------]  40/100`
    static func bar(_ event: ProgressEvent, width: Int = 24) -> String {
        let fraction = event.total > 0 ? min(1, Double(event.done) / Double(event.total)) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let label = event.label.isEmpty ? "" : event.label + " "
        return "\(label)[\(bar)] \(event.done)/\(event.total)"
    }

    private func drawLocked(_ line: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        progressVisible = true
    }

    private func clearLine() {
        guard progressVisible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        progressVisible = false
    }
}
