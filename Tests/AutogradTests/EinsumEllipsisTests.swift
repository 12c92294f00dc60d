import Autograd
import Tensor
import Testing

// einsum with `...` (values from PyTorch 2.13's torch.einsum on the same aranges).
@Suite struct EinsumEllipsisTests {
    func arange(_ shape: [Int]) throws -> Tensor {
        let n = shape.reduce(1, *)
        return try Tensor(NDArray(doubles: (0..<n).map(Double.init), shape: shape, dtype: .float64))
    }

    @Test func batchedDotBroadcastsLeadingDims() throws {
        let r = try Tensor.einsum("...j,...j->...", [arange([2, 3]), arange([2, 2, 3])])
        #expect(r.shape == [2, 2])
        #expect(values(r) == [5, 50, 23, 122])
    }

    @Test func trailingEllipsis() throws {
        let r = try Tensor.einsum("ij...,j...->i...", [arange([2, 3, 4]), arange([3, 4])])
        #expect(values(r) == [80, 107, 140, 179, 224, 287, 356, 431])
    }

    @Test func ellipsisSummedWhenNotInOutput() throws {
        #expect(values(try Tensor.einsum("...ij->...", [arange([2, 3, 4])])) == [66, 210])
        #expect(values(try Tensor.einsum("...ij->ij", [arange([2, 3, 4])])).prefix(3) == [12, 14, 16])
    }

    @Test func implicitOutputPutsEllipsisFirst() throws {
        #expect(try Tensor.einsum("ij...", [arange([2, 3, 4])]).shape == [4, 2, 3])
        #expect(try Tensor.einsum("...", [arange([2, 3, 4])]).shape == [2, 3, 4])
    }

    @Test func batchedMatmulWithBroadcastBatch() throws {
        let a = try arange([2, 1, 1, 3]), b = try arange([4, 3, 2])
        let r = try Tensor.einsum("...ij,...jk->...ik", [a, b])
        #expect(r.shape == [2, 4, 1, 2])
        #expect(values(r) == values(try a.matmul(b)))
    }

    @Test func sizeOneSubscriptBroadcasts() throws {
        let ones = try Tensor(NDArray.ones([2, 3], dtype: .float64)), row = try Tensor(NDArray.ones([1, 4], dtype: .float64))
        #expect(values(try Tensor.einsum("ij,jk", [ones, row])) == [Double](repeating: 3, count: 8))
    }

    @Test func malformedEllipsisIsAnError() throws {
        let x = try arange([2, 3])
        #expect(throws: TensorError.self) { try Tensor.einsum("..i", [x]) }
        #expect(throws: TensorError.self) { try Tensor.einsum("...i...", [x]) }
        #expect(throws: TensorError.self) { try Tensor.einsum("ijk...", [x]) }
        #expect(throws: TensorError.self) { try Tensor.einsum("...ij->...i.", [x]) }
    }
}
