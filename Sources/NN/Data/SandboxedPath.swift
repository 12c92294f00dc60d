import Foundation

/// Resolves user-given relative paths inside one folder tree (the notebook's folder).
///
/// Refuses absolute paths, any `..` component, and paths whose symlinks lead outside the
/// root, so a notebook can only read and write its own files:
/// ```swift
/// let url = try SandboxedPath.resolve("data/iris.csv", root: notebookFolder)
/// ```
public enum SandboxedPath {
    /// The resolved URL of `path` inside `root`; `mustExist: false` allows a new file (for `save`).
    public static func resolve(_ path: String, root: URL, mustExist: Bool = true) throws -> URL {
        if path.isEmpty { throw NNError("path is empty") }
        // The C calls below would stop at a NUL and see a different path than the one checked.
        if path.utf8.contains(0) { throw NNError("path contains a NUL character") }
        if path.hasPrefix("/") || path.hasPrefix("~") {
            throw NNError("path '\(path)' is absolute; only paths inside the notebook's folder are allowed")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") {
            throw NNError("path '\(path)' contains '..'; only paths inside the notebook's folder are allowed")
        }
        let rootReal = realPath(root.path) ?? root.standardizedFileURL.path
        let candidate = root.appendingPathComponent(path).path
        let fm = FileManager.default
        if fm.fileExists(atPath: candidate) {
            guard let real = realPath(candidate), isInside(real, rootReal) else {
                throw NNError("path '\(path)' leads outside the notebook's folder (through a symbolic link)")
            }
            var info = stat()
            if stat(real, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw NNError("path '\(path)' is \(info.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file")")
            }
            return URL(fileURLWithPath: real)
        }
        if mustExist { throw NNError("no such file: '\(path)'") }
        // A new file: its folder must exist and resolve inside the root; the file itself must not be a dangling link.
        if (try? fm.destinationOfSymbolicLink(atPath: candidate)) != nil {
            throw NNError("path '\(path)' is a symbolic link that leads nowhere")
        }
        let parent = (candidate as NSString).deletingLastPathComponent
        guard let parentReal = realPath(parent) else {
            throw NNError("folder of '\(path)' does not exist inside the notebook's folder")
        }
        guard isInside(parentReal, rootReal) else {
            throw NNError("path '\(path)' leads outside the notebook's folder (through a symbolic link)")
        }
        return URL(fileURLWithPath: parentReal).appendingPathComponent((candidate as NSString).lastPathComponent)
    }

    /// The bytes of a regular file resolved by `resolve`, at most `maxBytes` of them.
    ///
    /// `resolve` returns a path without symbolic links, so the file is opened one component
    /// at a time without following any: a folder or file replaced by a link after the check
    /// is refused instead of followed (no check-then-open race). It is opened without
    /// blocking (a FIFO put in its place is refused rather than waited on), and a file with
    /// more than one hard link is refused, because its other name may be outside the folder.
    public static func readRegularFile(_ url: URL, name: String, maxBytes: Int = 1 << 30) throws -> [UInt8] {
        let descriptor = openWithoutFollowingLinks(url.path, flags: O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor < 0 {
            let reason = errno == ELOOP ? "a symbolic link appeared on its path" : String(cString: strerror(errno))
            throw NNError("cannot open '\(name)': \(reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw NNError("'\(name)' is not a regular file")
        }
        if info.st_nlink > 1 {
            throw NNError("'\(name)' has \(info.st_nlink) hard links; only files with one name are read (another name could be outside the notebook's folder)")
        }
        let size = Int(info.st_size)
        if size > maxBytes { throw NNError("'\(name)' is \(size) bytes; the limit is \(maxBytes) bytes") }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + offset, size - offset) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw NNError("cannot read '\(name)': \(String(cString: strerror(errno)))") }
            if count == 0 { break }  // the file shrank meanwhile
            offset += count
        }
        return Array(bytes.prefix(offset))
    }

    /// Opens the absolute `path` from `/` one component at a time with `O_NOFOLLOW`, so
    /// that no symbolic link is followed anywhere on it; -1 with `errno` set on failure.
    /// Linux's `O_PATH` (Glibc only exports it to C with `_GNU_SOURCE`): a folder handle for
    /// `openat` that needs no read permission.
    private static let pathOnly: Int32 = 0o10000000

    static func openWithoutFollowingLinks(_ path: String, flags: Int32) -> Int32 {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard path.hasPrefix("/"), !components.isEmpty else {
            errno = ENOENT
            return -1
        }
        var directory = open("/", pathOnly | O_DIRECTORY | O_CLOEXEC)
        for (index, component) in components.enumerated() {
            guard directory >= 0 else { return -1 }
            let isLast = index == components.count - 1
            let next = openat(
                directory, String(component),
                isLast ? flags | O_NOFOLLOW : pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let saved = errno
            close(directory)
            errno = saved
            directory = next
        }
        return directory
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}
