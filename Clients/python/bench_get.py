#!/usr/bin/env python3
"""How many GetDeal calls per second the async client sustains on one connection with 64 calls in flight.

    python3 Clients/python/bench_get.py --dealsd .build/release/dealsd       # starts its own dealsd (temp dir)
    python3 Clients/python/bench_get.py --addr 127.0.0.1:7443                # an existing one (settings as the CLI)

Each run keeps `--in-flight` calls going for `--seconds` on one AsyncClient connection; the report gives every
run, the median, and the client's own CPU time per call (its process time over the calls it made), which bounds
what this client can do on one core whatever the server: the figure that says whether it can be a tool's
bottleneck. Measure with a release dealsd; a debug build is several times slower and then limits the result.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # runs from a checkout, installed or not

import dealstore  # noqa: E402


async def one_run(client: dealstore.AsyncClient, deal_id: str, in_flight: int, seconds: float) -> tuple[float, float]:
    """(calls per second, client CPU microseconds per call) of one run."""
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds
    counts = [0] * in_flight

    async def worker(index: int) -> None:
        while loop.time() < stop:
            await client.get_deal(deal_id, timeout=10)
            counts[index] += 1

    cpu = time.process_time()
    started = loop.time()
    await asyncio.gather(*(worker(i) for i in range(in_flight)))
    elapsed = loop.time() - started
    cpu = time.process_time() - cpu
    calls = sum(counts)
    return calls / elapsed, cpu / calls * 1e6


async def bench(arguments: argparse.Namespace, addr: str | None, ca: str | None, token: str | None) -> None:
    async with await dealstore.AsyncClient.connect(addr, ca=ca, token=token) as client:
        await one_run(client, arguments.deal, arguments.in_flight, 1.0)  # warm-up: connection, caches
        rates: list[float] = []
        costs: list[float] = []
        for run in range(arguments.runs):
            rate, cost = await one_run(client, arguments.deal, arguments.in_flight, arguments.seconds)
            rates.append(rate)
            costs.append(cost)
            print(f"run {run + 1}: {rate:,.0f} GetDeal/s, client CPU {cost:.0f} µs/call", flush=True)
        connection = client.connection
        assert connection is not None
        print(
            f"median: {statistics.median(rates):,.0f} GetDeal/s with {arguments.in_flight} in flight on one "
            f"connection ({arguments.runs} runs of {arguments.seconds:g} s); client CPU "
            f"{statistics.median(costs):.0f} µs/call, i.e. at most {1e6 / statistics.median(costs):,.0f} calls/s "
            f"per core for this client"
        )


def start_dealsd(binary: str, directory: str) -> tuple[subprocess.Popen[bytes], str, str, str]:
    out = Path(directory) / "dealsd.out"
    with open(out, "wb") as handle:
        process = subprocess.Popen(
            [binary, "--data-dir", f"{directory}/data", "--listen", "127.0.0.1:0", "--log-level", "error"],
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"serving on (127\.0\.0\.1:\d+)", out.read_text(errors="replace"))
        if match:
            token = (Path(directory) / "data" / "admin.token").read_text().strip()
            return process, match.group(1), f"{directory}/data/ca.pem", token
        if process.poll() is not None:
            raise SystemExit(f"dealsd exited with {process.returncode}")
        time.sleep(0.05)
    process.kill()
    raise SystemExit("dealsd did not start within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dealsd", help="start this dealsd binary in a temporary directory")
    parser.add_argument("--addr", help="an existing server (with --ca/--token or the CLI's settings)")
    parser.add_argument("--ca")
    parser.add_argument("--token")
    parser.add_argument("--deal", default="amazon-anthropic-2023")
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    if arguments.dealsd:
        with tempfile.TemporaryDirectory(prefix="bench-get-") as directory:
            process, addr, ca, token = start_dealsd(arguments.dealsd, directory)
            try:
                asyncio.run(bench(arguments, addr, ca, token))
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(20)
    else:
        asyncio.run(bench(arguments, arguments.addr, arguments.ca, arguments.token))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
