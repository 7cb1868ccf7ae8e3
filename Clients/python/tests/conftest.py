"""Fixtures: real dealsd processes on ports they pick, each with its own data directory.

dealsd is found through DEALSD_BINARY, else .build/debug/dealsd at the repository root. Tests never read the
developer's own profile or local daemon: every client gets an explicit (empty) environment.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPOSITORY_ROOT = PACKAGE_ROOT.parent.parent
sys.path.insert(0, str(PACKAGE_ROOT / "src"))  # the package as checked out, installed or not

import dealstore  # noqa: E402


def dealsd_binary() -> str:
    explicit = os.environ.get("DEALSD_BINARY")
    candidate = Path(explicit) if explicit else REPOSITORY_ROOT / ".build" / "debug" / "dealsd"
    if not candidate.is_file() or not os.access(candidate, os.X_OK):
        pytest.fail(
            f"dealsd not found at {candidate}: build it (swift build --product dealsd) or set DEALSD_BINARY",
            pytrace=False,
        )
    return str(candidate)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Polls `predicate` until it holds; fails the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}", pytrace=False)
        time.sleep(0.02)


class Daemon:
    """One dealsd process: `--listen 127.0.0.1:PORT` (0 at first start), logs at info level in a file."""

    def __init__(self, data_dir: Path, config: str | None = None) -> None:
        self.data_dir = data_dir
        self.config_path: Path | None = None
        if config is not None:
            self.config_path = data_dir.parent / (data_dir.name + ".yaml")
            self.config_path.write_text(config)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir.parent / (data_dir.name + ".log")
        self.out_path = data_dir.parent / (data_dir.name + ".out")

    def start(self, timeout: float = 30.0) -> Daemon:
        arguments = [dealsd_binary(), "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"]
        arguments += ["--log-level", "info"]
        if self.config_path is not None:
            arguments += ["--config", str(self.config_path)]
        self.out_path.write_bytes(b"")
        with open(self.out_path, "ab") as out, open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=out, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"serving on 127\.0\.0\.1:(\d+)", self.out_path.read_text(errors="replace"))
            if match:
                self.port = int(match.group(1))
                return self
            if self.process.poll() is not None:
                pytest.fail(f"dealsd exited with {self.process.returncode}:\n{self.log()}", pytrace=False)
            time.sleep(0.02)
        self.stop(signal.SIGKILL)
        pytest.fail(f"dealsd did not announce its port within {timeout:g} s", pytrace=False)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int | None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return None if process is None else process.returncode
        process.send_signal(sig)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def wait_exit(self, timeout: float = 20.0) -> int:
        assert self.process is not None
        code = self.process.wait(timeout)
        self.process = None
        return code

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ca(self) -> str:
        return str(self.data_dir / "ca.pem")

    @property
    def admin_token(self) -> str:
        return (self.data_dir / "admin.token").read_text().strip()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def calls_logged(self, method: str, status: str) -> int:
        """How many calls of `method` (e.g. "Deals/WatchDeals") dealsd logged as ending with `status`."""
        pattern = re.compile(rf"method=/dealstore\.v1\.{re.escape(method)} .*status={status}\b")
        return sum(1 for line in self.log().splitlines() if pattern.search(line))

    def connect(self, **options: object) -> dealstore.Client:
        arguments: dict[str, object] = {"addr": self.addr, "ca": self.ca, "token": self.admin_token, "environ": {}}
        arguments.update(options)
        return dealstore.connect(**arguments)  # type: ignore[arg-type]

    async def connect_async(self, **options: object) -> dealstore.AsyncClient:
        arguments: dict[str, object] = {"addr": self.addr, "ca": self.ca, "token": self.admin_token, "environ": {}}
        arguments.update(options)
        return await dealstore.AsyncClient.connect(**arguments)  # type: ignore[arg-type]


# Pings allowed every second, so the keepalive test need not wait the default 10 s; small frames and windows,
# so that flow control is exercised with a few hundred KiB (a debug dealsd moves about 1 MB/s of large records).
SHARED_CONFIG = """\
limits:
  min_ping_interval_seconds: 1
  max_frame_size: 65536
  initial_window_size: 131072
"""


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dealstore-pytest-") as directory:
        yield Path(directory)


@pytest.fixture(scope="session")
def daemon(workdir: Path) -> Iterator[Daemon]:
    """A dealsd with the bundled dataset shared by the tests that only add records of their own."""
    shared = Daemon(workdir / "shared", SHARED_CONFIG).start()
    yield shared
    shared.stop()


@pytest.fixture
def fresh_daemon(workdir: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Daemon]]:
    """A factory of dealsd processes of the test's own (stopped at the end of the test)."""
    started: list[Daemon] = []

    def make(config: str | None = None, start: bool = True) -> Daemon:
        name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:60] + f"-{len(started)}"
        made = Daemon(workdir / name, config)
        started.append(made)
        return made.start() if start else made

    yield make
    for made in started:
        made.stop(signal.SIGKILL)


@pytest.fixture
def client(daemon: Daemon) -> Iterator[dealstore.Client]:
    with daemon.connect(timeout=10) as connected:
        yield connected


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Ids no other test uses: unique("deal") -> "deal-<n>-<pid>"."""
    counter = iter(range(1_000_000))
    stamp = f"{os.getpid()}-{int(time.time() * 1000) % 100000}"
    return lambda prefix: f"{prefix}-{stamp}-{next(counter)}"
