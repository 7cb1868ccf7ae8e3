#!/usr/bin/env bash
# Benchmarks/ab.sh: one dealbench point against two dealsd builds, alternated (A B A B ...), each round on a fresh
# dealsd with a fresh data directory, so a busy machine's drift hits both sides alike. Nothing is built here: pass
# the two release bin directories (e.g. a baseline worktree's .build/release and this one's).
#
# Usage: Benchmarks/ab.sh --a BINDIR --b BINDIR [--client BINDIR] [--rounds N] [--preload N] [--fsync MODE]
#                         [--duration S] [--warmup S] [--op "OP ..."] [--matrix "8:8"] [--perf-b SECONDS]
#   --op       one dealbench operation, or several ("get list"), run in turn on each side's dealsd
#   --master DIR  start each dealsd on a copy of DIR (a dealsd data directory: CA, tokens, store/) instead of an
#              empty one plus --preload (which is then skipped)
#   --client   where dealbench is taken from (default: --b's), the same client for both sides
#   --log-level L  dealsd's log level (default info, as run.sh: one line per call, as in production)
#   --server-args "ARGS"  extra dealsd serve arguments for both sides (e.g. "--config FILE")
#   --perf-b   also record `perf record -g` of side B's dealsd for that many seconds during each measured run
#              (written to the work directory, kept)
# Output: every dealbench line, labelled side=a / side=b and round=N; the work directory is printed at the end.
# Every process started here is stopped by pid; only 127.0.0.1 is used.
set -euo pipefail

a=""
b=""
client=""
rounds=3
preload=20000
fsync=always
duration=10
warmup=2
op=create
matrix="8:8"
perf_b=""
server_args=""
log_level=info
master=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --a) a="$2"; shift 2 ;;
    --b) b="$2"; shift 2 ;;
    --client) client="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --preload) preload="$2"; shift 2 ;;
    --fsync) fsync="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --op) op="$2"; shift 2 ;;
    --matrix) matrix="$2"; shift 2 ;;
    --perf-b) perf_b="$2"; shift 2 ;;
    --server-args) server_args="$2"; shift 2 ;;
    --log-level) log_level="$2"; shift 2 ;;
    --master) master="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$a" && -n "$b" ]] || { echo "--a and --b are required" >&2; exit 2; }
client="${client:-$b}"

log() { echo "[ab.sh] $*" >&2; }
work="$(mktemp -d -t dealab.XXXXXX)"
server_pid=""
stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$server_pid"; server_pid=""; rm -rf "$work"/data-*; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# ab.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) a=$a b=$b op=$op matrix=\"$matrix\" fsync=$fsync preload=$preload" \
  "duration_s=$duration rounds=$rounds load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""

run_side() { # run_side SIDE BINDIR ROUND
  local side="$1" bin="$2" round="$3" data="$work/data-$1-$3"
  : >"$work/dealsd.out"
  if [[ -n "$master" ]]; then rm -rf "$data"; cp -r "$master" "$data"; fi
  "$bin/dealsd" serve --data-dir "$data" --listen 127.0.0.1:0 --fsync "$fsync" --log-level "$log_level" $server_args \
    >"$work/dealsd.out" 2>"$work/dealsd-$side-$round.log" &
  server_pid=$!
  local addr=""
  for _ in $(seq 600); do
    addr="$(sed -n 's/^dealsd is serving on \([0-9.]*:[0-9]*\).*/\1/p' "$work/dealsd.out" | head -1)"
    [[ -n "$addr" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  [[ -n "$addr" ]] || { log "dealsd ($side) did not start"; cat "$work/dealsd.out" "$work/dealsd-$side-$round.log" >&2; exit 1; }
  local common=(--addr "$addr" --ca "$data/ca.pem" --token "$(cat "$data/admin.token")")
  [[ -n "$master" ]] || timeout 1200 "$client/dealbench" "${common[@]}" --preload "$preload" --preload-only >/dev/null
  local perf_pid=""
  if [[ -n "$perf_b" && "$side" == b ]]; then
    (sleep "$warmup"; exec perf record -g -o "$work/perf-b-$round.data" -p "$server_pid" -- sleep "$perf_b") \
      >/dev/null 2>&1 &
    perf_pid=$!
  fi
  local one
  for one in $op; do  # --op "get list": each in turn, on the same dealsd
    timeout $(( (${duration%.*} + ${warmup%.*} + 30) * 4 + 120 )) "$client/dealbench" "${common[@]}" --op "$one" \
      --matrix "$matrix" --duration "$duration" --warmup "$warmup" --runs 1 --label "side=$side round=$round" \
      "${extra[@]}"
  done
  [[ -n "$perf_pid" ]] && wait "$perf_pid" 2>/dev/null || true
  # A copy of --master is thrown away: no need to wait for the shutdown snapshot.
  [[ -n "$master" ]] && kill -9 "$server_pid" 2>/dev/null || true
  stop_pid "$server_pid"; server_pid=""
  rm -rf "$data"
}

for round in $(seq "$rounds"); do
  log "round $round of $rounds"
  run_side a "$a" "$round"
  run_side b "$b" "$round"
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg); work directory: $work"
