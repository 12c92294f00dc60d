#!/usr/bin/env python3
"""PyTorch reference for `nbrun-bench tensor`: runs both in the same session and prints
our time, PyTorch's time and the ratio (ours / PyTorch; below 1 means faster).

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product nbrun-bench
    python3 benchmarks/tensor_ref.py
"""
import re
import subprocess
import time

import torch

# Single-threaded work measured in thread CPU time, as nbrun-bench does (steady under load).
torch.set_num_threads(1)


def per_call(fn, iterations, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(iterations):
            fn()
        best = min(best, (time.thread_time() - start) / iterations)
    return best


def torch_times():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, generator=g, requires_grad=True)
    y = torch.randn(4, generator=g, requires_grad=True)
    c = torch.randn(4, generator=g)
    w = torch.randn(4, generator=g, requires_grad=True)
    b = torch.randn(4, generator=g, requires_grad=True)
    data = torch.randn(4, generator=g)
    big = torch.randn(1_000_000, generator=g)
    rows = torch.randn(1000, 64, generator=g)

    def step():
        (data * w + b).relu().sum().backward()

    times = {
        "add, 4 elements, no grad": per_call(lambda: c + c, 200_000) * 1e6,
        "add, 4 elements, requires_grad": per_call(lambda: x + y, 200_000) * 1e6,
        "mul, 4 elements, requires_grad": per_call(lambda: x * y, 200_000) * 1e6,
        "relu, 4 elements, requires_grad": per_call(lambda: x.relu(), 200_000) * 1e6,
        "(x*w+b).relu().sum().backward() x 20000": per_call(step, 20_000, repeats=3) * 20_000 * 1e3,
        "add, 1M elements float32": per_call(lambda: big + big, 200) * 1e3,
        "sum, 1M elements float32": per_call(lambda: big.sum(), 200) * 1e3,
        "exp, 1M elements float32": per_call(lambda: big.exp(), 50) * 1e3,
        "tanh, 1M elements float32": per_call(lambda: big.tanh(), 50) * 1e3,
        "sigmoid, 1M elements float32": per_call(lambda: big.sigmoid(), 50) * 1e3,
        "softmax(dim=1), 1000x64 float32": per_call(lambda: rows.softmax(1), 200) * 1e3,
    }
    # The interpreter rows: PyTorch's counterpart is the same add called from Python.
    times["add via the interpreter, 4 elements, requires_grad (loop subtracted)"] = times["add, 4 elements, requires_grad"]
    return times


def ours():
    out = subprocess.run([".build/release/nbrun-bench", "tensor"], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        match = re.match(r"\| (.+?) \| ([0-9.]+) (us|ms) \|", line)
        if match:
            rows[match.group(1)] = (float(match.group(2)), match.group(3))
    return rows


if __name__ == "__main__":
    mine = ours()
    ref = torch_times()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| benchmark | nbrun | PyTorch | ratio |")
    print("|---|---|---|---|")
    for name, (value, unit) in mine.items():
        theirs = ref.get(name)
        if theirs is None:
            print(f"| {name} | {value:.3f} {unit} | | |")
            continue
        print(f"| {name} | {value:.3f} {unit} | {theirs:.3f} {unit} | {value / theirs:.2f} |")
