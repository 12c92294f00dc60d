import Foundation

/// Stops a cell when the process's resident memory passes the session's limit.
///
/// Tensors and repeated or concatenated sequences are checked when they are allocated; a
/// list, dict or string grown one element at a time in a loop is not, and at tens of
/// millions of appends a second it can take a machine's memory within the time limit.
/// The interpreter's deadline check calls `check` (it runs every few thousand steps); the
/// resident size is read from `/proc/self/statm` at most every 50 ms (a few microseconds each).
struct ResidentMemoryGuard {
    private var lastRead: UInt64 = 0
    static let interval: UInt64 = 50_000_000

    /// Three quarters of physical memory: past that the machine starts swapping or the
    /// kernel's OOM killer picks a process.
    static let defaultLimit = Int(min(ProcessInfo.processInfo.physicalMemory / 4 * 3, UInt64(Int.max)))

    mutating func check(now: UInt64, limit: Int) throws {
        guard now &- lastRead >= ResidentMemoryGuard.interval else { return }
        lastRead = now
        guard let resident = ResidentMemoryGuard.residentBytes(), resident > limit else { return }
        throw TimeoutSignal(message:
            "out of memory: nbrun's resident memory passed its limit of \(ResidentMemoryGuard.describe(limit)) "
            + "(lists, dicts and strings grown in a loop count here; see --max-memory)")
    }

    /// Resident set size in bytes, or nil where `/proc` is unavailable.
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        // "size resident shared text lib data dt", in pages.
        let fields = buffer[..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func describe(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        if gib >= 1 { return String(format: "%.1f GiB", gib) }
        return String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
