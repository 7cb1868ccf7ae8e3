#!/usr/bin/env python3
"""Measures what small hostile requests make dealsd hold: peak RSS and CPU of the daemon, before and after.

    python3 Benchmarks/robustness/amplification.py [--dealsd .build/release/dealsd] [--baseline OTHER_DEALSD]

Starts each dealsd with its own data directory on a port it picks, then, through one TLS connection each:
  create   one 4 MiB CreateDeal of two million empty participations (bytes 52 00, a 75x decode amplification)
  import   an ImportDeals of 8 such 4 MiB records, ended
  headers  one 4 MiB HEADERS of two million empty metadata entries (anonymous: Health/Check)
and prints, per attack, the status the server answered, its peak RSS over the idle RSS (MB, from
/proc/PID/status VmHWM after a reset) and the CPU seconds it spent. With --baseline, the same attacks against a
second binary in the same run, so the figures are a comparison.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Protocol", "examples", "python"))
from dealstore_client import (  # noqa: E402
    END_STREAM, HEADERS, MESSAGE, Call, DealStoreConnection, DealStoreError, encode_frame, status_name,
)


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


EMPTY_PARTICIPATIONS = b"\x52\x00" * 2_000_000  # Deal.participations (10), empty, two bytes each


class Daemon:
    def __init__(self, binary: str):
        self.directory = tempfile.mkdtemp(prefix="amplification-")
        self.log = open(os.path.join(self.directory, "out"), "w+")
        self.process = subprocess.Popen(
            [binary, "--data-dir", self.directory, "--listen", "127.0.0.1:0", "--log-level", "error"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        self.port = 0
        while time.monotonic() < deadline and not self.port:
            self.log.seek(0)
            match = re.search(r"serving on 127\.0\.0\.1:(\d+)", self.log.read())
            if match:
                self.port = int(match.group(1))
            elif self.process.poll() is not None:
                raise SystemExit(f"{binary} exited with {self.process.returncode}")
            else:
                time.sleep(0.05)
        if not self.port:
            raise SystemExit(f"{binary} did not announce its port")
        with open(os.path.join(self.directory, "admin.token")) as f:
            self.token = f.read().strip()
        self.ca = os.path.join(self.directory, "ca.pem")

    def status(self, key: str) -> int:
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        return 0

    def cpu(self) -> float:
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak(self) -> None:
        # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
        with open(f"/proc/{self.process.pid}/clear_refs", "w") as f:
            f.write("5")

    def connect(self) -> DealStoreConnection:
        return DealStoreConnection.open("127.0.0.1", self.port, ca_file=self.ca, token=self.token)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)


class Raw:
    """Wire bytes where the client expects a message: attacks are not valid messages to build."""

    def __init__(self, payload: bytes = b""):
        self.payload = payload

    def SerializeToString(self) -> bytes:  # noqa: N802 - protobuf's name
        return self.payload

    def ParseFromString(self, value: bytes) -> None:  # noqa: N802
        self.payload = value


def outcome(call) -> str:
    try:
        while call.receive(Raw) is not None:
            pass
    except DealStoreError as error:
        return status_name(error.code)
    return "OK"


def attack_create(daemon: Daemon) -> str:
    with daemon.connect() as conn:
        call = conn.start_call("/dealstore.v1.Deals/CreateDeal", timeout=120)
        call.send(Raw(field(1, EMPTY_PARTICIPATIONS)), end_stream=True)
        return outcome(call)


def attack_import(daemon: Daemon) -> str:
    record = Raw(field(1, field(2, EMPTY_PARTICIPATIONS)))  # ImportDealsRequest.record -> DealRecord.deal
    with daemon.connect() as conn:
        call = conn.start_call("/dealstore.v1.Deals/ImportDeals", timeout=300)
        for index in range(8):
            call.send(record, end_stream=index == 7)
            if call.done:
                break
        return outcome(call)


def attack_headers(daemon: Daemon) -> str:
    headers = field(1, b"/dealstore.v1.Health/Check") + field(3, b"") * 2_000_000  # 2M empty metadata entries
    with daemon.connect() as conn:
        with conn.cond:
            stream_id = conn.next_stream_id
            conn.next_stream_id += 1
            call = Call(conn, stream_id, "/dealstore.v1.Health/Check", 120)
            conn.calls[stream_id] = call
            conn._send_locked(encode_frame(HEADERS, stream_id, headers) + encode_frame(
                MESSAGE, stream_id, b"", END_STREAM))
        return outcome(call)


def run(binary: str) -> list[tuple[str, str, float, float]]:
    results = []
    for name, attack in [("create", attack_create), ("import", attack_import), ("headers", attack_headers)]:
        daemon = Daemon(binary)
        try:
            time.sleep(0.5)
            daemon.reset_peak()
            idle = daemon.status("VmRSS")
            cpu = daemon.cpu()
            outcome = attack(daemon)
            time.sleep(0.5)
            peak = daemon.status("VmHWM")
            results.append((name, outcome, (peak - idle) / 1e6, daemon.cpu() - cpu))
        finally:
            daemon.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dealsd", default=os.path.join(ROOT, ".build", "release", "dealsd"))
    parser.add_argument("--baseline", help="a second dealsd binary to compare with, in the same run")
    args = parser.parse_args()
    binaries = [("dealsd", args.dealsd)] + ([("baseline", args.baseline)] if args.baseline else [])
    print(f"{'binary':9} {'attack':8} {'answer':20} {'peak RSS over idle':>19} {'CPU s':>6}")
    for label, binary in binaries:
        for name, outcome, megabytes, cpu in run(binary):
            print(f"{label:9} {name:8} {outcome:20} {megabytes:16.1f} MB {cpu:6.2f}")


if __name__ == "__main__":
    main()
