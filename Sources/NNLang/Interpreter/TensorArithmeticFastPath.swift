import Autograd

extension BinaryNode {
    /// `a + b` (and `-`, `*`, `/`) on two tensors straight to the engine's operator, the
    /// same call the tensor library's operator table makes, without the generic dispatch
    /// (a 4-element recorded add is a fraction of a microsecond, so the hops show).
    /// Nil for other operators.
    @inline(__always)
    func tensorArithmetic(_ a: Tensor, _ b: Tensor) throws -> Tensor? {
        do {
            switch op {
            case .add: return try a + b
            case .subtract: return try a - b
            case .multiply: return try a * b
            case .divide: return try a / b
            default: return nil
            }
        } catch {
            let converted = languageError(error)
            if let e = converted as? LangError { throw e.located(location) }
            throw converted
        }
    }
}
