/// Sizes on the command line: a number of bytes, or a number with K, M, G or T
/// (binary multiples, as `ulimit` and `docker --memory` read them), optionally followed by B.
enum MemorySize {
    static func parse(_ text: String) -> Int? {
        var digits = text.uppercased()
        if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
        var shift = 0
        if let unit = digits.last, let index = "KMGT".firstIndex(of: unit) {
            shift = 10 * ("KMGT".distance(from: "KMGT".startIndex, to: index) + 1)
            digits.removeLast()
        }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        let bytes = value * Double(1 << shift)
        guard bytes >= 1, bytes < 0x1p62 else { return nil }
        return Int(bytes)
    }
}
