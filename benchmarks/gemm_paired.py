#!/usr/bin/env python3
"""Paired float32 GEMM comparison on 2 threads: nbrun against PyTorch, back to back, many times.

On these shared virtual machines a core's speed changes from one second to the next (another
tenant on the host), so a whole-sweep comparison (gemm_ref.py) can put nbrun in a slow second
and PyTorch in a fast one. This script alternates short measurements of the two for one size
at a time (PyTorch in a long-lived child process, nbrun-bench started per sample) and reports
the ratio of each adjacent pair, its median and its spread, plus each side's best.

Usage: python3 benchmarks/gemm_paired.py [--binary PATH] [--sizes 256,512,1024,2048]
                                         [--pairs 8] [--threads 2]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from gemm_ref import BEST_SECONDS

CHILD = BEST_SECONDS + r"""
import sys, torch
torch.set_num_threads(int(sys.argv[1]))
for line in sys.stdin:
    n = int(line)
    a, b, out = torch.randn(n, n), torch.randn(n, n), torch.empty(n, n)
    print(2 * n ** 3 / best_seconds(lambda: torch.mm(a, b, out=out)) / 1e9, flush=True)
"""


def nbrun_gflops(binary, n, threads):
    env = dict(os.environ, GEMM_SIZES=str(n), GEMM_THREADS=str(threads))
    out = subprocess.run([binary, "GEMM"], env=env, capture_output=True, text=True, check=True).stdout
    row = [line for line in out.splitlines() if line.startswith(f"| {n} |")][-1]
    return float(row.strip("|").split("|")[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/nbrun-bench")
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(args.threads)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def torch_gflops(n):
        child.stdin.write(f"{n}\n")
        child.stdin.flush()
        value = float(child.stdout.readline())
        time.sleep(0.3)  # let PyTorch's OpenMP workers stop spinning before nbrun runs
        return value

    print(f"float32 GEMM, {args.threads} threads, {args.pairs} adjacent pairs per size "
          f"(ratio = nbrun GFLOPS / PyTorch GFLOPS)")
    print("| n | nbrun best | PyTorch best | ratio of bests | median pair ratio | pair ratios (min–max) |")
    print("|---:|---:|---:|---:|---:|---|")
    for n in [int(s) for s in args.sizes.split(",")]:
        ours, theirs, ratios = [], [], []
        for i in range(args.pairs):
            # Alternate which side goes first, so neither always follows the other.
            if i % 2 == 0:
                t = torch_gflops(n)
                o = nbrun_gflops(args.binary, n, args.threads)
            else:
                o = nbrun_gflops(args.binary, n, args.threads)
                t = torch_gflops(n)
            ours.append(o)
            theirs.append(t)
            ratios.append(o / t)
        print(f"| {n} | {max(ours):.1f} | {max(theirs):.1f} | {max(ours) / max(theirs):.2f} | "
              f"{statistics.median(ratios):.2f} | {min(ratios):.2f}–{max(ratios):.2f} |", flush=True)
    child.stdin.close()
    child.wait()


if __name__ == "__main__":
    main()
