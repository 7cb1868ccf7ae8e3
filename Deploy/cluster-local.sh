#!/usr/bin/env bash
# Starts a local three-node DealStore cluster on one machine, to try it: a PostgreSQL server of its own (initdb in
# DIR/pg, run as the postgres user when started as root, since PostgreSQL refuses root) and three dealsd nodes on
# 127.0.0.1:7451, :7452 and :7453, each with a data directory of its own (its CA and admin token).
#
#   Deploy/cluster-local.sh [DIR]        (default DIR: /tmp/dealstore-cluster; Ctrl-C stops everything)
#
# Environment: DEALSD (the dealsd binary; default: swift build's), PGPORT (default 54329), PGBIN (PostgreSQL's
# server binaries; default the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/dealstore-cluster}
pgport=${PGPORT:-54329}
pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x "$pgbin/initdb" ]] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }
if [[ -z "${DEALSD:-}" ]]; then
    swift build --product dealsd >/dev/null
    DEALSD="$(swift build --show-bin-path)/dealsd"
fi

as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$dir/pg"
chmod 755 "$dir" "$dir/pg"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pg"
if [[ ! -f "$dir/pg/data/PG_VERSION" ]]; then
    as_postgres "$pgbin/initdb" -D "$dir/pg/data" -A trust -U postgres >/dev/null
fi
as_postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w start \
    -o "-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1" >/dev/null
conninfo="host=127.0.0.1 port=$pgport user=postgres dbname=postgres"

pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait "${pids[@]}" 2>/dev/null || true
    as_postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

for n in 1 2 3; do
    "$DEALSD" --data-dir "$dir/node$n" --listen "127.0.0.1:745$n" --postgres "$conninfo" \
        >"$dir/node$n.out" 2>"$dir/node$n.log" &
    pids+=($!)
    # One at a time: the first node migrates the schema and seeds the sample data.
    for _ in $(seq 600); do
        grep -q "serving on" "$dir/node$n.out" 2>/dev/null && break
        kill -0 "${pids[-1]}" 2>/dev/null || { cat "$dir/node$n.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "node $n: deals --addr 127.0.0.1:745$n --ca $dir/node$n/ca.pem --token \"\$(cat $dir/node$n/admin.token)\" list"
done
echo "PostgreSQL: psql \"$conninfo\" -c 'SELECT id, title FROM dealstore.deals'"
echo "Ctrl-C stops the nodes and PostgreSQL (the data stays in $dir)."
wait
