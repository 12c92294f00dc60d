import Testing
import Tensor

@Suite struct PrintingTests {
    @Test func matrixOfFloats() throws {
        let a = try NDArray([[0.1, -0.8], [1.4, 1.1]] as [[Float]])
        #expect(a.description == "tensor([[ 0.1000, -0.8000],\n        [ 1.4000,  1.1000]])")
    }

    @Test func integerValuedFloats() throws {
        #expect(try NDArray([2, 4] as [Float]).description == "tensor([2., 4.])")
        #expect(try NDArray.zeros([2]).description == "tensor([0., 0.])")
    }

    @Test func integersBoolsScalars() throws {
        #expect(try NDArray([1, -20, 3] as [Int64]).description == "tensor([  1, -20,   3])")
        #expect(try NDArray([true, false] as [Bool]).description == "tensor([ True, False])")
        #expect(try NDArray.scalar(3.5).description == "tensor(3.5000)")
        #expect(try NDArray.scalar(2, dtype: .float64).description == "tensor(2., dtype=torch.float64)")
    }

    @Test func float64Suffix() throws {
        #expect(try NDArray([0.5, 1.25] as [Double]).description == "tensor([0.5000, 1.2500], dtype=torch.float64)")
    }

    @Test func scientific() throws {
        #expect(try NDArray([1e-5, 1] as [Double]).description == "tensor([1.0000e-05, 1.0000e+00], dtype=torch.float64)")
    }

    @Test func emptyTensors() throws {
        #expect(try NDArray.zeros([0]).description == "tensor([])")
        #expect(try NDArray.zeros([0, 3]).description == "tensor([], size=(0, 3))")
    }

    @Test func summarised() throws {
        let a = try NDArray.arange(start: 1000, end: 3000)
        #expect(a.description == "tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])")
        let b = try NDArray.arange(end: 2000)
        #expect(b.description == "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])")
    }

    @Test func longVectorWraps() throws {
        let a = try NDArray.arange(end: 20)
        #expect(a.description == "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])")
    }
}
