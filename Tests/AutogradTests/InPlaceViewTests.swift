import Autograd
import Tensor
import Testing

// In-place writes through views rebase the base's history as PyTorch's CopySlices does.
// Expected gradients from PyTorch 2.13 (scripts/inplace_view_expected.py prints them).
@Suite struct InPlaceViewTests {
    /// [[1, 2, 3], [4, 5, 6]], float64, requires grad.
    func matrixLeaf() throws -> Tensor { try leaf([1, 2, 3, 4, 5, 6], [2, 3]) }

    func sumOfSquares(_ x: Tensor) throws -> Tensor { try (x * x).sum() }

    @Test func mulThroughView() throws {
        let l = try matrixLeaf()
        let x = try l * 1.0
        let v = try x.index([.int(0)])
        try v.mul_(2)
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [8, 16, 24, 8, 10, 12])
    }

    @Test func setItemColumn() throws {
        let l = try matrixLeaf()
        let y = try leaf([7, 8])
        let x = try l * 1.0
        try x.setIndex([.slice(start: nil, end: nil, step: nil), .int(1)], y * y)
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [2, 0, 6, 8, 0, 12])
        #expect(values(y.grad) == [1372, 2048])
    }

    @Test func addThroughTemporaryView() throws {
        let l = try matrixLeaf()
        let z = try leaf([0.5, -1, 2])
        let x = try l * 1.0
        try x.index([.int(0)]).add_(z * 3.0)
        try x.pow(2).sum().backward()
        #expect(close(values(l.grad), [5, -2, 18, 8, 10, 12]))
        #expect(close(values(z.grad), [15, -6, 54]))
    }

    @Test func usesRecordedBeforeKeepTheOldHistory() throws {
        let l = try matrixLeaf()
        let a = try l * 1.0
        let b = try a + 1.0
        try a.mul_(3)
        try (b * a).sum().backward()
        #expect(values(l.grad) == [9, 15, 21, 27, 33, 39])
    }

    @Test func baseWithoutGradBecomesRecorded() throws {
        let z = try leaf([0.5, -1, 2])
        let x = try Tensor(NDArray.zeros([2, 3], dtype: .float64))
        try x.index([.int(1)]).add_(z)
        #expect(x.requiresGrad)
        #expect(x.gradFn?.name == "CopySlices")
        try sumOfSquares(x).backward()
        #expect(values(z.grad) == [1, -2, 4])
    }

    @Test func viewOfView() throws {
        let l = try matrixLeaf()
        let x = try l * 1.0
        try x.index([.int(1)]).index([.slice(start: 0, end: 2, step: nil)]).mul_(3)
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [2, 4, 6, 72, 90, 12])
    }

    @Test func viewUsedAfterItsInPlaceOp() throws {
        let l = try matrixLeaf()
        let x = try l * 1.0
        let v = try x.index([.slice(start: nil, end: nil, step: nil), .int(2)])
        try v.mul_(3)
        try sumOfSquares(v).backward()
        #expect(values(l.grad) == [0, 0, 54, 0, 0, 108])
    }

    @Test func zeroThroughView() throws {
        let l = try matrixLeaf()
        let x = try l * 2.0
        try x.index([.int(0)]).zero_()
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [0, 0, 0, 32, 40, 48])
    }

    @Test func setItemThroughViewWithTensorIndex() throws {
        let l = try matrixLeaf()
        let y = try leaf([7, 8])
        let x = try l * 1.0
        let row = try x.index([.int(1)])
        try row.setIndex([.tensor(NDArray([0, 2] as [Int64]))], y)
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [2, 4, 6, 0, 10, 0])
        #expect(values(y.grad) == [14, 16])
    }

    @Test func transposedView() throws {
        let l = try matrixLeaf()
        let x = try l * 1.0
        try x.T.index([.int(2)]).mul_(5)
        try sumOfSquares(x).backward()
        #expect(values(l.grad) == [2, 4, 150, 8, 10, 300])
    }

    @Test func viewOfLeafIsRejected() throws {
        let l = try matrixLeaf()
        #expect(throws: TensorError.self) { try l.index([.int(0)]).mul_(2) }
        #expect(values(l) == [1, 2, 3, 4, 5, 6])
    }

    @Test func modifiedSavedTensorIsStillCaught() throws {
        let l = try matrixLeaf()
        let x = try l * 1.0
        let s = try x * x
        try x.index([.int(0)]).mul_(2)
        #expect(throws: TensorError.self) { try s.sum().backward() }
    }
}
