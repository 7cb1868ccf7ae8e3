#!/usr/bin/env bash
# Benchmarks/run.sh: build dealsd and dealbench in release mode, start dealsd on loopback with a generated
# dataset (temporary data directory, free port), and run the standard matrix:
#   get     C:K = 1:64, 8:8, 64:1
#   list    8:8 (one filtered page of 20)
#   summarize  8:8 filtered (one target's deals), 1:1 unfiltered (every deal)
#   mixed   get 8:8 alone, then with one connection summarizing every deal and one creating (fsync always)
#   create  fsync always: 8:8 (64 in flight) and 1:1 (one writer waiting on each fsync); then fsync none, same
#   memory  RSS of dealsd with --big N deals loaded, list 8:8 and summaries at that size, and the time a restart
#           takes to serve again
# With --with-postgres, also runs ../shared/references/postgres/pg-anchor.sh (the same list and summary shapes on
# PostgreSQL over TLS, with --preload rows) in the same run.
# With --with-references, also runs ../shared/references/run-all.sh (beside the checkout, or --references DIR;
# copied to a temporary directory) in the same run and prints a table with ratios. Every process started here is stopped by pid; every step is bounded
# by `timeout`; only 127.0.0.1 is used.
#
# Usage: Benchmarks/run.sh [--duration S] [--warmup S] [--runs N] [--preload N] [--big N] [--threads T]
#                          [--log-level L] [--with-references] [--references DIR] [--skip-build] [--skip-memory]
#                          [--skip-matrix] [--with-postgres] [--scratch-path DIR]
# Output: every dealbench line, then a summary table (medians over --runs) on stdout; progress on stderr.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
duration=10
warmup=2
runs=3
preload=100000
big=1000000
threads=""
log_level=info
with_references=""
references="$root/../shared/references"  # the references beside the checkout; --references DIR for elsewhere
skip_build=""
skip_memory=""
skip_matrix=""
with_postgres=""
scratch=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --preload) preload="$2"; shift 2 ;;
    --big) big="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --log-level) log_level="$2"; shift 2 ;;
    --with-references) with_references=1; shift ;;
    --references) references="$2"; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    --skip-memory) skip_memory=1; shift ;;
    --skip-matrix) skip_matrix=1; shift ;;
    --with-postgres) with_postgres=1; shift ;;
    --scratch-path) scratch=(--scratch-path "$2"); shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { echo "[run.sh] $*" >&2; }
work="$(mktemp -d -t dealbench.XXXXXX)"
server_pid=""
stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    # dealsd writes a snapshot when it stops: up to a minute with a million deals on a busy machine.
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$server_pid"; server_pid=""; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# dealbench run $(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(hostname) cores=$(nproc)" \
  "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" duration_s=$duration runs=$runs preload=$preload log_level=$log_level"

if [[ -z "$skip_build" ]]; then
  log "building dealsd and dealbench (release)"
  timeout 3600 swift build -c release --package-path "$root" "${scratch[@]}" --product dealsd >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log" >&2; exit 1; }
  timeout 3600 swift build -c release --package-path "$root" "${scratch[@]}" --product dealbench \
    >>"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
fi
bin="$(swift build -c release --package-path "$root" "${scratch[@]}" --show-bin-path)"

