#!/usr/bin/env bash
# End-to-end test of the terminal UI: drives the real `destill` in tmux (send-keys, capture-pane)
# on a bundled example and checks the screen after each step. Needs tmux and less; exits 0 when
# all pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in tmux less; do
  command -v "$tool" >/dev/null || { echo "tui-e2e: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
sock="destill-e2e-$$"
home="$(mktemp -d)"
t() { tmux -L "$sock" "$@"; }
cleanup() { t kill-server >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT

log="examples/github-maven-compile-error.log"
ui=main
# start NAME COMMAND...: runs a command in its own 80x24 session; its exit code shows after it.
start() {
  ui="$1"
  shift
  t new-session -d -s "$ui" -x 80 -y 24 -c "$root" \
    "env TERM=xterm-256color NO_COLOR=1 PAGER=less DESTILL_HOME=$home $*; echo \"EXIT=\$?\"; sleep 60"
}
screen() { t capture-pane -p -t "$ui" 2>/dev/null || true; }
expect() { # expect STEP PATTERN [SECONDS]: wait up to 30 s for PATTERN (fixed string) on the screen
  local step="$1" pattern="$2" seconds="${3:-30}"
  for _ in $(seq 1 $((seconds * 5))); do
    if screen | grep -qF -- "$pattern"; then echo "ok   $step"; return 0; fi
    sleep 0.2
  done
  echo "FAIL $step: '$pattern' not on screen:" >&2
  screen >&2
  exit 1
}
absent() { # absent STEP PATTERN: PATTERN is not on the screen now
  if screen | grep -qF -- "$2"; then
    echo "FAIL $1: '$2' is on screen:" >&2
    screen >&2
    exit 1
  fi
  echo "ok   $1"
}
keys() { t send-keys -t "$ui" "$@"; sleep 0.4; }

start main bin/destill analyze "$log"
expect "opens on the example"          "destill  $log"
expect "ranks the compile error first" "T1 0.99"
expect "shows the block in the detail" "43 │ [ERROR] /home/runner/work/shop-service"
expect "cuts paths to the file name"   "[ERROR] …/CartService.java:[87,29] cannot"
absent "has no job column for one job" "-B -ntp verify"
keys j
expect "moves down"                    "detail 2/"
keys k
expect "moves up"                      "detail 1/"
keys / C O M P I L A T I O N
expect "shows the search prompt"       "/COMPILATION"
expect "counts matches while typing"   "1/3 (3 findings)"
keys Enter
expect "keeps the count after Enter"   "'COMPILATION' 1/3 (3 findings)"
expect "selects the match"             "detail 2/"
keys n
expect "goes to the next match"        "'COMPILATION' 2/3"
keys Escape
expect "clears the search"             "q quit"
keys / R e c o m p i l i n g Enter
expect "searches the whole log"        "'Recompiling' 1/1 (0 findings, 1 log line)"
expect "shows the log line"            "37 │ [INFO] Recompiling the module"
keys Escape
keys 1
expect "filters to tier 1"             "[tier 1]"
keys f
expect "opens the filter picker"       "┌ filter findings"
expect "lists the jobs with counts"    "job: $log"
keys End Enter
expect "clears filters from the picker" "no filter"
keys '?'
expect "shows help"                    "Home/End, g/G"
expect "says how to close the help"    "q, Esc or ? close the help"
keys q
expect "q closes the help, not the UI" "T1 0.99"
absent "help is gone"                  "Home/End, g/G"
keys Tab
expect "focuses the detail"            "detail (focused)"
expect "hints change with the focus"   "Tab list"
keys Tab Enter
expect "hints change when expanded"    "Enter/Esc collapse"
keys Escape
keys o
expect "opens the log in less"         "2026-03-14T09:21"
keys q
expect "redraws after the pager"       "── detail 1/"
expect "header is back"                "destill  $log"
expect "list is back"                  "T1 0.89"
tty="$(t display -p -t "$ui" '#{pane_tty}')"
printf '\033[5;1HGARBAGE GARBAGE GARBAGE' > "$tty"
expect "garbage on screen"             "GARBAGE"
keys C-l
absent "Ctrl-L redraws"                "GARBAGE"
t resize-window -t "$ui" -x 40 -y 10
expect "says the terminal is too small" "terminal too small"
t resize-window -t "$ui" -x 80 -y 24
expect "redraws after the resize"      "── detail 1/"
absent "leaves no note behind"         "terminal too small"
keys q
expect "quits with 0"                  "EXIT=0"

id="$(env DESTILL_HOME="$home" bin/destill history | awk '/^req-/ {print $1; exit}')"
[[ -n "$id" ]] || { echo "FAIL history: no request id" >&2; exit 1; }
start view bin/destill view "$id"
expect "view counts the failed job"    "jobs 1 (1 failed)"
keys C-c
expect "Ctrl-C exits with 130"         "EXIT=130"

start stdin bin/destill analyze -
expect "refuses a terminal as stdin"   "which is this terminal: pipe a log"
expect "with a usage error"            "EXIT=2"
start piped "bash -c 'cat $log | bin/destill analyze --top 1 -'"
expect "a pipe into - still works"     "#1  tier 1  0.99"
expect "and exits 0"                   "EXIT=0"
start typed bin/destill analyze --no-tui -
expect "says it reads standard input"  "reading standard input (Ctrl-D to end"
keys "npm ERR! code ELIFECYCLE" Enter C-d
expect "analyzes what was typed"       "npm ERR! code ELIFECYCLE"
expect "then exits"                    "EXIT=0"

live="$home/live.log"
printf '[INFO] old line, before the watch\n' > "$live"
start watch bin/destill watch "$live"
expect "watch opens on the file"       "watch $live"
printf '[INFO] Compiling 3 files\n[ERROR] /src/App.java:[3,8] cannot find symbol\n[INFO] BUILD FAILURE\n' >> "$live"
expect "shows a finding as it is written" "cannot find symbol" 60
mv "$live" "$live.1"
printf 'npm ERR! code ELIFECYCLE\n' > "$live"
expect "follows the file across a rotation" "npm ERR! code ELIFECYCLE" 60
keys C-c
expect "watch exits 130 on Ctrl-C"     "EXIT=130"

big="$home/big.log"
{ for _ in $(seq 1 8); do cat "$log"; done; } > "$home/some.log"
for _ in $(seq 1 600); do cat "$home/some.log"; done > "$home/part.log" # 23 MB
# 140 MB: long enough to read (well over the half second before a rate shows) on a fast machine.
for _ in $(seq 1 6); do cat "$home/part.log"; done > "$big"
rm -f "$home/part.log"
start big bin/destill analyze "$big"
expect "shows bytes read and the rate" " MB/s"
expect "says the counts are provisional" "provisional until ranked"
expect "finishes"                      "unique)  sort:" 120
absent "counts are final when done"    "provisional"
keys q
expect "quits the big log"             "EXIT=0"
echo "ok   quits"
