"""The README's examples run as written against a fresh dealsd (so the documentation says what the code does)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PACKAGE_ROOT, REPOSITORY_ROOT, Daemon

import dealstore
from dealstore.v1 import model_pb2

README = (PACKAGE_ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
TOTALS = re.search(r"```\n(Microsoft.*?)```", README, re.S)


@pytest.fixture
def local(fresh_daemon: Callable[..., Daemon], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Daemon:
    """A fresh dealsd that `dealstore.connect()` finds with no arguments, as `deals` would (DEALS_* variables)."""
    server = fresh_daemon()
    for name in ("DEALS_TOKEN", "DEALS_CA", "DEALS_CERT", "DEALS_KEY", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DEALS_ADDR", server.addr)
    monkeypatch.setenv("DEALSD_DATA_DIR", str(server.data_dir))  # its ca.pem and admin.token, as for the CLI
    return server


def test_quick_start_prints_the_totals_shown(local: Daemon) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(BLOCKS[0], "README quick start", "exec"), {})
    assert TOTALS is not None, "the README shows the quick start's output"
    assert printed.getvalue().split() == TOTALS.group(1).split()


def test_the_repository_readmes_five_lines_reproduce_deals_totals(local: Daemon) -> None:
    readme = (REPOSITORY_ROOT / "README.md").read_text()
    block = re.search(r"five lines reproduce.*?```python\n(.*?)```", readme, re.S)
    assert block is not None and len(block.group(1).strip().splitlines()) == 5
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.group(1), "README.md five lines", "exec"), {})
    assert TOTALS is not None
    assert printed.getvalue().split() == TOTALS.group(1).split()


def test_one_example_per_method_runs(local: Daemon) -> None:
    stamp = str(int(time.time() * 1000))
    source = BLOCKS[1]
    # The watch and health loops run until closed: take one item each, after making a change to watch.
    watch_loop = re.search(r"    for event in changes:.*\n.*\n", source)
    assert watch_loop is not None
    source = source.replace(
        watch_loop.group(0),
        '    client.create_deal(Deal(target_id="openai", title="watched"))\n'
        "    for event in itertools.islice(changes, 1):\n"
        "        print(event.revision, event.kind)\n",
    )
    assert "for status in client.watch_health(): ..." in source
    source = source.replace("for status in client.watch_health(): ...", "next(client.watch_health())")
    namespace: dict[str, object] = {"itertools": itertools}
    with dealstore.connect() as client, contextlib.redirect_stdout(io.StringIO()):
        namespace["client"] = client
        namespace["records"] = [model_pb2.Deal(id=f"readme-{stamp}", target_id="openai", title="imported")]
        exec(compile(source, "README examples", "exec"), namespace)
        assert client.get_deal(f"readme-{stamp}").title == "imported"


def test_async_example_runs(local: Daemon) -> None:
    source = BLOCKS[2].replace("asyncio.run(main())", "")
    namespace: dict[str, object] = {}
    exec(compile(source, "README async example", "exec"), namespace)
    main = namespace["main"]
    assert callable(main)
    asyncio.run(main())
