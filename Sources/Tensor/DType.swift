/// Element types, as in PyTorch.
public enum DType: String, Sendable {
    case float32, float64, int64, bool
}
