import Testing
import Tensor

@Suite struct NDArrayTests {
    @Test func broadcastingAdd() throws {
        let a = try NDArray([[1, 2, 3], [4, 5, 6]] as [[Float]])
        let b = try NDArray([10, 20, 30] as [Float])
        #expect(try a.add(b).toDoubles() == [11, 22, 33, 14, 25, 36])
        let c = try NDArray([[1], [2]] as [[Float]])
        #expect(try a.mul(c).toDoubles() == [1, 2, 3, 8, 10, 12])
    }

    @Test func promotion() throws {
        let i = try NDArray([1, 2] as [Int64])
        #expect(try i.binary(.mul, scalar: .float(0.5)).dtype == .float32)
        #expect(try i.binary(.add, scalar: .int(1)).dtype == .int64)
        #expect(try i.div(i).dtype == .float32)
        let d = try NDArray([1, 2] as [Double])
        #expect(try d.add(NDArray.scalar(1, dtype: .float32)).dtype == .float64)
        let f = try NDArray([1, 2] as [Float])
        #expect(try f.add(NDArray.scalar(1, dtype: .float64)).dtype == .float32)
        #expect(try f.add(d).dtype == .float64)
    }

    @Test func broadcastError() throws {
        let a = try NDArray.zeros([2, 3]), b = try NDArray.zeros([4])
        #expect(throws: TensorError.self) { try a.add(b) }
    }

    @Test func matmulShapes() throws {
        let a = try NDArray([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        let b = try NDArray([1, 0, 0, 1, 1, 1] as [Float], shape: [3, 2])
        #expect(try a.matmul(b).toDoubles() == [4, 5, 10, 11])
        #expect(try a.matmul(NDArray([1, 1, 1] as [Float])).toDoubles() == [6, 15])
        #expect(try a.transposed(0, 1).matmul(a).shape == [3, 3])
        let batch = try NDArray.ones([4, 2, 3])
        #expect(try batch.matmul(b).shape == [4, 2, 2])
        do {
            _ = try NDArray.zeros([4, 3]).matmul(NDArray.zeros([4, 2]))
            Issue.record("expected an error")
        } catch let e as TensorError {
            #expect(e.message == "matmul: shapes [4, 3] and [4, 2] do not align (3 != 4)")
        }
    }

    @Test func reductions() throws {
        let a = try NDArray([[1, 5, 3], [4, 2, 6]] as [[Float]])
        #expect(try a.sum().toDoubles() == [21])
        #expect(try a.sum(dims: [0]).toDoubles() == [5, 7, 9])
        #expect(try a.sum(dims: [1], keepdim: true).shape == [2, 1])
        #expect(try a.mean(dims: [1]).toDoubles() == [3, 4])
        let (v, i) = try a.maxAlong(dim: 1)
        #expect(v.toDoubles() == [5, 6])
        #expect(i.toDoubles() == [1, 2])
        #expect(try a.argmax().toDoubles() == [5])
        #expect(try a.amin(dims: [0]).toDoubles() == [1, 2, 3])
        #expect(try NDArray([1, 2, 3, 4] as [Double]).variance().toDoubles()[0] == 5.0 / 3.0)
    }

    @Test func softmaxIsStable() throws {
        let a = try NDArray([1000, -1000, 0] as [Double])
        let s = try a.softmax(dim: 0).toDoubles()
        #expect(s == [1, 0, 0])
        #expect(try a.logsumexp(dims: [0]).toDoubles() == [1000])
    }

    @Test func views() throws {
        let a = try NDArray.arange(end: 6).reshape([2, 3])
        let t = try a.transposed(0, 1)
        #expect(!t.isContiguous)
        #expect(t.toDoubles() == [0, 3, 1, 4, 2, 5])
        #expect(try t.reshape([6]).toDoubles() == [0, 3, 1, 4, 2, 5])
        #expect(throws: TensorError.self) { try t.view([6]) }
        #expect(try a.slice(dim: 1, start: nil, end: nil, step: 2).toDoubles() == [0, 2, 3, 5])
        #expect(try a.select(dim: 1, index: -1).toDoubles() == [2, 5])
        #expect(try a.unsqueezed(0).shape == [1, 2, 3])
        #expect(try NDArray.zeros([3, 1]).expand([2, 3, 4]).shape == [2, 3, 4])
    }

    @Test func creation() throws {
        #expect(try NDArray.linspace(0, 1, steps: 5).toDoubles() == [0, 0.25, 0.5, 0.75, 1])
        #expect(try NDArray.arange(start: 1, end: 2, step: 0.25).count == 4)
        #expect(try NDArray.eye(2).toDoubles() == [1, 0, 0, 1])
    }

    @Test func memoryBudget() throws {
        let budget = MemoryBudget(limit: 1000)
        try budget.withInstalled {
            let a = try NDArray.zeros([100])
            #expect(budget.liveBytes == 400)
            #expect(throws: TensorError.self) { try NDArray.zeros([200]) }
            _ = a
        }
        #expect(budget.liveBytes == 0)
    }
}
