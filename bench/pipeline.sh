#!/usr/bin/env bash
# End-to-end throughput of distributed mode: MB of job logs per second from 'destill submit' to
# the findings in PostgreSQL, with one and then two analyze agents (one ingest and one sink agent
# each time, all separate 'destill agent' processes).
#
#   bench/pipeline.sh            200 MB generated log (gen_logs.py mix, seed 1) as 8 builds
#
# Chunks are keyed by build, job and chunk index, so even one build's chunks spread over the
# analyze agents. The log is served as BUILDS builds (default 8; BUILDS=1 for one big build) of
# one job each, every job a consecutive slice of the log.
#
# Settings (environment):
#   BUILDS                 how many builds the log is split into (default 8)
#   SIZE                   size of the generated log (default 200M)
#   DESTILL_KAFKA_BROKERS  use this Kafka (and DESTILL_POSTGRES_URL) instead of starting
#                          scripts/dev-cluster.sh (which is stopped again at the end)
#   BENCH_METRICS_PORT     first agent metrics port (default 18081; one per agent after it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data"
gen="$root/../shared/bench/gen_logs.py"
builds="${BUILDS:-8}"
size="${SIZE:-200M}"
port="${BENCH_METRICS_PORT:-18081}"
destill="$root/bin/destill"
work="$(mktemp -d "${TMPDIR:-/tmp}/destill-pipeline-bench.XXXXXX")"
pids=()
started_cluster=0

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if ((started_cluster)); then
    "$root/scripts/dev-cluster.sh" stop >&2 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v python3 >/dev/null || die "python3 is needed to generate and serve the logs"
command -v curl >/dev/null || die "curl is needed to wait for the agents"
[[ -f "$gen" ]] || die "$gen not found (shared/ must sit beside the repository)"
[[ "$builds" =~ ^[1-9][0-9]*$ ]] || die "BUILDS must be a positive number, was '$builds'"

# --- the jar, the log, the cluster --------------------------------------------------------------
"$destill" --version >/dev/null
mkdir -p "$data"
log="$data/pipeline-$size.log"
if [[ ! -f "$log" ]]; then
  say "generating $log..."
  python3 "$gen" mix --size "$size" --error-rate 0.005 --seed 1 -o "$log" >&2
fi
mkdir -p "$work/jobs"
split -n "l/$builds" -d -a 3 "$log" "$work/jobs/job-"
total_bytes=$(stat -c %s "$log")

if [[ -z "${DESTILL_KAFKA_BROKERS:-}" ]]; then
  say "starting Kafka and PostgreSQL with scripts/dev-cluster.sh"
  exports="$("$root/scripts/dev-cluster.sh" start)"
  started_cluster=1
  eval "$exports"
fi
[[ -n "${DESTILL_POSTGRES_URL:-}" ]] || die "set DESTILL_POSTGRES_URL too when DESTILL_KAFKA_BROKERS is set"
export DESTILL_KAFKA_BROKERS DESTILL_POSTGRES_URL

# --- a fake Buildkite API: build N of pipeline bench/logs has one failed job, slice N % BUILDS --
python3 - "$work/jobs" "$work/api-port" <<'EOF' >"$work/api.log" 2>&1 &
import json, os, re, shutil, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

jobs = sorted(os.path.join(sys.argv[1], f) for f in os.listdir(sys.argv[1]))
BUILD = re.compile(r"^/v2/organizations/bench/pipelines/logs/builds/(\d+)(/.*)?$")

