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
            return URL(fileURLWithPath: real)
        }
        if mustExist { throw NNError("no such file: '\(path)'") }
        // A new file: its folder must exist and resolve inside the root; the file itself must not be a dangling link.
        if (try? fm.destinationOfSymbolicLink(atPath: candidate)) != nil {
            throw NNError("path '\(path)' is a symbolic link that leads nowhere")
        }
        let parent = (candidate as NSString).deletingLastPathComponent
        guard let parentReal = realPath(parent), isInside(parentReal, rootReal) || parentReal == rootReal else {
            throw NNError("folder of '\(path)' does not exist inside the notebook's folder")
        }
        return URL(fileURLWithPath: parentReal).appendingPathComponent((candidate as NSString).lastPathComponent)
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
