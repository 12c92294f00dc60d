import Testing
import Autograd
import Tensor

@Suite struct PitfallTests {
    @Test func fanOutAndDiamond() throws {
        let x = try leaf([3])
        let a = try x * 2.0, b = try x * x     // both use x
        let y = try a * b + a                   // diamond through a
        try y.backward()
        // y = 2x·x² + 2x = 2x³ + 2x → 6x² + 2 = 56
        #expect(values(x.grad) == [56])
    }

    @Test func reusedNonLeaf() throws {
        let x = try leaf([2])
        let h = try x * x
        let y = try h * h * h                   // x⁶ → 6x⁵ = 192
        try y.backward()
        #expect(values(x.grad) == [192])
    }

    @Test func kinks() throws {
        let x = try leaf([0, -1, 2])
        try x.relu().sum().backward()
        #expect(values(x.grad) == [0, 0, 1])
        let y = try leaf([0, -3, 2])
        try y.abs().sum().backward()
        #expect(values(y.grad) == [0, -1, 1])
    }

    @Test func tiesOfMax() throws {
        let x = try leaf([1, 3, 3])
        try x.max().backward()
        #expect(values(x.grad) == [0, 0.5, 0.5])
        let z = try leaf([3, 1, 3], [1, 3])
        try z.max(dim: 1).values.sum().backward()
        #expect(values(z.grad) == [1, 0, 0])
        let a = try leaf([2]), b = try leaf([2])
        try a.maximum(b).backward()
        #expect(values(a.grad) == [0.5])
        #expect(values(b.grad) == [0.5])
    }

    @Test func powAtZeroAndNegativeBases() throws {
        let x = try leaf([0, -2])
        try x.pow(2).sum().backward()
        #expect(values(x.grad) == [0, -4])
        let z = try leaf([0]), e = try leaf([0])
        try z.pow(e).sum().backward()
        #expect(values(z.grad) == [0])
        #expect(values(e.grad) == [0])
        let n = try leaf([-2]), k = try leaf([3])
        try n.pow(k).sum().backward()
        #expect(values(n.grad) == [12])
        #expect(values(k.grad)[0].isNaN)      // d/dk (-2)^k = (-2)^k·log(-2): NaN, as PyTorch
    }

    @Test func softmaxAtExtremes() throws {
        let x = try leaf([1000, -1000, 0])
        let s = try x.softmax(dim: 0)
        #expect(values(s) == [1, 0, 0])
        try (s * Tensor.constant(NDArray([1, 2, 3] as [Double]))).sum().backward()
        #expect(values(x.grad).allSatisfy { $0.isFinite })
        let l = try x.logSoftmax(dim: 0)
        #expect(values(l) == [0, -2000, -1000])
    }

    @Test func gradientsThroughViewsScatterBack() throws {
        let x = try leaf([1, 2, 3, 4, 5, 6], [2, 3])
        let y = try x.index([.all, .slice(start: nil, end: nil, step: 2)]).T
        try (y * 10.0).sum().backward()
        #expect(values(x.grad) == [10, 0, 10, 10, 0, 10])
    }

    @Test func determinism() throws {
        func run() throws -> [Float] {
            let g = Generator(seed: 123)
            let w = try Tensor(g.randn([8, 4]), requiresGrad: true)
            let x = try Tensor(g.randn([16, 8]))
            try x.matmul(w).tanh().sum().backward()
            return try w.grad!.data.toArray(Float.self)
        }
        #expect(try run() == run())
    }

    @Test func memoryStaysFlatOverTrainingLoop() throws {
        let budget = MemoryBudget(limit: 1 << 30)
        try budget.withInstalled {
            let g = Generator(seed: 0)
            let w = try Tensor(g.randn([4]), requiresGrad: true)
            let b = try Tensor(g.randn([4]), requiresGrad: true)
            let x = try Tensor(g.randn([4]))
            var live100 = 0
            for step in 0..<10_000 {
                do {
                    let loss = try (x * w + b).relu().sum()
                    try loss.backward()
                }
                try GradMode.withDisabled {
                    try w.sub_(w.grad! * 0.001)
                    try b.sub_(b.grad! * 0.001)
                }
                w.grad = nil
                b.grad = nil
                if step == 100 { live100 = budget.liveBytes }
            }
            #expect(budget.liveBytes == live100)
        }
        #expect(budget.liveBytes == 0)
    }

    @Test func veryLongChainReleasesWithoutRecursion() throws {
        let x = try leaf([0.5])
        var h = x
        for _ in 0..<100_000 { h = try h * 1.0 }
        try h.backward()
        #expect(values(x.grad) == [1])
        h = x   // drops the 100,000-node chain
    }

    @Test func setItemSemantics() throws {
        let x = try Tensor(NDArray.zeros([2, 3]))
        try x.setIndex([.int(0), .slice(start: 1, end: nil, step: nil)], Tensor(NDArray([5, 6] as [Float])))
        try x.setIndex([.tensor(x.data.compare(.eq, scalar: .int(0)))], Tensor(NDArray.scalar(-1)))
        #expect(x.data.toDoubles() == [-1, 5, 6, -1, -1, -1])
        let leafTensor = try leaf([1, 2])
        #expect(throws: TensorError.self) { try leafTensor.setIndex([.int(0)], Tensor(NDArray.scalar(3, dtype: .float64))) }
    }

    @Test func errorsAreThrownNotCrashes() throws {
        let a = try leaf([1, 2, 3])
        #expect(throws: TensorError.self) { try a.index([.int(5)]) }
        #expect(throws: TensorError.self) { try a.index([.int(0), .int(0)]) }
        #expect(throws: TensorError.self) { try a.reshape([2, 2]) }
        #expect(throws: TensorError.self) { try a.sum(dim: 3) }
        #expect(throws: TensorError.self) { try a.backward() }
        #expect(throws: TensorError.self) { try Tensor.einsum("ij,jk", [a, a]) }
        #expect(throws: TensorError.self) { try a.index([.tensor(NDArray([7] as [Int64]))]) }
    }
}
