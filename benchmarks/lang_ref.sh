#!/bin/sh
# The nn interpreter against CPython 3.11 on the same programs, in one run.
# Usage: benchmarks/lang_ref.sh   (from the package root)
set -e
swift build -c release -Xswiftc -target-cpu -Xswiftc native --product nbrun-bench >/dev/null
NN=$(.build/release/nbrun-bench lang)
PY=${PYTHON:-python3.11}
python_ms() {
  $PY - "$1" <<'PYEOF'
import sys, time
programs = {
    "loop_1e6": "s = 0\nfor i in range(1000000):\n    s = s + i\n",
    "fib_25": "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(25)\n",
    "loop_in_function_1e6": "def f():\n    s = 0\n    for i in range(1000000):\n        s = s + i\n    return s\nf()\n",
    "list_comprehension_1e5": "xs = [i * 2 for i in range(100000) if i % 3 == 0]\n",
    "method_calls_1e5": "class C:\n    def __init__(self):\n        self.n = 0\n    def inc(self, k):\n        self.n = self.n + k\nc = C()\nfor i in range(100000):\n    c.inc(1)\n",
}
code = compile(programs[sys.argv[1]], "<bench>", "exec")
best = float("inf")
for _ in range(5):
    t = time.perf_counter(); exec(code, {}); best = min(best, time.perf_counter() - t)
print("%.2f" % (best * 1000))
PYEOF
}
echo "$($PY --version) vs nn ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "| program | nn (ms) | CPython (ms) | CPython / nn |"
echo "|---|---:|---:|---:|"
echo "$NN" | grep '^| [a-z]' | grep -v '^| program' | while IFS='|' read -r _ name nn _; do
  name=$(echo $name); nn=$(echo $nn)
  py=$(python_ms "$name")
  ratio=$(awk "BEGIN { printf \"%.2f\", $py / $nn }")
  echo "| $name | $nn | $py | $ratio× |"
done