class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        m = BUILD.match(self.path.split("?")[0])
        if not m:
            return self.reply(404, b'{"message":"not found"}', "application/json")
        n, rest = int(m.group(1)), m.group(2) or ""
        if rest == "":
            build = {"id": "bench-%d" % n, "number": n, "state": "failed",
                     "web_url": "https://buildkite.com/bench/logs/builds/%d" % n,
                     "jobs": [{"id": "job-%d" % n, "type": "script", "name": "build %d" % n,
                               "state": "failed", "exit_status": 1}]}
            return self.reply(200, json.dumps(build).encode(), "application/json")
        if rest == "/artifacts":
            return self.reply(200, b"[]", "application/json")
        if rest == "/jobs/job-%d/log.txt" % n:
            path = jobs[n % len(jobs)]
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(os.path.getsize(path)))
            self.end_headers()
            with open(path, "rb") as f:
                shutil.copyfileobj(f, self.wfile, 1 << 20)
            return
        self.reply(404, b'{"message":"not found"}', "application/json")

    def reply(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
pids+=($!)
for _ in $(seq 100); do [[ -f "$work/api-port" ]] && break; sleep 0.1; done
[[ -f "$work/api-port" ]] || die "the fake Buildkite API did not start: see $work/api.log"
export BUILDKITE_API_URL="http://127.0.0.1:$(cat "$work/api-port")/v2"
export BUILDKITE_API_TOKEN=bench-token

# --- agents -------------------------------------------------------------------------------------
agent_pid=""
start_agent() { # kind; sets agent_pid
  local kind="$1" p=$((port++))
  DESTILL_METRICS_PORT="$p" DESTILL_METRICS_HOST=127.0.0.1 \
    "$destill" agent "$kind" >"$work/agent-$kind-$p.log" 2>&1 &
  agent_pid=$!
  agent_port=$p
  pids+=("$agent_pid")
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$p/ready" >/dev/null 2>&1; do
    kill -0 "$agent_pid" 2>/dev/null || die "the $kind agent exited: $(tail -3 "$work/agent-$kind-$p.log")"
    ((SECONDS < deadline)) || die "the $kind agent was not ready within 60 s"
    sleep 0.2
  done
}

stop_agent() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Submits every build and waits until all are complete. Prints "wall pipeline": the seconds from
# the first submit command to the last completion as the shell saw them, and the seconds from the
# first request's creation to the last request's last update as PostgreSQL recorded them.
run() { # first-build-number
  local first="$1" ids=() n start end
  start=$(date +%s.%N)
  # One 'destill submit' takes seconds (a JVM, a Kafka connection): submit all at once, so that
  # the agents see the builds together rather than one every few seconds. No baseline: this
  # measures the pipeline itself, as the figures in docs/performance.md did before baselines.
  local subs=()
  for ((n = first; n < first + builds; n++)); do
    "$destill" submit --no-baseline "https://buildkite.com/bench/logs/builds/$n" >"$work/id-$n" 2>>"$work/submit.log" &
    subs+=($!)
  done
  for pid in "${subs[@]}"; do
    wait "$pid" || die "a submit failed: $(tail -3 "$work/submit.log")"
  done
  for ((n = first; n < first + builds; n++)); do
    ids+=("$(cat "$work/id-$n")")
  done
  for id in "${ids[@]}"; do
    if ! "$destill" status "$id" --wait 1800 >"$work/status" 2>&1; then
      die "request $id did not complete: $(cat "$work/status")"
    fi
  done
  end=$(date +%s.%N)
  : >"$work/statuses"
  for id in "${ids[@]}"; do
    "$destill" status "$id" --json | tee -a "$work/statuses" >&2
  done
  python3 - "$work/statuses" "$start" "$end" <<'PY'
import json, sys
from datetime import datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
pipeline = max(t(r["updated"]) for r in rows) - min(t(r["created"]) for r in rows)
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} {pipeline:.2f}")
PY
}

say "log: $log ($((total_bytes / 1024 / 1024)) MiB) as $builds builds; $(nproc) cores"
start_agent sink
start_agent ingest

results=()
for agents in 1 2; do
  analyze=()
  analyze_ports=()
  for ((i = 0; i < agents; i++)); do
    start_agent analyze
    analyze+=("$agent_pid")
    analyze_ports+=("$agent_port")
  done
  sleep 3 # let the analyze group settle its partitions before the first chunk arrives
  say "run with $agents analyze agent(s)..."
  read -r wall pipeline < <(run $((agents * 1000))) || true
  [[ -n "${pipeline:-}" ]] || die "the run with $agents analyze agent(s) failed"
  mb=$(python3 -c "print(f'{$total_bytes / 1e6:.0f}')")
  results+=("$(python3 -c "print(f'$agents analyze agent(s): $mb MB in {$pipeline:.1f} s = {$total_bytes / 1e6 / $pipeline:.1f} MB/s (wall time with the CLI: {$wall:.1f} s = {$total_bytes / 1e6 / $wall:.1f} MB/s)')")")
  # Where an analyze agent's time went: its polls (up to 4 chunks each), mean time poll to commit.
  for p in "${analyze_ports[@]}"; do
    curl -fsS "http://127.0.0.1:$p/metrics" | python3 -c '
import re, sys
text = sys.stdin.read()
def value(name):
    m = re.search(r"^" + name + r"(\{[^}]*\})? ([0-9.eE+-]+)$", text, re.M)
    return float(m.group(2)) if m else 0.0
n, total = value("destill_batch_seconds_count"), value("destill_batch_seconds_sum")
mean = total / n * 1000 if n else 0
print(f"bench:   analyze agent on port '"$p"': {n:.0f} polls, {mean:.1f} ms each from poll to commit", file=sys.stderr)
' || true
  done
  for pid in "${analyze[@]}"; do stop_agent "$pid"; done
done

echo "destill pipeline, submit -> complete in PostgreSQL ($builds builds, $(nproc) cores):"
for r in "${results[@]}"; do echo "  $r"; done
