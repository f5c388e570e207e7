#!/bin/sh
# The first result of a fresh JVM, as a CLI user sees it: wall time of the whole `./wasmbox run -e ...`
# process (JVM start to exit) per language, RUNS times each, in three launcher configurations:
#   launcher   ./wasmbox as shipped: the JIT flags, the AOT cache its training run wrote, huge pages
#   no-cache   the same without the AOT cache (WASMBOX_AOT=0)
#   jit-only   the JIT flags alone (WASMBOX_JAVA_OPTS set, WASMBOX_AOT=0): the launcher before 2026-12-01
#   benchmarks/first-result.sh [RUNS]   # default 5; prints a Markdown table (median, min-max, seconds)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
./wasmbox languages >/dev/null # builds the CLI and trains its cache if needed, outside the timings
JIT="-XX:-DontCompileHugeMethods -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000"
wall() { # config language code -> seconds of one run
  start=$(date +%s%N)
  case "$1" in
    launcher) ./wasmbox run -e "$3" --lang "$2" >/dev/null 2>&1 ;;
    no-cache) WASMBOX_AOT=0 ./wasmbox run -e "$3" --lang "$2" >/dev/null 2>&1 ;;
    jit-only) WASMBOX_AOT=0 WASMBOX_JAVA_OPTS="$JIT" ./wasmbox run -e "$3" --lang "$2" >/dev/null 2>&1 ;;
  esac
  echo "$(( $(date +%s%N) - start ))" | awk '{printf "%.2f\n", $1 / 1e9}'
}
echo "| language | launcher (s) | no-cache (s) | jit-only (s) |"
echo "|---|--:|--:|--:|"
for lang in typescript javascript python; do
  case "$lang" in
    typescript) code='const x: number = 20; x + 22' ;;
    javascript) code='20 + 22' ;;
    python) code='print(20 + 22)' ;;
  esac
  row="| $lang"
  for config in launcher no-cache jit-only; do
    times=$(i=0; while [ "$i" -lt "$RUNS" ]; do wall "$config" "$lang" "$code"; i=$((i + 1)); done | sort -n)
    median=$(echo "$times" | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
    range=$(echo "$times" | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}')
    row="$row | $median ($range)"
  done
  echo "$row |"
done
