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

    func observer(for path: String) -> RunObserver {
        var observer = RunObserver()
        guard showsProgress else { return observer }
        let name = (path as NSString).lastPathComponent
        let started = DispatchTime.now().uptimeNanoseconds
        var current = ""
        var cellStarted = started
        observer.cellStarted = { [unowned self] index, total, label in
            cellStarted = DispatchTime.now().uptimeNanoseconds
            current = "[\(name)] cell \(index + 1)/\(total) \(label)"
            draw(current + " …", force: true)
        }
        observer.cellFinished = { [unowned self] _, _, _, seconds in
            let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            draw(current + String(format: " %.2fs (total %.1fs)", seconds, total), force: true)
        }
        observer.progress = { [unowned self] event in
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - cellStarted) / 1e9
            draw(current + String(format: " %.1fs ", seconds) + Console.bar(event), force: event.done >= event.total)
        }
        return observer
    }

    func finishProgress() {
        lock.lock()
        defer { lock.unlock() }
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

    private func draw(_ line: String, force: Bool) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        // At most 20 redraws a second: a tight training loop must not be slowed by the terminal.
        guard force || now - lastDraw > 50_000_000 else { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        progressVisible = true
    }

    private func clearLine() {
        guard progressVisible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        progressVisible = false
    }
}
