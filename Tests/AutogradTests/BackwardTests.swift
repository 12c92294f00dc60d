import Testing
import Autograd
import Tensor

@Suite struct BackwardTests {
    @Test func mulAndSum() throws {
        let x = try leaf([2, 3])
        let y = try (x * x).sum()
        try y.backward()
        #expect(values(x.grad) == [4, 6])
    }

    @Test func broadcastReducedInGradient() throws {
        let w = try leaf([1, 2, 3], [1, 3])
        let x = try leaf([1, 1, 1, 2, 2, 2], [2, 3])
        let b = try leaf([0.5])
        try (x * w + b).sum().backward()
        #expect(values(w.grad) == [3, 3, 3])
        #expect(values(b.grad) == [6])
        #expect(w.grad!.shape == [1, 3])
    }

    /// micrograd's test_engine.py sanity check.
    @Test func microgradSanity() throws {
        let x = try leaf([-4])
        let z = try 2.0 * x + 2.0 + x
        let q = try z.relu() + z * x
        let h = try (z * z).relu()
        let y = try h + q + q * x
        try y.backward()
        #expect(values(y) == [-20])
        #expect(values(x.grad) == [46])
    }

    @Test func gradAccumulatesUntilCleared() throws {
        let x = try leaf([1, 2])
        try (x * 3.0).sum().backward()
        try (x * 3.0).sum().backward()
        #expect(values(x.grad) == [6, 6])
        x.grad = nil
        try x.sum().backward()
        #expect(values(x.grad) == [1, 1])
    }

    @Test func secondBackwardThrows() throws {
        let x = try leaf([1, 2])
        let y = try (x.exp() * x).sum()
        try y.backward()
        #expect(throws: TensorError.self) { try y.backward() }
        let z = try (x.exp() * x).sum()
        try z.backward(retainGraph: true)
        try z.backward()
    }

    @Test func noGradAndDetach() throws {
        let x = try leaf([1, 2])
        let y = try GradMode.withDisabled { try x * 2.0 }
        #expect(!y.requiresGrad)
        let d = x.detach()
        #expect(!d.requiresGrad)
        #expect(d.data.storage === x.data.storage)
    }

    @Test func matmulGradient() throws {
        let a = try leaf([1, 2, 3, 4, 5, 6], [2, 3])
        let b = try leaf([1, 0, 2, 1, 0, 1], [3, 2])
        try a.matmul(b).sum().backward()
        #expect(values(a.grad) == [1, 3, 1, 1, 3, 1])
        #expect(values(b.grad) == [5, 5, 7, 7, 9, 9])
    }

    @Test func doubleBackward() throws {
        let x = try leaf([2, -1])
        let y = try x.pow(3).sum()
        let (dx) = try Tensor.grad(outputs: [y], inputs: [x], createGraph: true)[0]!
        #expect(values(dx) == [12, 3])
        let d2 = try Tensor.grad(outputs: [dx.sum()], inputs: [x])[0]!
        #expect(values(d2) == [12, -6])
    }

    @Test func printingWithGradFn() throws {
        let x = try Tensor(NDArray([1, 2] as [Float]), requiresGrad: true)
        #expect(x.description == "tensor([1., 2.], requires_grad=True)")
        #expect(try (x * 2.0).description == "tensor([2., 4.], grad_fn=<MulBackward0>)")
        #expect(try x.sum().description == "tensor(3., grad_fn=<SumBackward0>)")
    }

    @Test func longChainNoStackOverflow() throws {
        let x = try leaf([0.5])
        var h = x
        for _ in 0..<5000 { h = try (h * 0.999 + 0.001).tanh() }
        try h.sum().backward()
        #expect(x.grad != nil)
    }

    @Test func inPlaceModificationDetected() throws {
        let x = try leaf([1, 2])
        let y = try x.exp()
        let z = try (y * 2.0).sum()
        _ = z
        let w = try y.exp().sum()
        // Simulate an in-place write to y's storage.
        y.data.storage.bumpVersion()
        #expect(throws: TensorError.self) { try w.backward() }
    }
}
