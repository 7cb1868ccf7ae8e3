#!/usr/bin/env bash
# Benchmarks/restart-ab.sh: dealsd's restart time on one data directory, two builds alternated (A B A B ...).
#
# Each run copies the master directory (so every start reads the same snapshot and log: dealsd would otherwise
# write a new snapshot when it stops), starts dealsd on it, and times the start until GetInfo answers
# (`dealbench --probe`). It prints the wall time, the CPU time dealsd used until then (from /proc, the figure to
# read on a busy machine) and its RSS per deal; dealsd is then killed (SIGKILL: no shutdown snapshot).
#
# Usage: Benchmarks/restart-ab.sh --master DIR --a BINDIR --b BINDIR [--client BINDIR] [--rounds N]
#                                 [--env-b "VAR=value ..."] [--perf-b]
#   --master  a store directory (what dealsd keeps in <data-dir>/store, or a dealstore-bench directory); never
#             changed
#   --client  where dealbench is taken from (default: --b's)
#   --env-b   extra environment for side B's dealsd only (e.g. MALLOC_TOP_PAD_=67108864)
#   --perf-b  record `perf record -g` of side B's starts (kept in the work directory)
# Every process started here is stopped by pid; only 127.0.0.1 is used.
set -euo pipefail

master=""
a=""
b=""
client=""
rounds=3
env_b=""
perf_b=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --a) a="$2"; shift 2 ;;
    --b) b="$2"; shift 2 ;;
    --client) client="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --env-b) env_b="$2"; shift 2 ;;
    --perf-b) perf_b=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$master" && -n "$a" && -n "$b" ]] || { echo "--master, --a and --b are required" >&2; exit 2; }
client="${client:-$b}"
ticks="$(getconf CLK_TCK)"

work="$(mktemp -d -t dealrestart.XXXXXX)"
server_pid=""
stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$server_pid"; server_pid=""; rm -rf "$work"/data; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# restart-ab.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) master=$master a=$a b=$b rounds=$rounds env_b=\"$env_b\"" \
  "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""

# A development CA and tokens made once, by side A on an empty directory, then copied into every run's directory,
# so that no start spends time generating keys.
mkdir -p "$work/seed"
"$a/dealsd" serve --data-dir "$work/seed" --listen 127.0.0.1:0 --fsync none --log-level warning \
  >"$work/seed.out" 2>&1 &
server_pid=$!
for _ in $(seq 300); do grep -q '^dealsd is serving on' "$work/seed.out" && break; sleep 0.2; done
stop_pid "$server_pid"; server_pid=""

run_side() { # run_side SIDE BINDIR ROUND
  local side="$1" bin="$2" round="$3" data="$work/data"
  rm -rf "$data"
  mkdir -p "$data"
  # dealsd keeps the store in <data-dir>/store, beside its CA and tokens.
  cp -r "$master" "$data/store"
  find "$work/seed" -maxdepth 1 -type f -exec cp {} "$data/" \;
  sync
  local environment=()
  [[ "$side" == b && -n "$env_b" ]] && read -r -a environment <<<"$env_b"
  : >"$work/dealsd.out"
  local t0 t1
  t0=$(date +%s.%N)
  env "${environment[@]}" "$bin/dealsd" serve --data-dir "$data" --listen 127.0.0.1:0 --fsync none \
    --log-level warning >"$work/dealsd.out" 2>"$work/dealsd-$side-$round.log" &
  server_pid=$!
  local perf_pid=""
  if [[ -n "$perf_b" && "$side" == b ]]; then
    perf record -g -o "$work/perf-b-$round.data" -p "$server_pid" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  local addr=""
  for _ in $(seq 1200); do
    addr="$(sed -n 's/^dealsd is serving on \([0-9.]*:[0-9]*\).*/\1/p' "$work/dealsd.out" | head -1)"
    [[ -n "$addr" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n "$addr" ]] || { echo "dealsd ($side) did not start" >&2; cat "$work/dealsd-$side-$round.log" >&2; exit 1; }
  local probe
  probe="$(timeout 300 "$client/dealbench" --addr "$addr" --ca "$data/ca.pem" --probe)"
  t1=$(date +%s.%N)
  local stat cpu rss deals
  read -r -a stat <"/proc/$server_pid/stat"
  cpu="$(awk -v u="${stat[13]}" -v s="${stat[14]}" -v t="$ticks" 'BEGIN {printf "%.2f", (u + s) / t}')"
  rss="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
  deals="$(sed -n 's/.*deals=//p' <<<"$probe")"
  if [[ -n "$perf_pid" ]]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  stop_pid "$server_pid"; server_pid=""
  echo "restart side=$side round=$round deals=$deals serving_after_s=$(awk -v a="$t0" -v b="$t1" \
    'BEGIN {printf "%.2f", b - a}') cpu_s=$cpu rss_kb=$rss bytes_per_deal=$(( rss * 1024 / (deals > 0 ? deals : 1) ))" \
    "load=$(cut -d' ' -f1 /proc/loadavg)"
}

for round in $(seq "$rounds"); do
  run_side a "$a" "$round"
  run_side b "$b" "$round"
done
rm -rf "$work/data"
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg); work directory: $work"
