import Autograd
import Tensor

/// `Unflatten(dim, unflattened_size)`: splits dimension `dim` into `unflattened_size` (one
/// entry may be −1), the inverse of `Flatten`.
public final class Unflatten: Module {
    public let dim: Int, unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) throws {
        guard !unflattenedSize.isEmpty else { throw NNError("Unflatten: unflattened_size must be non-empty") }
        guard unflattenedSize.filter({ $0 == -1 }).count <= 1, unflattenedSize.allSatisfy({ $0 > 0 || $0 == -1 }) else {
            throw NNError("Unflatten: unflattened_size must be positive sizes with at most one -1, got \(tupleString(unflattenedSize))")
        }
        self.dim = dim
        self.unflattenedSize = unflattenedSize
        super.init()
    }
    public override var extraRepr: String { "dim=\(dim), unflattened_size=\(tupleString(unflattenedSize))" }
    public override func forward(_ input: Tensor) throws -> Tensor {
        let d = dim < 0 ? dim + input.ndim : dim
        guard d >= 0 && d < input.ndim else {
            throw NNError("Unflatten: dimension out of range (expected to be in range of [\(-input.ndim), \(input.ndim - 1)], but got \(dim))")
        }
        let size = input.shape[d]
        let known = unflattenedSize.filter { $0 != -1 }.reduce(1, *)
        let product = unflattenedSize.contains(-1) ? (known > 0 && size % known == 0 ? size : -1) : known
        guard product == size else {
            throw NNError("Unflatten: unflattened_size \(tupleString(unflattenedSize)) does not match dimension \(dim) of size \(size) (input shape \(shapeString(input.shape)))")
        }
        return try input.reshape(Array(input.shape[..<d]) + unflattenedSize + Array(input.shape[(d + 1)...]))
    }
}
