#!/usr/bin/env python3
"""Summarize Benchmarks/run.sh results: medians over runs, ratios to the references, and the issue's targets.

Input: the result lines of dealbench, the references' run-all.sh and run.sh's memory/restart lines.
"""
import re
import statistics
import sys


def fields(line):
    return dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", line))


def main(path):
    dealbench, grpc, redis, postgres, memory, restart = {}, {}, {}, {}, [], []
    for line in open(path):
        line = line.strip()
        f = fields(line)
        if line.startswith("dealbench "):
            op = line.split()[1]
            # The label column: the server's fsync mode, the mixed run's set, the dataset size when not the default.
            label = " ".join(x for x in (f.get("fsync", ""), f.get("set", ""),
                                         ("deals=" + f["deals"]) if "deals" in f else "") if x)
            key = (op, int(f["conns"]), int(f["inflight"]), label)
            dealbench.setdefault(key, []).append(
                (float(f["rps"]), float(f["p50_us"]), float(f["p99_us"]), float(f["p999_us"]), int(f["errors"]))
            )
        elif line.startswith("grpc ") and "rps" in f:
            key = (int(f["conns"]), int(f["inflight"]))
            grpc.setdefault(key, []).append((float(f["rps"]), float(f["p50_us"]), float(f["p99_us"])))
        elif line.startswith("redis ") and "rps" in f:
            key = (int(f["conns"]), int(f["pipeline"]))
            redis.setdefault(key, []).append(
                (float(f["rps"]), float(f["p50_ms"]) * 1000, float(f["p99_ms"]) * 1000)
            )
        elif line.startswith("postgres ") and "tps" in f:
            postgres.setdefault(line.split()[1], []).append((float(f["tps"] or 0), float(f["latency_ms"] or 0)))
        elif line.startswith("dealsd memory"):
            memory.append(f)
        elif line.startswith("dealsd restart"):
            restart.append(f)

    def med(values, index):
        return statistics.median(v[index] for v in values)

    print("\n## Summary (medians of %s)" % ", ".join(sorted({"%d runs" % len(v) for v in dealbench.values()})))
    print("| operation | C:K | fsync / set | calls/s | p50 µs | p99 µs | p99.9 µs | errors | grpc calls/s | × grpc "
          "| redis GET/s | × redis | redis p99 µs |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(dealbench, key=lambda k: (k[0] != "get", k[0], k[3], -k[2])):
        op, c, k, fsync = key
        runs = dealbench[key]
        rps = med(runs, 0)
        row = [op, "%d:%d" % (c, k), fsync or "-", "%.0f" % rps, "%.0f" % med(runs, 1), "%.0f" % med(runs, 2),
               "%.0f" % med(runs, 3), str(sum(r[4] for r in runs))]
        if op == "get" and (c, k) in grpc:
            g = med(grpc[(c, k)], 0)
            row += ["%.0f" % g, "%.1f×" % (rps / g)]
        else:
            row += ["", ""]
        if op == "get" and (c, k) in redis:
            r = med(redis[(c, k)], 0)
            row += ["%.0f" % r, "%.2f×" % (rps / r), "%.0f" % med(redis[(c, k)], 2)]
        else:
            row += ["", "", ""]
        print("| " + " | ".join(row) + " |")
    for f in memory:
        print("\nmemory: %s deals, RSS %s kB, %s bytes per deal (target < 2048)" % (
            f.get("deals"), f.get("rss_kb"), f.get("bytes_per_deal")))
    for f in restart:
        print("restart: %s deals, serving again after %s s (target < 3); then RSS %s kB, %s bytes per deal" % (
            f.get("deals"), f.get("serving_after_s"), f.get("rss_kb"), f.get("bytes_per_deal")))
    for name, values in sorted(postgres.items()):
        print("postgres %s: %.0f tps, mean latency %.2f ms (median of %d)" % (
            name, med(values, 0), med(values, 1), len(values)))

    def point(op, c, k, label=""):
        runs = dealbench.get((op, c, k, label))
        return None if not runs else (med(runs, 0), med(runs, 1), med(runs, 2), med(runs, 3))

    print("\n## Against the engine targets (same run)")
    get88, list88 = point("get", 8, 8), point("list", 8, 8)
    if get88 and list88:
        print("list 8:8: %.0f/s = %.3f of get 8:8 (target >= 0.2), p99 %.0f us (target < 2000)" % (
            list88[0], list88[0] / get88[0], list88[2]))
        if "list" in postgres:
            print("list 8:8 / PostgreSQL list: %.2fx (target >= 2)" % (list88[0] / med(postgres["list"], 0)))
    for label in ("", "deals=1000000"):
        summary = point("summarize-all", 1, 1, label)
        if summary:
            print("summarize-all %s: p50 %.0f us, p99 %.0f us (target at 1,000,000 deals < 5 ms)" % (
                label or "(run's preload)", summary[1], summary[2]))
    if "sum" in postgres and point("summarize-all", 1, 1):
        print("summarize-all p50 / PostgreSQL GROUP BY mean latency: %.3f" % (
            point("summarize-all", 1, 1)[1] / 1000 / med(postgres["sum"], 1)))
    alone, loaded = point("get", 8, 8, "set=alone"), point("get", 8, 8, "set=with-summarize-all+create")
    if alone and loaded:
        print("get 8:8 p99 alone %.0f us, with a summarizer and a writer %.0f us: %.2fx (target <= 1.5x)" % (
            alone[2], loaded[2], loaded[2] / alone[2]))
    for label in ("always", "none"):
        create = point("create", 8, 8, label)
        if create:
            print("create 8:8 fsync=%s: p99.9 %.0f us / p50 %.0f us = %.1fx (target <= 3x)" % (
                label, create[3], create[1], create[3] / create[1]))
    always = {k: v for k, v in dealbench.items() if k[0] == "create" and k[3] == "always"}
    if (("create", 8, 8, "always") in always) and (("create", 1, 1, "always") in always):
        ratio = med(always[("create", 8, 8, "always")], 0) / med(always[("create", 1, 1, "always")], 0)
        print("create fsync=always: 64 in flight / one writer = %.1f× (target ≥ 20×)" % ratio)


if __name__ == "__main__":
    main(sys.argv[1])
