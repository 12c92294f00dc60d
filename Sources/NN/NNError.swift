/// An error raised by the NN library on bad user input (shapes, arguments, files).
/// The message names the operation and what was wrong, e.g.
/// `conv2d: input has 3 channels, weight expects 4`.
public struct NNError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
