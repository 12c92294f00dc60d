import Autograd
import Foundation
import Tensor

/// `datasets.*` of the spec: seeded toy sets (from the caller's generator), the shipped digits,
/// and CSV files inside a root folder. Each toy set returns `(X float32 [n, 2], y int64 [n])`.
///
/// ```swift
/// let (x, y) = try Datasets.moons(n: 200, noise: 0.1, generator: session.generator)
/// ```
public enum Datasets {
    static func toy(_ g: Generator) -> ToyDatasets {
        ToyDatasets(uniform: { g.nextDouble() }, normal: {
            // one value per call from the polar pairs (second value dropped for simplicity of state)
            g.nextNormalPair().0
        })
    }

    static func tensors(_ x: [Double], _ y: [Int], features: Int = 2) throws -> (Tensor, Tensor) {
        (try Tensor.constant(x, shape: [y.count, features], dtype: .float32),
         try Tensor.constant(y.map(Double.init), shape: [y.count], dtype: .int64))
    }

    static func checkCount(_ op: String, _ n: Int) throws {
        guard n > 0 && n <= 10_000_000 else { throw NNError("datasets.\(op): n must be between 1 and 10,000,000, got \(n)") }
    }

    /// XOR: uniform points in [−1, 1]², label 1 where the coordinates' signs differ.
    public static func xor(n: Int, generator: Generator) throws -> (Tensor, Tensor) {
        try checkCount("xor", n)
        let (x, y) = toy(generator).xor(n)
        return try tensors(x, y)
    }

    /// Two interleaving half moons (scikit-learn's `make_moons`), Gaussian noise of std `noise`.
    public static func moons(n: Int, noise: Double = 0.1, generator: Generator) throws -> (Tensor, Tensor) {
        try checkCount("moons", n)
        guard noise >= 0 else { throw NNError("datasets.moons: noise must be non-negative") }
        let (x, y) = toy(generator).moons(n, noise: noise)
        return try tensors(x, y)
    }

    /// `classes` interleaved spiral arms, n points in total.
    public static func spirals(n: Int, classes: Int = 2, generator: Generator) throws -> (Tensor, Tensor) {
        try checkCount("spirals", n)
        guard classes > 0 && classes <= n else { throw NNError("datasets.spirals: classes must be between 1 and n") }
        let (x, y) = toy(generator).spirals(n, classes: classes)
        return try tensors(x, y)
    }

    /// Gaussian blobs (std `clusterStd`) around `centers` random centres in [−10, 10]².
    public static func blobs(n: Int, centers: Int = 3, clusterStd: Double = 1, generator: Generator) throws -> (Tensor, Tensor) {
        try checkCount("blobs", n)
        guard centers > 0 && centers <= n else { throw NNError("datasets.blobs: centers must be between 1 and n") }
        let t = toy(generator)
        let (x, y) = t.blobs(n, centers: t.randomCenters(centers), std: clusterStd)
        return try tensors(x, y)
    }

    /// Blobs around given centre points `[[x, y], …]`.
    public static func blobs(n: Int, centerPoints: [[Double]], clusterStd: Double = 1, generator: Generator) throws -> (Tensor, Tensor) {
        try checkCount("blobs", n)
        guard !centerPoints.isEmpty, centerPoints.allSatisfy({ $0.count == 2 }) else {
            throw NNError("datasets.blobs: centers must be a list of [x, y] points")
        }
        let (x, y) = toy(generator).blobs(n, centers: centerPoints.map { ($0[0], $0[1]) }, std: clusterStd)
        return try tensors(x, y)
    }

    /// The 1,797 8×8 digits: `(X [1797, 64] float32 in 0…16, y int64)`.
    public static func digits() throws -> (Tensor, Tensor) {
        let (pixels, labels) = try DigitsResource.load()
        return try tensors(pixels, labels, features: DigitsResource.features)
    }

    /// `load_csv(path, header=True)`: a float32 tensor `[rows, columns]` and the header names,
    /// reading only files inside `root` (see `SandboxedPath`).
    public static func loadCSV(_ path: String, root: URL, header: Bool = true) throws -> (Tensor, [String]?) {
        let url = try SandboxedPath.resolve(path, root: root)
        let data = try SandboxedPath.readRegularFile(url, name: path)
        guard let text = String(data: Data(data), encoding: .utf8) else { throw NNError("load_csv: '\(path)' is not UTF-8 text") }
        let csv = try NumericCSV(text: text, header: header, name: path)
        let width = csv.rows.first?.count ?? csv.header?.count ?? 0
        return (try Tensor.constant(csv.rows.flatMap { $0 }, shape: [csv.rows.count, width], dtype: .float32), csv.header)
    }
}
