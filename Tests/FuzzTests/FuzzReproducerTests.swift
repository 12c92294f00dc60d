import Foundation
import FuzzTargets
import Testing

/// Every input a fuzzer ever crashed on (Reproducers/TARGET/), replayed through the same
/// target functions with their invariants: a regression crashes or traps this test.
struct FuzzReproducerTests {
    static let reproducers = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Reproducers")

    static func inputs(of target: FuzzTarget) -> [URL] {
        let folder = reproducers.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md.txt") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func reproducersPass(_ target: FuzzTarget) throws {
        for url in Self.inputs(of: target) {
            target.run(Array(try Data(contentsOf: url)))
        }
    }
}
