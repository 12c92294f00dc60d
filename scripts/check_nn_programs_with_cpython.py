#!/usr/bin/env python3
"""Checks the `# expect:` comments of Programs/*.nn against CPython.

Programs that use nn-only features carry a `# cpython: skip` line. Cells (split at
`#---`) run in one shared globals dict; an exception stops only its own cell and its
message is compared with `# expect error:`. Run by hand when adding programs:
    python3 scripts/check_nn_programs_with_cpython.py
"""
import contextlib, io, pathlib, sys

root = pathlib.Path(__file__).parent.parent / "Tests" / "NNLangTests" / "Programs"

# nn's globals are PyTorch's names (with Python's sum/max/min/log/abs also taking tensors).
PRELUDE = """
import builtins, torch, torch.nn as nn, torch.nn.functional as F
from torch import (tensor, zeros, ones, full, arange, linspace, eye, zeros_like, ones_like, float32, float64,
    int64, exp, sqrt, sin, cos, relu, sigmoid, tanh, maximum, minimum, where, outer, cat, stack, einsum,
    softmax, log_softmax, logsumexp, mean, no_grad, enable_grad, set_printoptions, manual_seed, randn, rand,
    randint, matmul, Tensor)
from torch.nn import Parameter, Module, Linear, Sequential, ReLU, Tanh, Sigmoid, MSELoss, CrossEntropyLoss
from torch.nn.functional import mse_loss, cross_entropy, nll_loss, binary_cross_entropy
from torch.optim import SGD, Adam
from torch.autograd import grad
def _pick(name):
    def f(*a, **k):
        if a and isinstance(a[0], torch.Tensor):
            return getattr(torch, name)(*a, **k)
        return getattr(builtins, name)(*a, **k)
    return f
sum, max, min = _pick("sum"), _pick("max"), _pick("min")
log = torch.log
"""
failures = 0
for path in sorted(root.glob("*.nn")):
    text = path.read_text()
    if "# cpython: skip" in text:
        continue
    lines = text.split("\n")
    cells, current = [], []
    for i, line in enumerate(lines):
        if line.strip() == "#---":
            cells.append(current); current = []
        else:
            current.append((i + 1, line))
    cells.append(current)
    expected, expected_errors = [], []
    for line in lines:
        if "# expect: " in line:
            expected.append(line.split("# expect: ", 1)[1])
        elif line.endswith("# expect:"):
            expected.append("")
        elif "# expect error: " in line:
            expected_errors.append(line.split("# expect error: ", 1)[1])
    out = io.StringIO()
    errors = []
    env = {"__name__": "__main__"}
    if "# cpython: torch" in text:
        # nn's globals are PyTorch's names; run the program against PyTorch itself.
        exec(PRELUDE, env)
    for cell in cells:
        # Keep the file's line numbers by padding with blank lines.
        src = ""
        last = 0
        for n, l in cell:
            src += "\n" * (n - last - 1) + l + "\n"
            last = n
        try:
            code = compile(src, str(path), "exec")
            with contextlib.redirect_stdout(out):
                exec(code, env)
        except Exception as e:
            errors.append(str(e))
    actual = out.getvalue().split("\n")
    if actual and actual[-1] == "":
        actual.pop()
    if actual != expected:
        failures += 1
        print(f"{path.name}: output differs from CPython")
        for i in range(max(len(actual), len(expected))):
            a = actual[i] if i < len(actual) else "<none>"
            e = expected[i] if i < len(expected) else "<none>"
            if a != e:
                print(f"   {i}: expected {e!r}, CPython {a!r}")
    if errors != expected_errors:
        print(f"{path.name}: errors (informational): CPython {errors} vs expected {expected_errors}")
print("failures:", failures)
sys.exit(1 if failures else 0)
