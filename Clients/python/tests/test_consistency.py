"""Consistency (PROTOCOL.md section 19): every answer's revision, the client's tracking, min-revision waits."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest
from conftest import Daemon
from scripted_server import END_STREAM, HEADERS, MESSAGE, TRAILERS, ScriptedConnection, ScriptedServer

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2, wire_pb2


def test_answers_carry_the_revision_and_the_client_keeps_the_highest(
    daemon: Daemon, unique: Callable[[str], str]
) -> None:
    with daemon.connect(timeout=10) as client:
        assert client.revision == 0
        info = client.server_info()
        assert client.revision == info.store_revision
        created = client.create_deal(model_pb2.Deal(id=unique("consistency"), target_id="anthropic"))
        assert client.revision == created.meta.update_revision > info.store_revision
        client.get_deal(created.id)
        assert client.revision >= created.meta.update_revision
        with pytest.raises(DealStoreError) as caught:
            client.get_deal(unique("missing"))
        assert caught.value.code == StatusCode.NOT_FOUND
        assert int(caught.value.details["revision"]) >= created.meta.update_revision


def test_a_min_revision_the_node_does_not_reach_answers_unavailable_before_the_deadline(daemon: Daemon) -> None:
    with daemon.connect(timeout=10) as probe:
        current = probe.server_info().store_revision
    with daemon.connect(min_revision=current + 1_000_000) as client:
        started = time.monotonic()
        with pytest.raises(DealStoreError) as caught:
            client.get_deal("amazon-anthropic-2023", timeout=1)
        elapsed = time.monotonic() - started
    assert caught.value.code == StatusCode.UNAVAILABLE, caught.value
    assert str(current + 1_000_000) in caught.value.message and "min-revision" in caught.value.message
    assert 0.5 < elapsed < 1.0


def test_a_read_with_min_revision_completes_once_a_write_reaches_it(
    daemon: Daemon, unique: Callable[[str], str]
) -> None:
    with daemon.connect(timeout=10) as writer:
        current = writer.server_info().store_revision
        with daemon.connect(min_revision=current + 1) as reader:
            result: list[object] = []

            def read() -> None:
                try:
                    result.append(reader.server_info(timeout=20).store_revision)
                except DealStoreError as error:
                    result.append(error)

            thread = threading.Thread(target=read)
            thread.start()
            time.sleep(0.3)  # the read is waiting (it would answer at once otherwise: a failure below)
            assert not result, result
            created = writer.create_deal(model_pb2.Deal(id=unique("waited-for"), target_id="anthropic"))
            thread.join(10)
            assert result and isinstance(result[0], int), result
            assert result[0] >= created.meta.update_revision >= current + 1


def test_a_min_revision_that_is_not_a_number_is_invalid_argument(daemon: Daemon) -> None:
    with daemon.connect(timeout=10, metadata=[("min-revision", "soon")], track_revisions=False) as client:
        with pytest.raises(DealStoreError) as caught:
            client.server_info()
    assert caught.value.code == StatusCode.INVALID_ARGUMENT and "min-revision" in caught.value.message


def _scripted_revisions(track: bool, daemon: Daemon) -> list[str | None]:
    """The min-revision of each of three calls to a server whose answers carry revisions 7 and 5."""
    sent: list[str | None] = []

    async def script(index: int, connection: ScriptedConnection) -> None:
        await connection.hello()
        for revision in (b"7", b"5", b"5"):
            while True:
                kind, flags, stream_id, payload = await connection.read_frame()
                if kind == HEADERS:
                    headers = wire_pb2.CallHeaders.FromString(payload)
                    values = [entry.value.decode() for entry in headers.metadata if entry.key == "min-revision"]
                    sent.append(values[0] if values else None)
                if kind in (HEADERS, MESSAGE) and flags & END_STREAM:
                    break
            connection.send(MESSAGE, stream_id, model_pb2.Deal(id="x").SerializeToString())
            trailers = wire_pb2.Trailers(metadata=[wire_pb2.MetadataEntry(key="revision", value=revision)])
            connection.send(TRAILERS, stream_id, trailers.SerializeToString(), END_STREAM)

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, script) as server:
            async with await dealstore.AsyncClient.connect(
                f"127.0.0.1:{server.port}", ca=daemon.ca, environ={}, track_revisions=track
            ) as client:
                for _ in range(3):
                    await client.get_deal("x", timeout=5)
                assert client.revision == 7

    asyncio.run(main())
    return sent


def test_the_client_sends_the_highest_revision_it_has_seen(daemon: Daemon) -> None:
    assert _scripted_revisions(True, daemon) == [None, "7", "7"]


def test_tracking_can_be_turned_off(daemon: Daemon) -> None:
    assert _scripted_revisions(False, daemon) == [None, None, None]
