import Testing
import Autograd
import Tensor

/// grad_fn names as PyTorch 2.13 prints them (checked with torch for the same expressions).
@Suite struct GradFnNameTests {
    @Test func namesMatchPyTorch() throws {
        let x = try Tensor(Generator(seed: 1).uniform([2, 3], low: 0.5, high: 2), requiresGrad: true)
        let v = try Tensor(Generator(seed: 2).randn([3]), requiresGrad: true)
        let mask = try x.compare(.gt, 1.0)
        let cases: [(String, Tensor)] = [
            ("AddBackward0", try x + x), ("AddBackward0", try x + 1.0), ("SubBackward0", try x - x),
            ("RsubBackward1", try 1.0 - x), ("MulBackward0", try x * 2.0), ("DivBackward0", try x / 2.0),
            ("MulBackward0", try 2.0 / x), ("PowBackward0", try x.pow(2)), ("PowBackward1", try x.pow(x)),
            ("NegBackward0", try -x), ("ExpBackward0", try x.exp()), ("LogBackward0", try x.log()),
            ("SqrtBackward0", try x.sqrt()), ("SinBackward0", try x.sin()), ("TanhBackward0", try x.tanh()),
            ("SigmoidBackward0", try x.sigmoid()), ("ReluBackward0", try x.relu()), ("AbsBackward0", try x.abs()),
            ("SumBackward0", try x.sum()), ("SumBackward1", try x.sum(dim: 1)), ("MeanBackward0", try x.mean()),
            ("MeanBackward1", try x.mean(dim: 0)), ("MaxBackward1", try x.max()), ("MaxBackward0", try x.max(dim: 1).values),
            ("AmaxBackward0", try x.amax(dims: [1])), ("VarBackward0", try x.variance()), ("StdBackward0", try x.std(dims: [1])),
            ("LogsumexpBackward0", try x.logsumexp(dims: [1])), ("SoftmaxBackward0", try x.softmax(dim: 1)),
            ("LogSoftmaxBackward0", try x.logSoftmax(dim: 1)), ("ViewBackward0", try x.reshape([3, 2])),
            ("UnsafeViewBackward0", try x.T.reshape([6])), ("ViewBackward0", try x.view([6])),
            ("PermuteBackward0", try x.T), ("TransposeBackward0", try x.transpose(0, 1)),
            ("PermuteBackward0", try x.permute([1, 0])), ("ExpandBackward0", try v.expand([2, 3])),
            ("UnsqueezeBackward0", try x.unsqueeze(0)), ("SqueezeBackward0", try x.unsqueeze(0).squeeze()),
            ("SqueezeBackward1", try x.unsqueeze(0).squeeze(dim: 0)), ("ViewBackward0", try x.flatten()),
            ("SelectBackward0", try x.index([.int(0)])), ("SliceBackward0", try x.index([.slice(start: 0, end: 1, step: nil)])),
            ("SelectBackward0", try x.index([.all, .int(0)])), ("UnsqueezeBackward0", try x.index([.newAxis])),
            ("IndexBackward0", try x.index([.tensor(NDArray([0, 1] as [Int64]))])),
            ("IndexBackward0", try x.index([.tensor(mask.data)])), ("SliceBackward0", try x.index([.all])),
            ("AliasBackward0", try x.index([.ellipsis])),
            ("CatBackward0", try Tensor.cat([x, x])), ("StackBackward0", try Tensor.stack([x, x])),
            ("MmBackward0", try x.matmul(x.T)), ("MvBackward0", try x.matmul(v)), ("DotBackward0", try v.matmul(v)),
            ("SqueezeBackward4", try v.matmul(x.T)), ("MulBackward0", try v.outer(v)),
            ("WhereBackward0", try Tensor.where(mask, x, v)), ("MaximumBackward0", try x.maximum(v)),
            ("ClampBackward1", try x.clamp(min: -1, max: 1)), ("LeakyReluBackward0", try x.leakyRelu()),
            ("GeluBackward0", try x.gelu()), ("SoftplusBackward0", try x.softplus()),
            ("ToCopyBackward0", try x.double()), ("CloneBackward0", try x.T.contiguous()),
            ("GatherBackward0", try x.gather(dim: 1, index: Tensor.constant(NDArray([[0], [1]] as [[Int64]])))),
            ("ViewBackward0", try Tensor.einsum("ij,jk->ik", [x, x.T])),
            ("MinBackward1", try x.min()), ("MinBackward0", try x.min(dim: 0).values),
        ]
        for (expected, t) in cases {
            #expect(t.gradFn?.name == expected)
        }
    }
}
