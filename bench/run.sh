#!/usr/bin/env bash
# Times destill against grep on generated logs, side by side in one run, and records peak RSS.
#   bench/run.sh            typical (200 MB), errorheavy (50 MB), pathological (5 MiB lines)
#   bench/run.sh --big      also a 2 GB log
#   bench/run.sh --jobs     also a directory of 200 job logs (both cores)
#   bench/run.sh --jmh      also the JMH engine benchmark (single thread, steady state)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data"
gen="$root/../shared/bench/gen_logs.py"
runs="${RUNS:-5}"
big=0; jobs=0; jmh=0
for a in "$@"; do
  case "$a" in
    --big) big=1 ;; --jobs) jobs=1 ;; --jmh) jmh=1 ;;
    *) echo "usage: bench/run.sh [--big] [--jobs] [--jmh]" >&2; exit 2 ;;
  esac
done
mkdir -p "$data"
command -v python3 >/dev/null || { echo "bench: python3 is needed to generate the logs" >&2; exit 2; }
[[ -f "$gen" ]] || { echo "bench: $gen not found (shared/ must sit beside the repository)" >&2; exit 2; }

generate() { # name md5 args...
  local name="$1" md5="$2"; shift 2
  if [[ ! -f "$data/$name" ]] || [[ -n "$md5" && "$(md5sum "$data/$name" | cut -d' ' -f1)" != "$md5" ]]; then
    echo "generating $name..." >&2
    python3 "$gen" "$@" -o "$data/$name" >&2
  fi
}
generate typical.log 226b7df21c526d0f5a141caa98759f07 mix --size 200M --error-rate 0.005 --seed 1
generate errorheavy.log b5225e55eeb687500502781421ff1398 mix --size 50M --error-rate 0.10 --seed 2
generate pathological.log ae5b07b738c6b96c679e0de1afcfcc0d patho --line-size 5M --gap-lines 2000 --seed 3
inputs=(typical.log errorheavy.log pathological.log)
if (( big )); then generate big.log "" mix --size 2G --error-rate 0.005 --seed 4; inputs+=(big.log); fi
if (( jobs )); then
  if [[ ! -d "$data/jobs" ]]; then
    mkdir -p "$data/jobs" && split -n l/200 -d -a 3 "$data/typical.log" "$data/jobs/job-"
  fi
  inputs+=(jobs)
fi
"$root/bin/destill" --version >/dev/null   # builds the jar when missing

peak_rss_mb() { # command... ; prints "seconds rss_mb"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.0f\n", $1, $2/1024}'
  else
    local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) ?"
  fi
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "%-18s %9s %10s %10s %8s %9s %9s\n" input MB destill_s grep_s ratio MB_per_s rss_MB
for input in "${inputs[@]}"; do
  path="$data/$input"
  mb=$(du -sm "$path" | cut -f1)
  d_times=(); g_times=(); rss=0
  for _ in $(seq "$runs"); do
    read -r t r < <(peak_rss_mb "$root/bin/destill" analyze --no-history --format json "$path")
    d_times+=("$t"); [[ "$r" != "?" && "$r" -gt "$rss" ]] && rss=$r
    if [[ -d "$path" ]]; then
      gs=$( { /usr/bin/time -f "%e" grep -r -c -i -E 'error|fatal|panic|exception|failed' "$path" > /tmp/destill-bench-grep.out; } 2>&1 | tail -1)
    else
      gs=$( { /usr/bin/time -f "%e" grep -c -i -E 'error|fatal|panic|exception|failed' "$path" > /tmp/destill-bench-grep.out; } 2>&1 | tail -1)
    fi
    g_times+=("$gs")
  done
  dm=$(printf "%s\n" "${d_times[@]}" | median)
  gm=$(printf "%s\n" "${g_times[@]}" | median)
  ratio=$(awk -v d="$dm" -v g="$gm" 'BEGIN {printf "%.1f", (g > 0 ? d / g : 0)}')
  mbps=$(awk -v m="$mb" -v d="$dm" 'BEGIN {printf "%.0f", (d > 0 ? m / d : 0)}')
  printf "%-18s %9s %10s %10s %8s %9s %9s\n" "$input" "$mb" "$dm" "$gm" "${ratio}x" "$mbps" "$rss"
done
echo
echo "reference Go analyzer (shared/bench/README.md): typical 17.9 s / 822 MB RSS, errorheavy 13.1 s"

if (( jmh )); then
  source "$root/bin/find-jdk"
  jdk="$(destill_find_jdk)" || exit 1
  (cd "$root" && bin/mvn -q -B -Pbench -DskipTests package -pl bench -am)
  (cd "$root/bench" && "$jdk/bin/java" -jar target/benchmarks.jar 'ScannerBenchmark.scan$' \
      -p file=data/typical.log,data/errorheavy.log,data/pathological.log -wi 2 -i 3 -f 1)
fi
