import Testing
import Tensor

/// Type promotion and integer semantics, checked against PyTorch 2.13.
@Suite struct PromotionTests {
    let ints = try! NDArray([1, 2] as [Int64])
    let floats = try! NDArray([1, 2] as [Float])
    let bools = try! NDArray([true, false] as [Bool])

    @Test func promotionTable() throws {
        #expect(try ints.add(NDArray.scalar(1, dtype: .float64)).dtype == .float64)
        #expect(try floats.add(NDArray.scalar(1, dtype: .float64)).dtype == .float32)
        #expect(try bools.add(bools).dtype == .bool)
        #expect(try bools.binary(.add, scalar: .int(1)).dtype == .int64)
        #expect(try bools.binary(.mul, scalar: .float(2.5)).dtype == .float32)
        #expect(try ints.div(ints).dtype == .float32)
        #expect(try ints.binary(.mul, scalar: .float(1.5)).dtype == .float32)
        #expect(try bools.sum().dtype == .int64)
        #expect(try ints.unary(.powScalar(2)).dtype == .int64)
        #expect(try ints.unary(.powScalar(0.5)).dtype == .float32)
        #expect(try ints.compare(.lt, floats).dtype == .bool)
        #expect(throws: TensorError.self) { try ints.mean() }
        // Masks keep the input's dtype (relu's pullback multiplies by step(x); a float64
        // mask used to turn every float32 relu gradient into float64 and back).
        #expect(try floats.unary(.step).dtype == .float32)
        #expect(try ints.unary(.step).dtype == .int64)
        #expect(try ints.unary(.sign).dtype == .int64)
        #expect(try NDArray([-3, 0, 5] as [Int64]).unary(.sign).toArray(Int64.self) == [-1, 0, 1])
    }

    @Test func pythonIntegerDivision() throws {
        let a = try NDArray([-7, 7] as [Int64]), b = try NDArray([2, -2] as [Int64])
        #expect(try a.binary(.floorDivide, b).toArray(Int64.self) == [-4, -4])
        #expect(try a.binary(.remainder, b).toArray(Int64.self) == [1, -1])
        #expect(try NDArray([-7.5] as [Float]).binary(.remainder, scalar: .int(2)).toDoubles() == [0.5])
        #expect(throws: TensorError.self) { try a.binary(.floorDivide, scalar: .int(0)) }
    }

    @Test func linspaceAndArangeMatchPyTorch() throws {
        let l = try NDArray.linspace(-1, 1, steps: 7).toArray(Float.self)
        #expect(l == [-1.0, -0.6666666269302368, -0.3333333134651184, -2.9802322387695312e-08,
                      0.3333333134651184, 0.6666666269302368, 1.0].map { Float($0) })
        let a = try NDArray.arange(start: 0, end: 1, step: 0.1).toArray(Float.self)
        #expect(a.count == 10)
        #expect(a[3] == Float(0.30000001192092896))
    }

    @Test func conversions() throws {
        let f = try NDArray([-1.7, 2.9, .nan] as [Double])
        #expect(try f.to(.int64).toArray(Int64.self) == [-1, 2, Int64.min])
        #expect(try f.to(.bool).toArray(Bool.self) == [true, true, true])
        #expect(try bools.to(.float32).toDoubles() == [1, 0])
    }
}