# start_server DATA_DIR FSYNC: starts dealsd on 127.0.0.1 with a kernel-chosen port; sets server_pid and addr.
start_server() {
  local data="$1" fsync="$2"
  : >"$work/dealsd.out"
  "$bin/dealsd" serve --data-dir "$data" --listen 127.0.0.1:0 --fsync "$fsync" --log-level "$log_level" \
    >"$work/dealsd.out" 2>"$work/dealsd-$fsync.log" &
  server_pid=$!
  addr=""
  for _ in $(seq 600); do
    addr="$(sed -n 's/^dealsd is serving on \([0-9.]*:[0-9]*\).*/\1/p' "$work/dealsd.out" | head -1)"
    [[ -n "$addr" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  [[ -n "$addr" ]] || { log "dealsd did not start"; cat "$work/dealsd.out" "$work/dealsd-$fsync.log" >&2; exit 1; }
  log "dealsd pid=$server_pid addr=$addr fsync=$fsync"
}

bench() { # bench ARGS...: one dealbench invocation, bounded in time; its lines go to stdout and results.txt
  local budget=$(( (${duration%.*} + ${warmup%.*} + 15) * runs * 4 + 600 ))
  timeout "$budget" "$bin/dealbench" --addr "$addr" --ca "$data/ca.pem" --token "$(cat "$data/admin.token")" \
    --duration "$duration" --warmup "$warmup" --runs "$runs" ${threads:+--threads "$threads"} "$@" \
    | tee -a "$work/results.txt"
}

# mixed LABEL: get 8:8 alone, then while one connection summarizes every deal and one creates deals (the server's
# fsync mode); the background clients run a little longer than the measured gets and their lines are kept too.
mixed() {
  local label="$1"
  bench --op get --matrix "8:8" --label "set=alone$label"
  local span=$(( (${duration%.*} + ${warmup%.*} + 3) * runs + 5 ))
  local pids=()
  for op in summarize-all create; do
    timeout $(( span + 120 )) "$bin/dealbench" --addr "$addr" --ca "$data/ca.pem" --token "$(cat "$data/admin.token")" \
      --op "$op" -c 1 -k 1 --threads 1 --warmup 0 --duration "$span" --label "set=background$label" \
      >>"$work/background.txt" &
    pids+=($!)
  done
  sleep 1
  bench --op get --matrix "8:8" --label "set=with-summarize-all+create$label"
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  tee -a "$work/results.txt" <"$work/background.txt"; : >"$work/background.txt"
}

data="$work/data"
if [[ -z "$skip_matrix" ]]; then
start_server "$data" always
log "preloading $preload deals"
bench --preload "$preload" --preload-only
bench --op get --matrix "1:64 8:8 64:1"
bench --op list --matrix "8:8"
bench --op summarize --matrix "8:8"
bench --op summarize-all --matrix "1:1"
mixed ""
bench --op create --matrix "8:8 1:1" --label fsync=always
stop_pid "$server_pid"; server_pid=""
start_server "$data" none
bench --op create --matrix "8:8 1:1" --label fsync=none
stop_pid "$server_pid"; server_pid=""
fi

if [[ -z "$skip_memory" ]]; then
  big_data="$work/big"
  data="$big_data"  # bench() reads the CA and token of the server it talks to from $data
  start_server "$big_data" none
  log "loading $big deals for the memory and restart figures"
  bench --preload "$big" --preload-only
  rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
  bench --op list --matrix "8:8" --label "deals=$big"
  bench --op summarize --matrix "8:8" --label "deals=$big"
  bench --op summarize-all --matrix "1:1" --label "deals=$big"
  deals="$(timeout 120 "$bin/dealbench" --addr "$addr" --ca "$big_data/ca.pem" --probe | sed -n 's/.*deals=//p')"
  echo "dealsd memory deals=$deals rss_kb=$rss_kb bytes_per_deal=$(( rss_kb * 1024 / (deals > 0 ? deals : 1) ))" \
    | tee -a "$work/results.txt"
  stop_pid "$server_pid"; server_pid=""
  t0=$(date +%s.%N)
  start_server "$big_data" none
  probe="$(timeout 120 "$bin/dealbench" --addr "$addr" --ca "$big_data/ca.pem" --probe)"
  t1=$(date +%s.%N)
  rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
  deals="$(sed -n 's/.*deals=//p' <<<"$probe")"
  echo "dealsd restart deals=$deals serving_after_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')" \
    "rss_kb=$rss_kb bytes_per_deal=$(( rss_kb * 1024 / (deals > 0 ? deals : 1) ))" | tee -a "$work/results.txt"
  stop_pid "$server_pid"; server_pid=""
fi

if [[ -n "$with_postgres" ]]; then
  pg="$references/postgres/pg-anchor.sh"
  [[ -x "$pg" ]] || pg="$root/../shared/references/postgres/pg-anchor.sh"
  for run in $(seq "$runs"); do
    log "running the PostgreSQL reference (pg-anchor.sh, $preload rows), run $run of $runs"
    timeout 1800 bash "$pg" --rows "$preload" --duration "$duration" | tee -a "$work/results.txt" \
      || log "pg-anchor.sh exited with $?"
  done
fi

if [[ -n "$with_references" ]]; then
  # A copy kept under .build, so the gRPC reference's 5-minute release build is reused by later runs.
  refs="$root/.build/references"
  mkdir -p "$refs"
  cp -r "$references/." "$refs/"
  chmod -R u+w "$refs"
  for run in $(seq "$runs"); do
    log "running the references (grpc-swift-2 and Redis over TLS), run $run of $runs"
    timeout 5400 "$refs/run-all.sh" --duration "$duration" >"$work/references-$run.txt" \
      || log "run-all.sh exited with $?"
    # run-all.sh prints each point twice (as it goes and in its summary): keep the first.
    sed -n '/^# summary/q;/^\(grpc\|redis\) /p' "$work/references-$run.txt" | tee -a "$work/results.txt"
  done
fi

echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/Benchmarks/summarize.py" "$work/results.txt"
