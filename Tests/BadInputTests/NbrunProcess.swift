import Foundation

/// Runs the built `nbrun` binary in a scratch folder, with a time bound, capturing its
/// standard output and error in files (no pipe can fill up and stall it).
struct NbrunProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The nbrun built with this test bundle (same folder), else one in .build.
    static let binary: URL? = {
        var candidates: [URL] = []
        if let bundleFolder = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundleFolder.appendingPathComponent("nbrun"))
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("nbrun"))
        }
        for config in ["debug", "release"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(config)/nbrun"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Result {
        var status: Int32
        /// True when nbrun was killed by a signal (a crash, or our time bound).
        var signalled: Bool
        var timedOut: Bool
        var seconds: Double
        var stdout: String
        var stderr: String
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let target = url(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
    }

    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: url(name).path).map { Array($0) }
    }

    /// Every file and link under the folder (relative paths), for "nothing left behind" checks.
    func listing() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.sorted()
    }

    /// Starts nbrun; `whileRunning` is called once it has started (to send signals, edit files).
    func run(
        _ arguments: [String], timeLimit: Double = 60, whileRunning: ((Process) -> Void)? = nil
    ) throws -> Result {
        guard let binary = Self.binary else { throw NbrunMissing() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let started = Date()
        try process.run()
        whileRunning?(process)
        var timedOut = false
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        let seconds = Date().timeIntervalSince(started)
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut, seconds: seconds,
            stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }
}

struct NbrunMissing: Error, CustomStringConvertible {
    var description: String { "nbrun binary not found next to the tests or in .build (swift build first)" }
}
