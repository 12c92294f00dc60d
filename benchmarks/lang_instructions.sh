#!/bin/sh
# Load-independent companion of lang_ref.sh: instructions executed (valgrind's callgrind)
# by nn and by CPython 3.11 for each benchmark program, per run, start-up subtracted.
# Instructions are not time (CPython runs more instructions per cycle than our
# reference-counted tree walker), but they do not change with the machine's load.
# Valgrind 3.19 cannot decode AVX-512, so nn is built for haswell in its own folder.
# Usage: benchmarks/lang_instructions.sh   (from the package root; takes a few minutes)
set -e
SCRATCH=${SCRATCH:-/tmp/nbrun-lang-haswell}
swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --scratch-path "$SCRATCH" --product nbrun-bench >/dev/null
NN="$SCRATCH/release/nbrun-bench"
# The interpreter itself, not a pyenv shim (a shell script: callgrind would count the shell).
PY=${PYTHON:-$(python3.11 -c "import sys; print(sys.executable)")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The programs, from lang_ref.sh (one source of truth).
$PY - "$WORK" <<'PYEOF'
import re, sys, pathlib
text = pathlib.Path("benchmarks/lang_ref.sh").read_text()
for name, code in re.findall(r'^    "(\w+)": "(.*)",$', text, re.M):
    pathlib.Path(sys.argv[1], name + ".py").write_text(code.encode().decode("unicode_escape"))
PYEOF
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,; }
nn_base=$(NN_BENCH_ONLY=none count "$NN" lang)
py_base=$(count $PY -c pass)
echo "instructions per run, millions ($($PY --version), callgrind, $(date -u +%Y-%m-%dT%H:%MZ))"
echo "| program | nn | CPython | CPython / nn |"
echo "|---|---:|---:|---:|"
for file in "$WORK"/*.py; do
  name=$(basename "$file" .py)
  nn=$(( ($(NN_BENCH_ONLY=$name count "$NN" lang) - nn_base) / 5 ))  # nbrun-bench runs each program 5 times
  py=$(( $(count $PY "$file") - py_base ))
  awk "BEGIN { printf \"| %s | %.1f | %.1f | %.2f× |\n\", \"$name\", $nn / 1e6, $py / 1e6, $py / $nn }"
done
