#!/usr/bin/env python3
"""PyTorch side of the NN benchmarks, run in the same session as nbrun's (issue 6).

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product nbrun-bench
    python3 benchmarks/nn_ref.py            # runs torch, then .build/release/nbrun-bench NN, prints ratios
    python3 benchmarks/nn_ref.py --torch-only
    python3 benchmarks/nn_ref.py --cpu      # process CPU time (all threads) on both sides, not wall time
    NBRUN_BENCH=/path/to/other/nbrun-bench python3 benchmarks/nn_ref.py   # compare another build
    NN_ONLY=lstm_fwd_bwd,conv2d_fwd_bwd python3 benchmarks/nn_ref.py     # some cases only (both sides)

Same workloads as Sources/nbrun-bench/NNBench.swift, float32, torch's default threads (2 here).
Timings are best-of-5 milliseconds (the MLP: mean over 1,000 full-batch SGD steps).
"""
import os
import re
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# --cpu: process CPU time (summed over threads), steadier than wall time on a loaded machine
clock = time.process_time if "--cpu" in sys.argv else time.perf_counter


def measure(body, inner, warmup=3, repeats=5):
    for _ in range(warmup):
        body()
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        for _ in range(inner):
            body()
        best = min(best, (clock() - start) * 1000 / inner)
    return best


def mlp_sgd_step():
    torch.manual_seed(0)
    x, y = torch.randn(1000, 2), torch.randn(1000, 1)
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    start = clock()
    for _ in range(1000):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        opt.step()
    return (clock() - start) * 1000 / 1000


def conv2d_fwd_bwd():
    conv = nn.Conv2d(3, 16, 3, padding=1)
    x = torch.randn(32, 3, 32, 32, requires_grad=True)

    def body():
        conv.zero_grad()
        x.grad = None
        conv(x).sum().backward()
    return measure(body, 20)


def sdpa_fwd_bwd():
    q, k, v = (torch.randn(8, 4, 128, 64, requires_grad=True) for _ in range(3))

    def body():
        q.grad = k.grad = v.grad = None
        F.scaled_dot_product_attention(q, k, v).sum().backward()
    return measure(body, 10)


def lstm_fwd_bwd():
    lstm = nn.LSTM(32, 64)
    x = torch.randn(50, 16, 32, requires_grad=True)

    def body():
        lstm.zero_grad()
        x.grad = None
        out, _ = lstm(x)
        out.sum().backward()
    return measure(body, 5)


def batchnorm2d_fwd_bwd():
    torch.manual_seed(0)
    bn = nn.BatchNorm2d(16)
    x = torch.randn(32, 16, 32, 32, requires_grad=True)
    r = torch.randn(32, 16, 32, 32)

    def body():
        bn.zero_grad()
        x.grad = None
        (bn(x) * r).sum().backward()
    return measure(body, 20)


def conv16(groups):
    torch.manual_seed(0)
    conv = nn.Conv2d(16, 16, 3, padding=1, groups=groups)
    x = torch.randn(32, 16, 32, 32, requires_grad=True)

    def body():
        conv.zero_grad()
        x.grad = None
        conv(x).sum().backward()
    return measure(body, 10)


BENCHES = [("mlp_sgd_step", mlp_sgd_step), ("conv2d_fwd_bwd", conv2d_fwd_bwd),
           ("sdpa_fwd_bwd", sdpa_fwd_bwd), ("lstm_fwd_bwd", lstm_fwd_bwd),
           ("batchnorm2d_fwd_bwd", batchnorm2d_fwd_bwd),
           ("depthwise_conv2d_fwd_bwd", lambda: conv16(16)),
           ("conv2d_16to16_fwd_bwd", lambda: conv16(1))]
if os.environ.get("NN_ONLY"):
    BENCHES = [(name, fn) for name, fn in BENCHES if name in os.environ["NN_ONLY"].split(",")]


def main():
    # torch at its default thread count (2 here) and at 1 thread: on a loaded 2-core machine
    # OpenMP's 2 threads can be far slower than 1, so both are reported
    default_threads = torch.get_num_threads()
    torch_ms = {name: fn() for name, fn in BENCHES}
    torch.set_num_threads(1)
    torch_1t = {name: fn() for name, fn in BENCHES}
    torch.set_num_threads(default_threads)
    ours = {}
    if "--torch-only" not in sys.argv:
        exe = os.environ.get("NBRUN_BENCH") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "nbrun-bench")
        env = dict(os.environ, NN_CLOCK="cpu") if "--cpu" in sys.argv else dict(os.environ)
        out = subprocess.run([exe, "NN"], capture_output=True, text=True, check=True, env=env).stdout
        for line in out.splitlines():
            m = re.match(r"\| (\w+) \| ([0-9.]+) \|", line)
            if m:
                ours[m.group(1)] = float(m.group(2))
    print(f"torch {torch.__version__}, load average {os.getloadavg()[0]:.1f}, "
          f"{'CPU time' if '--cpu' in sys.argv else 'wall time'}")
    print(f"| benchmark | PyTorch ms ({default_threads} threads) | PyTorch ms (1 thread) | nbrun ms | nbrun / best PyTorch |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _ in BENCHES:
        t2, t1 = torch_ms[name], torch_1t[name]
        o = ours.get(name)
        ratio = f"{o / min(t1, t2):.2f}" if o else "—"
        print(f"| {name} | {t2:.3f} | {t1:.3f} | {o if o is not None else '—'} | {ratio} |")


if __name__ == "__main__":
    main()
