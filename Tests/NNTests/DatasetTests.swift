import Autograd
import Foundation
import NN
import Tensor
import Testing

@Test func toyDatasetsAreSeededAndShaped() throws {
    for make in [
        { (g: Generator) in try Datasets.xor(n: 50, generator: g) },
        { (g: Generator) in try Datasets.moons(n: 51, noise: 0.1, generator: g) },
        { (g: Generator) in try Datasets.spirals(n: 60, classes: 3, generator: g) },
        { (g: Generator) in try Datasets.blobs(n: 40, centers: 4, generator: g) },
    ] {
        let (x1, y1) = try make(Generator(seed: 7))
        let (x2, y2) = try make(Generator(seed: 7))
        let (x3, _) = try make(Generator(seed: 8))
        #expect(x1.dtype == .float32 && y1.dtype == .int64)
        #expect(x1.shape == [y1.shape[0], 2])
        #expect(x1.data.toDoubles() == x2.data.toDoubles() && y1.data.toDoubles() == y2.data.toDoubles())
        #expect(x1.data.toDoubles() != x3.data.toDoubles())
    }
    let (_, y) = try Datasets.spirals(n: 60, classes: 3, generator: Generator(seed: 1))
    #expect(Set(y.data.toDoubles()) == [0, 1, 2])
    let (mx, my) = try Datasets.moons(n: 100, noise: 0, generator: Generator(seed: 1))
    #expect(my.data.toDoubles().filter { $0 == 1 }.count == 50)
    // noiseless moons lie on the unit circles
    let pts = mx.data.toDoubles(), labels = my.data.toDoubles()
    for i in 0..<100 {
        let (a, b) = (pts[2 * i], pts[2 * i + 1])
        let r = labels[i] == 0 ? (a * a + b * b) : ((a - 1) * (a - 1) + (b - 0.5) * (b - 0.5))
        #expect(abs(r - 1) < 1e-5)
    }
    #expect(throws: NNError.self) { try Datasets.moons(n: 0, generator: Generator()) }
}

@Test func digitsDataset() throws {
    let (x, y) = try Datasets.digits()
    #expect(x.shape == [1797, 64] && x.dtype == .float32)
    #expect(y.shape == [1797] && y.dtype == .int64)
    #expect(y.data.toDoubles().prefix(10) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
}

@Test func batchesCoverEveryRowOnce() throws {
    let x = try Tensor.arange(end: 20, dtype: .float32).reshape([10, 2])
    let y = try Tensor.arange(end: 10, dtype: .int64)
    let ordered = try Batches(x, y, batchSize: 4, shuffle: false, generator: nil)
    #expect(ordered.map { $0.0.shape[0] } == [4, 4, 2])
    #expect(ordered.flatMap { $0.1.data.toDoubles() } == (0..<10).map(Double.init))
    let g = Generator(seed: 3)
    let shuffled = try Batches(x, y, batchSize: 3, shuffle: true, generator: g)
    let epoch1 = shuffled.flatMap { $0.1.data.toDoubles() }
    let epoch2 = shuffled.flatMap { $0.1.data.toDoubles() }
    #expect(epoch1.sorted() == (0..<10).map(Double.init))
    #expect(epoch1 != (0..<10).map(Double.init) && epoch1 != epoch2)
    for (bx, by) in shuffled { // rows stay paired
        #expect(bx.data.toDoubles().enumerated().allSatisfy { i, v in v == 2 * by.data.toDoubles()[i / 2] + Double(i % 2) })
    }
    #expect(throws: NNError.self) { try Batches(x, try Tensor.zeros([3]), batchSize: 2, generator: g) }
    #expect(throws: NNError.self) { try Batches(x, y, batchSize: 0, generator: g) }
}

@Test func loadCSVStaysInsideRoot() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("nn-csv-\(UUID().uuidString)")
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: root) }
    try "a,b\n1,2\n3,4.5\n".write(to: root.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    let (t, header) = try Datasets.loadCSV("t.csv", root: root)
    #expect(header == ["a", "b"] && t.shape == [2, 2] && t.data.toDoubles() == [1, 2, 3, 4.5])
    #expect(throws: NNError.self) { try Datasets.loadCSV("../t.csv", root: root) }
    #expect(throws: NNError.self) { try Datasets.loadCSV("/etc/passwd", root: root) }
}

@Test func saveLoadRoundTripAndPythonInterop() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("nn-st-\(UUID().uuidString)")
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: root) }
    let g = Generator(seed: 9)
    let model = Sequential([try Linear(inFeatures: 3, outFeatures: 4, generator: g), ReLU(), try BatchNorm1d(numFeatures: 4)])
    let url = try SandboxedPath.resolve("model.safetensors", root: root, mustExist: false)
    try Safetensors.save(model, to: url)
    let other = Sequential([try Linear(inFeatures: 3, outFeatures: 4, generator: Generator(seed: 10)), ReLU(), try BatchNorm1d(numFeatures: 4)])
    try Safetensors.load(into: other, from: url)
    for ((n1, p1), (n2, p2)) in zip(model.namedParameters() + model.namedBuffers(), other.namedParameters() + other.namedBuffers()) {
        #expect(n1 == n2 && p1.data.toDoubles() == p2.data.toDoubles())
    }
    let wrong = Sequential([try Linear(inFeatures: 3, outFeatures: 5, generator: g)])
    #expect(throws: NNError.self) { try Safetensors.load(into: wrong, from: url) }

    // A model holding exactly the tensors of fixtures/safetensors_fixture.py writes the same bytes
    // as Python's safetensors package, and loads Python's file.
    let holder = Module()
    let layer0 = Module(), layer2 = Module()
    layer0.registerParameter("weight", try Parameter(try Tensor.from((0..<6).map { Double($0) / 4 - 0.5 }, shape: [2, 3])))
    layer0.registerParameter("bias", try Parameter(try Tensor.from([1.5, -2.25], shape: [2])))
    layer2.registerParameter("weight", try Parameter(try Tensor.from([0.125, -1.0], shape: [1, 2])))
    holder.registerModule("0", layer0)
    holder.registerModule("2", layer2)
    holder.registerParameter("scale", try Parameter(try Tensor.from([0.1, 1e-300], shape: [2], dtype: .float64)))
    holder.registerBuffer("counts", try Tensor.from([1, -2, 3, 4], shape: [2, 2], dtype: .int64))
    let python = try #require(Fixtures.url("python_written", "safetensors"))
    let ours = root.appendingPathComponent("ours.safetensors")
    try Safetensors.save(holder, to: ours)
    #expect(try Data(contentsOf: ours) == Data(contentsOf: python))
    holder.parameter("scale")!.data = try NDArray.zeros([2], dtype: .float64)
    try Safetensors.load(into: holder, from: python)
    #expect(holder.parameter("scale")!.data.toDoubles() == [0.1, 1e-300])
}
