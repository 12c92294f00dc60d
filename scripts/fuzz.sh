#!/bin/sh
# Runs one libFuzzer target for a given time:  scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
# TARGET: lex | parse | eval | render | cli   (docs/reliability.md describes each).
# Builds the fuzz binary if needed (release, -sanitize=fuzzer,address, into .build-fuzz/),
# regenerates the seeds (fuzz/seeds/TARGET), keeps what the fuzzer finds in fuzz/corpus/TARGET
# and writes crashes, timeouts and out-of-memory inputs to fuzz/artifacts/TARGET/.
# Set NBRUN_FUZZ_NO_BUILD=1 to use the existing binary (e.g. for a second, parallel run).
set -eu
cd "$(dirname "$0")/.."
TARGET=${1:?usage: scripts/fuzz.sh lex|parse|eval|render|cli SECONDS [libFuzzer flags...]}
SECONDS_TO_RUN=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2

case "$TARGET" in
  lex|parse) MAX_LEN=4096;  TIMEOUT=10; DICT=fuzz/nn.dict ;;
  eval)      MAX_LEN=4096;  TIMEOUT=20; DICT=fuzz/nn.dict ;;   # 4 cells x 1 s limit
  render)    MAX_LEN=16384; TIMEOUT=30; DICT=fuzz/markdown.dict ;;
  cli)       MAX_LEN=1024;  TIMEOUT=10; DICT=fuzz/cli.dict ;;
  *) echo "scripts/fuzz.sh: unknown target '$TARGET' (lex, parse, eval, render, cli)" >&2; exit 2 ;;
esac

BIN=.build-fuzz/release/nbrun-fuzz
if [ "${NBRUN_FUZZ_NO_BUILD:-0}" != 1 ]; then
  swift build -c release --product nbrun-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -target-cpu -Xswiftc native
fi

python3 scripts/make_fuzz_seeds.py "$TARGET" >/dev/null
CORPUS=fuzz/corpus/$TARGET
ARTIFACTS=fuzz/artifacts/$TARGET
mkdir -p "$CORPUS" "$ARTIFACTS" fuzz/logs

# The Swift runtime's backtracer would slow every crash down; ASan reports them.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1}
export NBRUN_FUZZ_TARGET=$TARGET
exec "$BIN" "$CORPUS" "fuzz/seeds/$TARGET" \
  -max_total_time="$SECONDS_TO_RUN" -timeout="$TIMEOUT" -max_len="$MAX_LEN" \
  -rss_limit_mb=3072 -malloc_limit_mb=2048 -dict="$DICT" \
  -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 -print_pcs=0 "$@"
