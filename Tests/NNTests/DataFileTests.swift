import Foundation
import Testing
import NN

// Engine-independent pieces: safetensors codec, gzip, CSV, sandboxed paths.

@Test func safetensorsRoundTripsPythonFileByteForByte() throws {
    let url = try #require(Fixtures.url("python_written", "safetensors"))
    let bytes = Array(try Data(contentsOf: url))
    let entries = try SafetensorsCodec.decode(bytes)
    #expect(entries.map(\.name) == ["0.bias", "0.weight", "2.weight", "counts", "scale"])
    #expect(SafetensorsCodec.encode(entries) == bytes)
}

@Test func safetensorsRejectsCorruptFiles() {
    #expect(throws: NNError.self) { try SafetensorsCodec.decode([1, 2, 3]) }
    #expect(throws: NNError.self) { try SafetensorsCodec.decode([255, 0, 0, 0, 0, 0, 0, 0, 0x7b]) }
    let bad = Array("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,99]}}".utf8)
    var file: [UInt8] = [UInt8(bad.count), 0, 0, 0, 0, 0, 0, 0]
    file += bad
    #expect(throws: NNError.self) { try SafetensorsCodec.decode(file) }
}

@Test func csvParsesHeaderAndRejectsBadFields() throws {
    let csv = try NumericCSV(text: "a,b\n1,2.5\n-3,4e-1\n\n", header: true)
    #expect(csv.header == ["a", "b"])
    #expect(csv.rows == [[1, 2.5], [-3, 0.4]])
    #expect(throws: NNError.self) { try NumericCSV(text: "1,x\n", header: false) }
    #expect(throws: NNError.self) { try NumericCSV(text: "1,2\n3\n", header: false) }
}

@Test func sandboxRefusesEscapes() throws {
    let fm = FileManager.default
    let base = fm.temporaryDirectory.appendingPathComponent("nn-sandbox-\(UUID().uuidString)")
    let root = base.appendingPathComponent("notebooks")
    try fm.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: base) }
    try "1,2\n".write(to: root.appendingPathComponent("data/ok.csv"), atomically: true, encoding: .utf8)
    try "secret\n".write(to: base.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("link.csv").path, withDestinationPath: base.appendingPathComponent("secret.csv").path)
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("inner.csv").path, withDestinationPath: "data/ok.csv")

    #expect(try SandboxedPath.resolve("data/ok.csv", root: root).lastPathComponent == "ok.csv")
    #expect(try SandboxedPath.resolve("inner.csv", root: root).lastPathComponent == "ok.csv")
    #expect(throws: NNError.self) { try SandboxedPath.resolve("../secret.csv", root: root) }
    #expect(throws: NNError.self) { try SandboxedPath.resolve("data/../../secret.csv", root: root) }
    #expect(throws: NNError.self) { try SandboxedPath.resolve(base.appendingPathComponent("secret.csv").path, root: root) }
    #expect(throws: NNError.self) { try SandboxedPath.resolve("link.csv", root: root) }
    #expect(throws: NNError.self) { try SandboxedPath.resolve("missing.csv", root: root) }
    #expect(try SandboxedPath.resolve("new.safetensors", root: root, mustExist: false).lastPathComponent == "new.safetensors")
    #expect(throws: NNError.self) { try SandboxedPath.resolve("nofolder/new.safetensors", root: root, mustExist: false) }
}

@Test func digitsResourceDecodes() throws {
    let (pixels, labels) = try DigitsResource.load()
    #expect(pixels.count == 1797 * 64)
    #expect(labels.count == 1797)
    #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 16 })
    #expect(Set(labels) == Set(0...9))
    #expect(Array(pixels[0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0])
}
