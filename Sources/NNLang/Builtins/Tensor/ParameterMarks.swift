import Autograd

/// A tensor held weakly, so that a mark does not keep a freed parameter alive and a new
/// tensor at a reused address is not mistaken for it.
final class WeakTensorReference {
    weak var tensor: Tensor?
    init(_ tensor: Tensor) { self.tensor = tensor }
}

/// Our tensors have no separate `Parameter` type; the interpreter remembers which tensors
/// are parameters — made by `nn.Parameter(…)` or read from a library module's parameters —
/// so that they print as PyTorch prints them:
///
/// ```
/// Parameter containing:
/// tensor([1., 2.], requires_grad=True)
/// ```
extension Interpreter {
    func markParameter(_ t: Tensor) {
        let id = ObjectIdentifier(t)
        if parameterMarks[id]?.tensor === t { return }
        if parameterMarks.count >= 1024 && parameterMarks.count.nonzeroBitCount == 1 {
            parameterMarks = parameterMarks.filter { $0.value.tensor != nil }  // drop freed tensors now and then
        }
        parameterMarks[id] = WeakTensorReference(t)
    }

    func isMarkedParameter(_ t: Tensor) -> Bool {
        parameterMarks[ObjectIdentifier(t)]?.tensor === t
    }
}
