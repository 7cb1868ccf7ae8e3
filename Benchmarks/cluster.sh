#!/usr/bin/env bash
# Benchmarks/cluster.sh: the cluster on PostgreSQL against a single node, in one run (started by hand, never by
# tests). It builds dealsd, dealbench and dealcluster-bench in release mode, then starts, all on 127.0.0.1 with
# ports picked free:
#   - a PostgreSQL primary and a streaming standby that is synchronous (synchronous_standby_names, fsync on,
#     track_commit_timestamp on for the lag), both run as the postgres user when started as root;
#   - three dealsd nodes over it (--postgres) and one single dealsd node (--fsync always);
# preloads the same generated deals into both, and measures:
#   get      8:8 on cluster node 2 and on the single node, alternating, --runs times each
#   create   8:8 (64 in flight) and 1:1 through cluster node 1, against the single node with fsync always
#   spread   create 8:8 through all three nodes at once (the counter row's contention between nodes)
#   counter  pgbench: one-row UPDATE transactions/s on the synchronous primary (the bound on commits)
#   tail     pgbench: the tailer's query (the next change after a revision) per second (what each node costs)
#   lag      dealcluster-bench: commit in PostgreSQL to each node's WatchDeals delivering it (p50, p99)
#
# Usage: Benchmarks/cluster.sh [--duration S] [--warmup S] [--runs N] [--preload N] [--writes N] [--no-build]
# Output: every measured line on stdout (and in the work directory's results.txt), then a summary of medians.
# Every process it starts is stopped by pid at exit; every step runs under `timeout`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration=10
warmup=2
runs=3
preload=100000
writes=1000
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --preload) preload="$2"; shift 2 ;;
    --writes) writes="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x "$pgbin/initdb" ]] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }
bin="$root/.build/release"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [[ $build -eq 1 ]]; then
  for product in dealsd dealbench dealcluster-bench; do
    log "building $product (release)"
    timeout 3600 swift build -c release --package-path "$root" --product "$product" >/dev/null
  done
fi

work="$(mktemp -d -t dealcluster-bench.XXXXXX)"
chmod 755 "$work"
pids=()
pg_dirs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for dir in "${pg_dirs[@]}"; do as_postgres "$pgbin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true; done
  log "results kept in $work/results.txt"
}
trap cleanup EXIT

# PostgreSQL: a primary whose commits wait for the standby's flush (synchronous_commit = on), fsync on both.
mkdir -p "$work/pg"
[[ $(id -u) -eq 0 ]] && chown postgres: "$work/pg"
chmod 755 "$work/pg"
pg_settings="-c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on \
-c max_connections=100 -c shared_buffers=128MB -c track_commit_timestamp=on"
primary_port=$(free_port)
as_postgres "$pgbin/initdb" -D "$work/pg/primary" -A trust -U postgres >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$work/pg/primary" -l "$work/pg/primary.log" -w start \
  -o "-p $primary_port -k $work/pg $pg_settings -c synchronous_standby_names=standby1 -c synchronous_commit=on" \
  >/dev/null
pg_dirs+=("$work/pg/primary")
standby_port=$(free_port)
as_postgres "$pgbin/pg_basebackup" -D "$work/pg/standby" -R -X stream \
  -d "host=127.0.0.1 port=$primary_port user=postgres application_name=standby1"
as_postgres "$pgbin/pg_ctl" -D "$work/pg/standby" -l "$work/pg/standby.log" -w start \
  -o "-p $standby_port -k $work/pg $pg_settings" >/dev/null
