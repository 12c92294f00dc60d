import Foundation
import FuzzTargets

// One executable for every fuzz target. Built with `-D FUZZING -sanitize=fuzzer`, it is a
// libFuzzer binary whose target is chosen by NBRUN_FUZZ_TARGET (see scripts/fuzz.sh);
// built normally, it replays inputs: `nbrun-fuzz TARGET FILE...`.

#if FUZZING
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["NBRUN_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("nbrun-fuzz: set NBRUN_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.run(bytes)
    return 0
}

/// libFuzzer's entry point for programs that have their own `main` (LLVM 11+).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links executables with `main` defined as `<module>_main`, which would hide
/// libFuzzer's own `main`; so this is that function, and it hands over to libFuzzer.
@_cdecl("nbrun_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzTestOneInput(data, size) }
}
#else
@main
enum ReplayDriver {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "cells", arguments.count == 2, let data = FileManager.default.contents(atPath: arguments[1]) {
            print(describeCells(Array(data)))
            return
        }
        if arguments.first == "render-once", arguments.count == 3, let data = FileManager.default.contents(atPath: arguments[1]) {
            let original = FileManager.default.contents(atPath: arguments[2]).map { $0.count % 2 == 0 } ?? true
            FileHandle.standardOutput.write(Data(renderOnce(Array(data), keepGoing: original)))
            return
        }
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count >= 2 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: nbrun-fuzz \(names) FILE-OR-FOLDER...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("nbrun-fuzz: cannot read \(file)\n".utf8))
                    exit(2)
                }
                target.run(Array(data))
                count += 1
            }
        }
        print("nbrun-fuzz: \(target.rawValue): \(count) input(s) passed")
    }

    /// A file, or the files of a folder (sorted, hidden files skipped).
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
#endif
