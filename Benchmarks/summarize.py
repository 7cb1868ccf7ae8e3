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
    dealbench, grpc, redis, memory, restart = {}, {}, {}, [], []
    for line in open(path):
        line = line.strip()
        f = fields(line)
        if line.startswith("dealbench "):
            op = line.split()[1]
            key = (op, int(f["conns"]), int(f["inflight"]), f.get("fsync", ""))
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
        elif line.startswith("dealsd memory"):
            memory.append(f)
        elif line.startswith("dealsd restart"):
            restart.append(f)

    def med(values, index):
        return statistics.median(v[index] for v in values)

    print("\n## Summary (medians of %s)" % ", ".join(sorted({"%d runs" % len(v) for v in dealbench.values()})))
    print("| operation | C:K | fsync | calls/s | p50 µs | p99 µs | p99.9 µs | errors | grpc calls/s | × grpc "
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
    always = {k: v for k, v in dealbench.items() if k[0] == "create" and k[3] == "always"}
    if (("create", 8, 8, "always") in always) and (("create", 1, 1, "always") in always):
        ratio = med(always[("create", 8, 8, "always")], 0) / med(always[("create", 1, 1, "always")], 0)
        print("create fsync=always: 64 in flight / one writer = %.1f× (target ≥ 20×)" % ratio)


if __name__ == "__main__":
    main(sys.argv[1])
