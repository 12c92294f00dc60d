// NN benchmarks (issue 6): training-step costs of the layers, compared with PyTorch by
// benchmarks/nn_ref.py, which runs the same workloads with torch in the same session.
//
//   swift build -c release -Xswiftc -target-cpu -Xswiftc native --product nbrun-bench
//   .build/release/nbrun-bench NN          # this table only
//   python3 benchmarks/nn_ref.py           # torch + this binary, with ratios
import Autograd
import Foundation
import NN
import Tensor

/// With NN_CLOCK=cpu, times are the process's CPU time (all threads) instead of wall time:
/// steadier while other jobs share the cores (benchmarks/nn_ref.py --cpu does the same for torch).
private let nnCPUClock = ProcessInfo.processInfo.environment["NN_CLOCK"] == "cpu"

private func nnNanoseconds() -> UInt64 {
    if nnCPUClock {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
    return DispatchTime.now().uptimeNanoseconds
}

/// Best-of-`repeats` milliseconds per call of `body` after `warmup` calls.
private func measure(warmup: Int = 3, repeats: Int = 5, inner: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = nnNanoseconds()
        for _ in 0..<inner { try body() }
        let elapsed = Double(nnNanoseconds() - start) / 1e6 / Double(inner)
        best = min(best, elapsed)
    }
    return best
}

/// MLP [2, 64, 64, 1] on 1,000 points, full-batch SGD with MSE: ms per step (1,000 steps total).
func benchMLPStep() throws -> Double {
    let g = Generator(seed: 0)
    let x = try Tensor.randn([1000, 2], generator: g)
    let y = try Tensor.randn([1000, 1], generator: g)
    let model = try MLP(sizes: [2, 64, 64, 1], generator: g)
    let optimizer = try SGD(model.parameters(), lr: 0.01)
    let start = nnNanoseconds()
    for _ in 0..<1000 {
        optimizer.zeroGrad()
        let loss = try F.mseLoss(try model(x), y)
        try loss.backward()
        try optimizer.step()
    }
    return Double(nnNanoseconds() - start) / 1e6 / 1000
}

/// Conv2d forward + backward, batch 32, 3→16 channels, 32×32, k = 3, padding 1.
func benchConv2d() throws -> Double {
    let g = Generator(seed: 0)
    let conv = try Conv2d(inChannels: 3, outChannels: 16, kernelSize: [3], padding: .explicit([1]), generator: g)
    let x = try Tensor.randn([32, 3, 32, 32], generator: g, requiresGrad: true)
    return try measure(inner: 20) {
        conv.zeroGrad(); x.grad = nil
        try (try conv(x)).sum().backward()
    }
}

/// scaled_dot_product_attention forward + backward, q, k, v of [8, 4, 128, 64].
func benchSDPA() throws -> Double {
    let g = Generator(seed: 0)
    let q = try Tensor.randn([8, 4, 128, 64], generator: g, requiresGrad: true)
    let k = try Tensor.randn([8, 4, 128, 64], generator: g, requiresGrad: true)
    let v = try Tensor.randn([8, 4, 128, 64], generator: g, requiresGrad: true)
    return try measure(inner: 10) {
        q.grad = nil; k.grad = nil; v.grad = nil
        try (try F.scaledDotProductAttention(q, k, v)).sum().backward()
    }
}

/// LSTM forward + backward, batch 16, T = 50, 32 → 64.
func benchLSTM() throws -> Double {
    let g = Generator(seed: 0)
    let lstm = try LSTM(inputSize: 32, hiddenSize: 64, generator: g)
    let x = try Tensor.randn([50, 16, 32], generator: g, requiresGrad: true)
    return try measure(inner: 5) {
        lstm.zeroGrad(); x.grad = nil
        let (out, _) = try lstm.forward(x, nil)
        try (try out.sum()).backward()
    }
}

/// BatchNorm2d(16) forward + backward in train mode on [32, 16, 32, 32], loss Σ y·r (Σ y alone has a zero gradient).
func benchBatchNorm2d() throws -> Double {
    let g = Generator(seed: 0)
    let bn = try BatchNorm2d(numFeatures: 16)
    let x = try Tensor.randn([32, 16, 32, 32], generator: g, requiresGrad: true)
    let r = try Tensor.randn([32, 16, 32, 32], generator: g)
    return try measure(inner: 20) {
        bn.zeroGrad(); x.grad = nil
        try (try (try bn(x)) * r).sum().backward()
    }
}

/// Conv2d 16→16, k = 3, padding 1 on [32, 16, 32, 32], forward + backward, `groups` 16 (depthwise) or 1 (dense).
private func benchConv16(groups: Int) throws -> Double {
    let g = Generator(seed: 0)
    let conv = try Conv2d(inChannels: 16, outChannels: 16, kernelSize: [3], padding: .explicit([1]), groups: groups, generator: g)
    let x = try Tensor.randn([32, 16, 32, 32], generator: g, requiresGrad: true)
    return try measure(inner: 10) {
        conv.zeroGrad(); x.grad = nil
        try (try conv(x)).sum().backward()
    }
}
func benchDepthwiseConv2d() throws -> Double { try benchConv16(groups: 16) }
func benchDenseConv16() throws -> Double { try benchConv16(groups: 1) }

func runNNBenchmarks() {
    print("| benchmark | nbrun ms |")
    print("| --- | ---: |")
    let cases: [(String, () throws -> Double)] = [
        ("mlp_sgd_step", benchMLPStep), ("conv2d_fwd_bwd", benchConv2d),
        ("sdpa_fwd_bwd", benchSDPA), ("lstm_fwd_bwd", benchLSTM),
        ("batchnorm2d_fwd_bwd", benchBatchNorm2d), ("depthwise_conv2d_fwd_bwd", benchDepthwiseConv2d),
        ("conv2d_16to16_fwd_bwd", benchDenseConv16),
    ]
    let only = ProcessInfo.processInfo.environment["NN_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
    for (name, run) in cases where only?.contains(name) ?? true {
        do { print("| \(name) | \(String(format: "%.3f", try run())) |") } catch { print("| \(name) | error: \(error) |") }
    }
}
