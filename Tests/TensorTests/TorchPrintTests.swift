import Testing
import Tensor

/// A tensor built as `(arange(count) * scale + shift) / divisor`, reshaped, with PyTorch's repr.
struct PrintFixture: CustomStringConvertible {
    var name: String
    var count: Int
    var scale: Double
    var shift: Double
    var divisor: Double
    var shape: [Int]
    var dtype: DType
    var expected: String
    var description: String { name }

    func build() throws -> NDArray {
        let compute: DType = dtype == .int64 ? .float64 : dtype
        let x = try NDArray.arange(end: Double(count), dtype: compute)
            .binary(.mul, scalar: .float(scale)).binary(.add, scalar: .float(shift))
            .binary(.div, scalar: .float(divisor))
        return try x.to(dtype).reshape(shape)
    }
}

@Suite struct TorchPrintTests {
    @Test(arguments: torchPrintFixtures) func matchesPyTorch(_ fixture: PrintFixture) throws {
        #expect(try fixture.build().description == fixture.expected)
    }

    @Test func bools() throws {
        #expect(try NDArray([true, false, true] as [Bool]).description == torchBoolFixture)
    }
}
