import Foundation

/// The toy 2-D classification sets of `datasets.*`, computed as plain arrays from a caller's
/// random source (uniform in [0, 1) and standard normal draws), so they are deterministic for a seed.
/// Each returns row-major points `[n × 2]` and labels.
struct ToyDatasets {
    var uniform: () -> Double
    var normal: () -> Double

    /// XOR: points uniform in [-1, 1]²; label 1 when the coordinates have different signs.
    func xor(_ n: Int) -> ([Double], [Int]) {
        var x: [Double] = [], y: [Int] = []
        for _ in 0..<n {
            let a = uniform() * 2 - 1, b = uniform() * 2 - 1
            x += [a, b]
            y.append((a > 0) != (b > 0) ? 1 : 0)
        }
        return (x, y)
    }

    /// Two interleaving half circles, as scikit-learn's `make_moons` (outer moon label 0, first
    /// ⌊n/2⌋ points; inner moon label 1), with Gaussian noise of std `noise`, then shuffled.
    func moons(_ n: Int, noise: Double) -> ([Double], [Int]) {
        let nOut = n / 2, nIn = n - nOut
        var points: [(Double, Double, Int)] = []
        for i in 0..<nOut {
            let t = nOut > 1 ? Double.pi * Double(i) / Double(nOut - 1) : 0
            points.append((cos(t), sin(t), 0))
        }
        for i in 0..<nIn {
            let t = nIn > 1 ? Double.pi * Double(i) / Double(nIn - 1) : 0
            points.append((1 - cos(t), 1 - sin(t) - 0.5, 1))
        }
        if noise > 0 {
            points = points.map { ($0.0 + noise * normal(), $0.1 + noise * normal(), $0.2) }
        }
        return unzip(shuffled(points))
    }

    /// CS231n's spirals: `classes` arms of ⌈n / classes⌉-ish points (n in total), radius 0→1,
    /// angle spanning 4 radians per arm with N(0, 0.2²) jitter.
    func spirals(_ n: Int, classes: Int) -> ([Double], [Int]) {
        var points: [(Double, Double, Int)] = []
        for c in 0..<classes {
            let count = n / classes + (c < n % classes ? 1 : 0)
            for i in 0..<count {
                let f = count > 1 ? Double(i) / Double(count - 1) : 0
                let t = Double(c) * 4 + f * 4 + normal() * 0.2
                points.append((f * sin(t), f * cos(t), c))
            }
        }
        return unzip(points)
    }

    /// Isotropic Gaussian blobs (std `std`) around `centers` (as scikit-learn's `make_blobs`:
    /// points split evenly, remainder to the first centres), shuffled.
    func blobs(_ n: Int, centers: [(Double, Double)], std: Double) -> ([Double], [Int]) {
        var points: [(Double, Double, Int)] = []
        let k = centers.count
        for (c, center) in centers.enumerated() {
            let count = n / k + (c < n % k ? 1 : 0)
            for _ in 0..<count { points.append((center.0 + std * normal(), center.1 + std * normal(), c)) }
        }
        return unzip(shuffled(points))
    }

    /// `k` centres uniform in [-10, 10]² (scikit-learn's default `center_box`).
    func randomCenters(_ k: Int) -> [(Double, Double)] {
        (0..<k).map { _ in (uniform() * 20 - 10, uniform() * 20 - 10) }
    }

    private func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        // Fisher–Yates with the caller's stream
        if items.count > 1 {
            for i in stride(from: items.count - 1, to: 0, by: -1) {
                let j = min(i, Int(uniform() * Double(i + 1)))
                items.swapAt(i, j)
            }
        }
        return items
    }

    private func unzip(_ points: [(Double, Double, Int)]) -> ([Double], [Int]) {
        var x: [Double] = [], y: [Int] = []
        x.reserveCapacity(points.count * 2)
        for p in points { x += [p.0, p.1]; y.append(p.2) }
        return (x, y)
    }
}
