#!/usr/bin/env bash
# What a baseline costs: times 'destill analyze --no-history --format json' on the typical log
# with and without '--baseline' a second generated log (same generator, another seed), and prints
# the median of RUNS runs of each and the overhead, and the spread of the overhead over the pairs
# (one run without, then one with): on a shared machine single pairs vary widely, so the default
# takes 7 pairs. The target is at most 30% (docs/baseline.md).
#
#   bench/baseline.sh          typical.log (200 MB, seed 1) against baseline.log (200 MB, seed 5)
#
# Settings (environment): RUNS (default 7), SIZE of the baseline log (default 200M), GEN_LOGS
# (path of gen_logs.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data"
# shared/ sits beside the repository (or beside its worktrees' folder); GEN_LOGS names it otherwise.
gen="${GEN_LOGS:-$root/../shared/bench/gen_logs.py}"
[[ -f "$gen" || -n "${GEN_LOGS:-}" ]] || gen="$root/../../shared/bench/gen_logs.py"
runs="${RUNS:-7}"
size="${SIZE:-200M}"
destill="$root/bin/destill"
mkdir -p "$data"
command -v python3 >/dev/null || { echo "bench: python3 is needed to generate the logs" >&2; exit 2; }
[[ -f "$gen" ]] || { echo "bench: $gen not found (shared/ must sit beside the repository)" >&2; exit 2; }
if [[ ! -f "$data/typical.log" ]]; then
  echo "generating typical.log..." >&2
  python3 "$gen" mix --size 200M --error-rate 0.005 --seed 1 -o "$data/typical.log" >&2
fi
if [[ ! -f "$data/baseline-$size.log" ]]; then
  echo "generating baseline-$size.log..." >&2
  python3 "$gen" mix --size "$size" --error-rate 0.005 --seed 5 -o "$data/baseline-$size.log" >&2
fi

# Seconds one analysis takes (wall clock); the output is checked, then dropped.
once() {
  local start end out
  out="$(mktemp "${TMPDIR:-/tmp}/destill-baseline-bench.XXXXXX")"
  start="$(date +%s.%N)"
  "$destill" analyze --no-history --format json "$@" "$data/typical.log" >"$out" 2>/dev/null || {
    local rc=$?
    # 1 means failures were found, which is the point; anything else is a failed run.
    ((rc == 1)) || { echo "bench: destill exited $rc" >&2; rm -f "$out"; exit 1; }
  }
  end="$(date +%s.%N)"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out"
  rm -f "$out"
  echo "$end - $start" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$destill" --version >/dev/null # builds the jar first when it is missing, outside the timing
plain=(); based=()
for ((i = 1; i <= runs; i++)); do
  plain+=("$(once --no-baseline)")
  based+=("$(once --baseline "$data/baseline-$size.log")")
  echo "run $i: without ${plain[-1]} s, with ${based[-1]} s" >&2
done
p="$(median "${plain[@]}")"
b="$(median "${based[@]}")"
printf 'typical.log (%s MB), baseline %s, median of %d runs\n' \
  "$(($(stat -c %s "$data/typical.log") >> 20))" "$size" "$runs"
printf '  without --baseline  %6.2f s\n  with --baseline     %6.2f s\n  overhead            %+5.1f%%\n' \
  "$p" "$b" "$(echo "($b - $p) * 100 / $p" | bc -l)"
pairs=()
for ((i = 0; i < runs; i++)); do
  pairs+=("$(echo "(${based[i]} - ${plain[i]}) * 100 / ${plain[i]}" | bc -l)")
done
printf '  overhead by pair    median %+5.1f%%, from %+5.1f%% to %+5.1f%%\n' \
  "$(median "${pairs[@]}")" "$(printf '%s\n' "${pairs[@]}" | sort -g | head -1)" \
  "$(printf '%s\n' "${pairs[@]}" | sort -g | tail -1)"
