#!/usr/bin/env python3
"""float32 GEMM: nbrun's kernel vs NumPy/OpenBLAS and PyTorch, measured in the same run.

Runs the release-built `nbrun-bench GEMM` (build it first, see docs/benchmarks.md),
parses its table, times `a @ b` in NumPy and PyTorch (if importable) for the same sizes on
1 and 2 threads, and prints GFLOPS and ratios. Each reference runs in a subprocess with
the thread count fixed through the environment and without OPENBLAS_CORETYPE /
OPENBLAS_L2_SIZE, so the library picks its own kernel for this CPU. With --rounds R the
whole comparison is repeated R times, interleaved, keeping each cell's best (timings on
the shared 2-core machine vary between runs).

Usage: python3 benchmarks/gemm_ref.py [--binary PATH] [--sizes 64,128,...] [--rounds R]
"""
import argparse
import json
import os
import re
import subprocess
import sys

SIZES = [64, 128, 256, 512, 1024, 2048]
THREADS = [1, 2]

# The timing rule shared by the child programs below (and benchmarks/gemm_paired.py): after one
# warm-up call, repeats double until a sample lasts 50 ms; the best of five samples counts.
BEST_SECONDS = r"""
import time
def best_seconds(run):
    run()
    repeats = 1
    while True:
        t = time.perf_counter()
        for _ in range(repeats):
            run()
        if time.perf_counter() - t >= 0.05:
            break
        repeats *= 2
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - t) / repeats)
    return best
"""

# Timed in a child process so each thread count gets a fresh library state.
TIMER = BEST_SECONDS + r"""
import json, sys
lib, threads, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")]
import numpy as np
if lib == "torch":
    import torch
    torch.set_num_threads(threads)
results = {}
for n in sizes:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    if lib == "torch":
        a, b = torch.from_numpy(a), torch.from_numpy(b)
        out = torch.empty(n, n)
        run = lambda: torch.mm(a, b, out=out)
    else:
        out = np.empty((n, n), dtype=np.float32)
        run = lambda: np.matmul(a, b, out=out)
    results[n] = 2 * n**3 / best_seconds(run) / 1e9
print(json.dumps(results))
"""


def reference_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    return env


def run_reference(lib, threads, sizes):
    proc = subprocess.run(
        [sys.executable, "-c", TIMER, lib, str(threads), ",".join(map(str, sizes))],
        env=reference_env(threads), capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"# {lib} failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return {int(k): v for k, v in json.loads(proc.stdout).items()}


def run_swift(binary, sizes):
    env = dict(os.environ, GEMM_SIZES=",".join(map(str, sizes)))
    out = subprocess.run([binary, "GEMM"], env=env, capture_output=True, text=True, check=True).stdout
    results = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d+", cells[0]):
            n = int(cells[0])
            results[(n, 1)] = float(cells[1])
            results[(n, 2)] = float(cells[2])
    return results


def torch_available():
    return subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/nbrun-bench")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    libs = ["numpy"] + (["torch"] if torch_available() else [])

    best = {}  # (lib, n, threads) -> GFLOPS
    def keep(lib, n, threads, value):
        key = (lib, n, threads)
        best[key] = max(best.get(key, 0.0), value)

    for _ in range(args.rounds):
        for (n, threads), value in run_swift(args.binary, sizes).items():
            keep("nbrun", n, threads, value)
        for lib in libs:
            for threads in THREADS:
                result = run_reference(lib, threads, sizes)
                for n, value in (result or {}).items():
                    keep(lib, n, threads, value)

    header = "| n | threads | nbrun GFLOPS |" + "".join(f" {lib} GFLOPS | nbrun/{lib} |" for lib in libs)
    print(header)
    print("|" + "---:|" * (header.count("|") - 1))
    for threads in THREADS:
        for n in sizes:
            ours = best.get(("nbrun", n, threads), 0.0)
            row = f"| {n} | {threads} | {ours:.1f} |"
            for lib in libs:
                ref = best.get((lib, n, threads))
                row += f" {ref:.1f} | {ours / ref:.2f} |" if ref else " – | – |"
            print(row)


if __name__ == "__main__":
    main()
