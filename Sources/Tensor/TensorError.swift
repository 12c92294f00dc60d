/// Every failure of a tensor operation is a thrown value carrying a one-line message
/// that names the operation and the shapes involved, e.g.
/// `matmul: shapes [4, 3] and [4, 2] do not align (3 != 4)`.
public struct TensorError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Formats a shape as PyTorch-style error messages do: `[4, 3]`.
@inline(never)
public func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