pg_dirs+=("$work/pg/standby")
conninfo="host=127.0.0.1 port=$primary_port user=postgres dbname=postgres"
psql_q() { psql "$conninfo" -XAtqc "$1"; }
for _ in $(seq 100); do
  [[ "$(psql_q "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" == 1 ]] && break
  sleep 0.1
done
log "PostgreSQL primary :$primary_port, synchronous standby :$standby_port ($(psql_q "SELECT sync_state FROM pg_stat_replication"))"

# start_node NAME ARGS...: starts dealsd on 127.0.0.1:0, waits for its address; sets addr_NAME.
start_node() {
  local name="$1"; shift
  "$bin/dealsd" serve --data-dir "$work/$name" --listen 127.0.0.1:0 --log-level warning "$@" \
    >"$work/$name.out" 2>"$work/$name.log" &
  local pid=$!
  pids+=("$pid")
  local address=""
  for _ in $(seq 1200); do
    address="$(sed -n 's/^dealsd is serving on \([0-9.]*:[0-9]*\).*/\1/p' "$work/$name.out" | head -1)"
    [[ -n "$address" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$address" ]] || { log "$name did not start"; exit 1; }
  printf -v "addr_$name" '%s' "$address"
  log "$name pid=$pid addr=$address"
}
start_node node1 --postgres "$conninfo"
start_node node2 --postgres "$conninfo"
start_node node3 --postgres "$conninfo"
start_node single --fsync always

results="$work/results.txt"
echo "# cluster.sh run $(date -u +%Y-%m-%dT%H:%M:%SZ) commit=$(git -C "$root" rev-parse --short HEAD) cores=$(nproc)" \
  "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" duration_s=$duration runs=$runs preload=$preload" | tee "$results"
bench() { # bench NODE ARGS...
  local node="$1"; shift
  local address="addr_$node"
  timeout $(( (duration + warmup) * 20 + 600 )) "$bin/dealbench" --addr "${!address}" --ca "$work/$node/ca.pem" \
    --token "$(cat "$work/$node/admin.token")" -d "$duration" --warmup "$warmup" "$@"
}

log "preloading $preload deals into the cluster (through node1) and into the single node"
bench node1 --preload "$preload" --preload-only >/dev/null
bench single --preload "$preload" --preload-only >/dev/null
deals_on() { bench "$1" --probe 2>/dev/null | sed -n 's/.*deals=\([0-9]*\).*/\1/p'; }
expected=$(deals_on node1)
for node in node2 node3; do
  for _ in $(seq 600); do
    [[ "$(deals_on "$node")" == "$expected" ]] && break
    sleep 0.2
  done
done
head=$(psql_q "SELECT revision FROM dealstore.counter")
log "cluster at revision $head, $expected deals on every node; single node: $(deals_on single) deals"

for run in $(seq "$runs"); do
  log "get 8:8, run $run of $runs"
  bench single --op get -c 8 -k 8 --label "set=single" | tee -a "$results"
  bench node2 --op get -c 8 -k 8 --label "set=cluster" | tee -a "$results"
done
# writes_per_commit FROM: how many transactions appended the changes after revision FROM (committed_at is the
# transaction's start, one value per transaction), i.e. how well the node's group commit fills a commit.
writes_per_commit() {
  psql_q "SELECT 'commits=' || count(DISTINCT committed_at) || ' writes=' || count(*) || ' writes_per_commit=' ||
    round(count(*)::numeric / greatest(count(DISTINCT committed_at), 1), 1) FROM dealstore.changes WHERE revision > $1"
}
for run in $(seq "$runs"); do
  log "create, run $run of $runs"
  bench single --op create --matrix "8:8 1:1" --label "set=single-fsync-always" | tee -a "$results"
  for point in 8:8 1:1; do
    from=$(psql_q "SELECT revision FROM dealstore.counter")
    bench node1 --op create --matrix "$point" --label "set=cluster" | tee -a "$results"
    echo "cluster create $point $(writes_per_commit "$from")" | tee -a "$results"
  done
done

log "create 8:8 through all three nodes at once"
spread_from=$(psql_q "SELECT revision FROM dealstore.counter")
for node in node1 node2 node3; do
  bench "$node" --op create -c 8 -k 8 --label "set=spread-$node" >"$work/spread-$node.txt" &
  pids+=($!)
done
wait "${pids[@]: -3}" || true
cat "$work"/spread-node*.txt | tee -a "$results"
echo "cluster create spread $(writes_per_commit "$spread_from")" | tee -a "$results"

log "pgbench: the counter row alone (one-row UPDATE per transaction, synchronous standby)"
psql_q "CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n bigint); INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT DO NOTHING"
echo 'UPDATE bench_counter SET n = n + 1 WHERE id = 1;' >"$work/counter.sql"
for clients in 1 8; do
  tps=$(timeout $(( duration + 120 )) pgbench -n -h 127.0.0.1 -p "$primary_port" -U postgres -c "$clients" -j 1 \
    -T "$duration" -f "$work/counter.sql" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "pgbench counter clients=$clients tps=$tps" | tee -a "$results"
done
psql_q "DROP TABLE bench_counter"

log "pgbench: the tailer's query, the next change after a revision (what each node runs per notification)"
tail_base=$(( $(psql_q "SELECT revision FROM dealstore.counter") - 1 ))
printf '%s\n' "SELECT revision, event FROM dealstore.changes WHERE revision > $tail_base ORDER BY revision LIMIT 1000;" \
  >"$work/tail.sql"
for clients in 1 8; do
  tps=$(timeout $(( duration + 120 )) pgbench -n -h 127.0.0.1 -p "$primary_port" -U postgres -c "$clients" -j 1 \
    -T "$duration" -f "$work/tail.sql" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "pgbench tail clients=$clients tps=$tps" | tee -a "$results"
done

log "lag: $writes writes through node1, watched on every node"
timeout $(( writes / 10 + 300 )) "$bin/dealcluster-bench" --postgres "$conninfo" --writes "$writes" \
  --node "$addr_node1,$work/node1/ca.pem,$work/node1/admin.token" \
  --node "$addr_node2,$work/node2/ca.pem,$work/node2/admin.token" \
  --node "$addr_node3,$work/node3/ca.pem,$work/node3/admin.token" | tee -a "$results"

echo "# summary (medians over runs)"
python3 - "$results" <<'EOF'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if not line.startswith("dealbench "):
        continue
    fields = dict(re.findall(r"(\w+)=(\S+)", line))
    key = (line.split()[1], fields.get("conns"), fields.get("inflight"), fields.get("set"))
    rows.setdefault(key, []).append((float(fields["rps"]), float(fields["p99_us"])))
med = {}
for key, values in sorted(rows.items(), key=lambda kv: str(kv[0])):
    rps = statistics.median(v[0] for v in values)
    p99 = statistics.median(v[1] for v in values)
    med[key] = rps
    print(f"{key[0]:7} {key[1]}:{key[2]:3} {key[3]:22} rps={rps:10.0f} p99_us={p99:8.0f} runs={len(values)}")
single = med.get(("get", "8", "8", "single"))
cluster = med.get(("get", "8", "8", "cluster"))
if single and cluster:
    print(f"get 8:8 cluster/single = {cluster / single:.2f}")
spread = sum(v for k, v in med.items() if k[0] == "create" and (k[3] or "").startswith("spread-"))
if spread:
    print(f"create 8:8 through three nodes at once: {spread:.0f}/s in total")
EOF
