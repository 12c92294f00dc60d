import Autograd
import Tensor

/// `batches(X, y, batch_size, shuffle=True)`: mini-batches of matching rows of `X` and `y`
/// (the last one may be smaller). With `shuffle`, the order is a permutation drawn from the
/// generator when iteration starts (Fisher–Yates), so each epoch differs but is reproducible.
public struct Batches: Sequence {
    public let x: Tensor, y: Tensor, batchSize: Int, shuffle: Bool
    let generator: Generator?

    public init(_ x: Tensor, _ y: Tensor, batchSize: Int, shuffle: Bool = true, generator: Generator?) throws {
        guard batchSize > 0 else { throw NNError("batches: batch_size must be positive, got \(batchSize)") }
        guard x.ndim >= 1, y.ndim >= 1, x.shape[0] == y.shape[0] else {
            throw NNError("batches: X and y must have the same number of rows, got \(shapeString(x.shape)) and \(shapeString(y.shape))")
        }
        if shuffle && generator == nil { throw NNError("batches: shuffle needs a generator") }
        self.x = x; self.y = y; self.batchSize = batchSize; self.shuffle = shuffle; self.generator = generator
    }

    public var count: Int { (x.shape[0] + batchSize - 1) / batchSize }

    public func makeIterator() -> Iterator {
        let n = x.shape[0]
        var order = Array(0..<n)
        if shuffle, let generator, n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.nextInt(0, Int64(i + 1))))
            }
        }
        return Iterator(batches: self, order: order)
    }

    public struct Iterator: IteratorProtocol {
        let batches: Batches
        let order: [Int]
        var position = 0

        /// The next batch; an error while slicing (not expected for valid tensors) ends iteration.
        public mutating func next() -> (Tensor, Tensor)? {
            guard position < order.count else { return nil }
            let end = Swift.min(position + batches.batchSize, order.count)
            defer { position = end }
            do {
                if !batches.shuffle {
                    return (try batches.x.slice(dim: 0, start: position, end: end), try batches.y.slice(dim: 0, start: position, end: end))
                }
                let index = try Tensor.constant(order[position..<end].map(Double.init), shape: [end - position], dtype: .int64)
                return (try batches.x.indexSelect(dim: 0, index: index), try batches.y.indexSelect(dim: 0, index: index))
            } catch {
                return nil
            }
        }
    }
}
