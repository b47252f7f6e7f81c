#!/usr/bin/env bash
# End-to-end test of the terminal UI: drives the real `destill` in tmux (send-keys, capture-pane)
# on a bundled example and checks the screen after each step. Needs tmux; exits 0 when all pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v tmux >/dev/null || { echo "tui-e2e: tmux is not installed (apt-get install tmux)" >&2; exit 2; }
sock="destill-e2e-$$"
home="$(mktemp -d)"
t() { tmux -L "$sock" "$@"; }
cleanup() { t kill-server >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT

log="examples/github-maven-compile-error.log"
t new-session -d -s ui -x 80 -y 24 -c "$root" \
  "env TERM=xterm-256color NO_COLOR=1 PAGER=cat DESTILL_HOME=$home bin/destill analyze $log; sleep 2"

screen() { t capture-pane -p -t ui 2>/dev/null || true; }
expect() { # expect STEP PATTERN: wait up to 30 s for PATTERN (fixed string) on the screen
  local step="$1" pattern="$2"
  for _ in $(seq 1 150); do
    if screen | grep -qF -- "$pattern"; then echo "ok   $step"; return 0; fi
    sleep 0.2
  done
  echo "FAIL $step: '$pattern' not on screen:" >&2
  screen >&2
  exit 1
}
keys() { t send-keys -t ui "$@"; sleep 0.4; }

expect "opens on the example"        "destill  $log"
expect "ranks the compile error first" "T1 0.99"
expect "shows the block in the detail" "43 │ [ERROR] /home/runner/work/shop-service"
keys j
expect "moves down"                  "detail 2/"
keys k
expect "moves up"                    "detail 1/"
keys / C O M P I L A T I O N
expect "shows the search prompt"     "/COMPILATION"
keys Enter
expect "finds the matches"           "matches for 'COMPILATION'"
expect "selects the match"           "detail 2/"
keys 1
expect "filters to tier 1"           "[tier 1]"
keys f
expect "opens the filter keys"       "filter: j job, e severity, t tier, c clear"
keys c
expect "clears filters"              "no filter"
keys '?'
expect "shows help"                  "Keys"
keys '?'
keys Tab
expect "focuses the detail"          "detail (focused)"
keys q
for _ in $(seq 1 50); do
  if ! screen | grep -qF "destill  $log"; then echo "ok   quits"; exit 0; fi
  sleep 0.2
done
echo "FAIL quits: the UI is still on screen" >&2
screen >&2
exit 1
