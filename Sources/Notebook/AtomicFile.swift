import Foundation

/// Writes files so that a reader (or a killed run) sees the old bytes or the new ones,
/// never a truncated file: the bytes go to a temporary file beside the target
/// (`.NAME.nbrun-UUID.tmp`, created exclusively), are flushed to disk, and the file is
/// then renamed over the target. A file being replaced keeps its permissions; a symbolic
/// link at the target is replaced, never followed.
///
/// With a `TemporaryFiles` registry the temporary file is known to the process's signal
/// handler, which removes it when the run is interrupted.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, temporaryFiles: TemporaryFiles? = nil) throws {
        let registry = temporaryFiles ?? TemporaryFiles()
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).nbrun-\(UUID().uuidString).tmp").path
        // Keep the permissions of a regular file being replaced; a new file gets 0666 minus the umask.
        var existing = stat()
        let keptMode: mode_t? = lstat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG
            ? existing.st_mode & 0o7777 : nil

        let descriptor = try registry.create(temporary, mode: keptMode ?? 0o666)
        do {
            try writeAll(bytes, to: descriptor, path: temporary)
            if let keptMode, fchmod(descriptor, keptMode) != 0 { throw AtomicFileError(path: temporary) }
            if fsync(descriptor) != 0 { throw AtomicFileError(path: temporary) }
            close(descriptor)
        } catch {
            close(descriptor)
            registry.discard(temporary)
            throw error
        }
        try registry.commit(temporary, to: path)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFileError(path: path)
                }
                offset += written
            }
        }
    }
}

/// A failed system call while writing a file, with the system's reason.
public struct AtomicFileError: Error, LocalizedError, CustomStringConvertible {
    public var path: String
    public var reason: String

    init(path: String, code: Int32 = errno) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    public var description: String { reason }
    public var errorDescription: String? { reason }
}

/// The temporary files a process is writing, so that an interrupted run (SIGINT,
/// SIGTERM) removes them before it exits. Signals are process-wide, so nbrun keeps one
/// registry for the whole process, shared by parallel jobs.
///
/// Creating, renaming and the final clean-up all happen under one lock: once
/// `removeAllAndExit` holds it, no writer can create or rename a file any more, so
/// nothing is left behind and no half-done rename races the exit.
public final class TemporaryFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    public init() {}

    /// Creates `path` (it must not exist) and registers it; returns its descriptor.
    func create(_ path: String, mode: mode_t) throws -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        if descriptor < 0 { throw AtomicFileError(path: path) }
        paths.insert(path)
        return descriptor
    }

    /// Renames a registered file over `target` and forgets it.
    func commit(_ path: String, to target: String) throws {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
        if rename(path, target) != 0 {
            let failure = AtomicFileError(path: target)
            unlink(path)
            throw failure
        }
    }

    /// Removes a registered file and forgets it.
    func discard(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
        unlink(path)
    }

    /// The files being written now (for tests and messages).
    public var pending: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths.sorted()
    }

    /// Removes every registered file, runs `afterRemoving` (a last message) and ends the
    /// process with `status`, still holding the lock so that no other thread can create or
    /// rename a file in between.
    public func removeAllAndExit(_ status: Int32, afterRemoving: () -> Void = {}) -> Never {
        lock.lock()
        for path in paths { unlink(path) }
        afterRemoving()
        _exit(status)
    }
}
