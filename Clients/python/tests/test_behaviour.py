"""What a production client owes its callers: deadlines, cancellation, GOAWAY and retries, restarts, keepalive."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Daemon, wait_until
from scripted_server import HEADERS, PING, ScriptedConnection, ScriptedServer

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2

# --- deadlines ---------------------------------------------------------------------------------------------


def test_unary_deadline_is_enforced(client: dealstore.Client) -> None:
    with pytest.raises(DealStoreError) as caught:
        client.get_deal("amazon-anthropic-2023", timeout=0.000001)
    assert caught.value.code == StatusCode.DEADLINE_EXCEEDED
    assert client.get_deal("amazon-anthropic-2023", timeout=5).id == "amazon-anthropic-2023"


def test_streaming_deadline_ends_a_waiting_watch_and_the_server_stops_it(
    daemon: Daemon, client: dealstore.Client
) -> None:
    def ended() -> int:
        return daemon.calls_logged("Deals/WatchDeals", "DEADLINE_EXCEEDED") + daemon.calls_logged(
            "Deals/WatchDeals", "CANCELLED"
        )

    before = ended()
    started = time.monotonic()
    with pytest.raises(DealStoreError) as caught:
        next(client.watch_deals(10**12, timeout=0.5))  # waits (silently) for a revision that never comes
    assert caught.value.code == StatusCode.DEADLINE_EXCEEDED
    assert 0.4 < time.monotonic() - started < 5
    wait_until(lambda: ended() > before, 5, "dealsd to log the watch as ended")


def test_a_timeout_must_be_positive(client: dealstore.Client) -> None:
    with pytest.raises(DealStoreError) as caught:
        client.get_deal("amazon-anthropic-2023", timeout=0)
    assert caught.value.code == StatusCode.INVALID_ARGUMENT and "timeout=0" in caught.value.message


# --- cancellation ------------------------------------------------------------------------------------------


def test_closing_a_stream_sends_cancel_to_the_server(
    daemon: Daemon, client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    revision = client.server_info().store_revision
    watch = client.watch_deals(revision, include_organizations=True, timeout=30)
    created = client.create_organization(model_pb2.Organization(name=unique("Watched")))
    assert next(watch).record.organization.id == created.id  # the watch is open on the server
    before = daemon.calls_logged("Deals/WatchDeals", "CANCELLED")
    watch.close()
    # The connection stays open: only the CANCEL frame can end the call on the server.
    wait_until(lambda: daemon.calls_logged("Deals/WatchDeals", "CANCELLED") > before, 5, "WatchDeals CANCELLED")
    assert client.connection is not None and client.connection.usable
    with pytest.raises(StopIteration):
        next(watch)


def test_an_abandoned_iterator_is_cancelled_when_collected(
    daemon: Daemon, client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    revision = client.server_info().store_revision
    created = client.create_organization(model_pb2.Organization(name=unique("Abandoned")))
    before = daemon.calls_logged("Deals/WatchDeals", "CANCELLED")
    for event in client.watch_deals(revision, include_organizations=True, timeout=30):
        assert event.record.organization.id == created.id
        break  # no close(): the iterator is dropped here
    wait_until(lambda: daemon.calls_logged("Deals/WatchDeals", "CANCELLED") > before, 5, "WatchDeals CANCELLED")


def test_interrupting_a_blocking_call_sends_cancel(daemon: Daemon, client: dealstore.Client) -> None:
    """Ctrl-C in a script (a notebook's interrupt button) while a blocking call waits: CANCEL reaches dealsd."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    # A parent may start us with SIGINT blocked (swift test's Process does): Ctrl-C reaches a terminal's script.
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    main_thread = threading.get_ident()
    timer = threading.Timer(0.5, signal.pthread_kill, (main_thread, signal.SIGINT))
    before = daemon.calls_logged("Deals/WatchDeals", "CANCELLED")
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            next(client.watch_deals(10**12, timeout=30))  # waits for a revision that never comes
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    wait_until(lambda: daemon.calls_logged("Deals/WatchDeals", "CANCELLED") > before, 5, "WatchDeals CANCELLED")
    assert client.health().status == 1  # the client goes on working


def test_cancelling_an_async_task_sends_cancel(daemon: Daemon) -> None:
    async def main() -> None:
        async with await daemon.connect_async() as client:
            await client.server_info()
            before = daemon.calls_logged("Health/Watch", "CANCELLED")
            stream = client.watch_health(timeout=30)
            assert (await stream.__anext__()).status == 1

            async def second_status() -> object:
                return await stream.__anext__()  # the status never changes: waits until cancelled

            task = asyncio.create_task(second_status())
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            deadline = time.monotonic() + 5
            while daemon.calls_logged("Health/Watch", "CANCELLED") <= before:
                assert time.monotonic() < deadline, "dealsd never logged Health/Watch CANCELLED"
                await asyncio.sleep(0.02)
            assert (await client.health()).status == 1  # the connection and other calls go on

    asyncio.run(main())


# --- keepalive ---------------------------------------------------------------------------------------------


def test_keepalive_pings_while_a_call_waits_and_never_faster_than_the_server_allows(daemon: Daemon) -> None:
    """The shared dealsd allows a PING per second (2 strikes): pinging every 0.2 s would get GOAWAY."""
    with daemon.connect(keepalive_interval=0.2) as client:
        with client.watch_deals(10**12, timeout=3.5) as watch:
            with pytest.raises(DealStoreError) as caught:
                next(watch)
        assert caught.value.code == StatusCode.DEADLINE_EXCEEDED  # not UNAVAILABLE/RESOURCE_EXHAUSTED: no GOAWAY
        connection = client.connection
        assert connection is not None and connection.usable
        assert 1 <= connection.pongs_received <= 4  # one PING per second of silence at most


def test_keepalive_detects_a_server_that_stopped_answering(daemon: Daemon) -> None:
    async def silent(index: int, connection: ScriptedConnection) -> None:
        await connection.hello()
        while True:
            await connection.read_frame()  # reads everything, answers nothing, PINGs included

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, silent) as server:
            async with await dealstore.AsyncClient.connect(
                f"127.0.0.1:{server.port}", ca=daemon.ca, environ={}, keepalive_interval=0.3, keepalive_timeout=0.3
            ) as client:
                started = time.monotonic()
                with pytest.raises(DealStoreError) as caught:
                    await client.get_deal("x")
                assert caught.value.code == StatusCode.UNAVAILABLE and "no PONG" in caught.value.message
                assert time.monotonic() - started < 3
                assert any(kind == PING for kind, _, _, _ in server.connections[0].received)

    asyncio.run(main())


# --- GOAWAY and retries --------------------------------------------------------------------------------------


def deal_bytes(deal_id: str) -> bytes:
    return model_pb2.Deal(id=deal_id).SerializeToString()


def test_calls_above_goaway_last_stream_id_are_retried_on_a_new_connection(daemon: Daemon) -> None:
    async def script(index: int, connection: ScriptedConnection) -> None:
        await connection.hello()
        if index == 0:
            (first, _), (second, _) = await connection.read_calls(2)
            connection.goaway(last_stream_id=first)  # the second call was not processed
            connection.answer(first, deal_bytes("answered-on-the-first-connection"))
            await connection.writer.drain()
            connection.writer.close()
        else:
            [(stream_id, method)] = await connection.read_calls(1)
            connection.answer(stream_id, deal_bytes(f"retried:{method}"))
            await connection.read_frame()  # until the client closes

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, script) as server:
            async with await dealstore.AsyncClient.connect(
                f"127.0.0.1:{server.port}", ca=daemon.ca, token="t", environ={}
            ) as client:
                first = asyncio.create_task(client.get_deal("a", timeout=5))
                await asyncio.sleep(0)  # HEADERS of the first call leave first
                second = asyncio.create_task(client.get_deal("b", timeout=5))
                results = await asyncio.gather(first, second)
                assert [deal.id for deal in results] == [
                    "answered-on-the-first-connection",
                    "retried:/dealstore.v1.Deals/GetDeal",
                ]
                assert len(server.connections) == 2
                assert len(server.connections[1].headers_received()) == 1

    asyncio.run(main())


def test_calls_the_server_may_have_processed_are_never_retried(daemon: Daemon) -> None:
    async def script(index: int, connection: ScriptedConnection) -> None:
        await connection.hello()
        if index == 0:
            calls = await connection.read_calls(2)
            connection.goaway(last_stream_id=calls[-1][0])  # both calls are being processed...
            await connection.writer.drain()
            connection.writer.close()  # ...and the connection drops before they are answered
        else:
            while True:
                await connection.read_frame()

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, script) as server:
            async with await dealstore.AsyncClient.connect(
                f"127.0.0.1:{server.port}", ca=daemon.ca, token="t", environ={}
            ) as client:
                deal = model_pb2.Deal(id="x", target_id="y")
                first = asyncio.create_task(client.create_deal(deal, timeout=5))
                await asyncio.sleep(0)
                second = asyncio.create_task(client.get_deal("b", timeout=5))
                outcomes = await asyncio.gather(first, second, return_exceptions=True)
                for outcome in outcomes:
                    assert isinstance(outcome, DealStoreError), outcome
                    assert outcome.code == StatusCode.UNAVAILABLE and not outcome.retry_safe
                assert all(
                    kind != HEADERS for c in server.connections[1:] for kind, _, _, _ in c.received
                ), "a call that may have been processed was sent again"

    asyncio.run(main())


def test_sigterm_goaway_ends_watches_and_a_restart_is_ridden_over(
    fresh_daemon: Callable[..., Daemon], unique: Callable[[str], str]
) -> None:
    """GOAWAY (SIGTERM) during a watch and a unary call, then the same client works after dealsd restarts."""
    server = fresh_daemon()

    async def main() -> None:
        async with await server.connect_async(timeout=20) as client:
            revision = (await client.server_info()).store_revision
            watch = client.watch_deals(revision, include_organizations=True)
            resumed = client.watch_deals(revision, include_organizations=True, resume=True)
            first = await client.create_organization(model_pb2.Organization(name=unique("Before")))
            assert (await asyncio.wait_for(resumed.__anext__(), 10)).record.organization.id == first.id
            assert (await asyncio.wait_for(watch.__anext__(), 10)).record.organization.id == first.id
            waiting = asyncio.create_task(watch.__anext__())
            still_resuming = asyncio.create_task(resumed.__anext__())
            await asyncio.sleep(0.1)

            server.signal(signal.SIGTERM)
            with pytest.raises(DealStoreError) as ended:
                await asyncio.wait_for(waiting, 10)
            assert ended.value.code == StatusCode.UNAVAILABLE  # the server ends open watches at once
            connection = client.connection
            assert connection is not None and connection.goaway is not None and connection.goaway.code == 0
            assert await asyncio.to_thread(server.wait_exit) == 0

            await asyncio.to_thread(server.start)  # same port, same data directory
            info = await client.server_info()  # reconnects (with backoff) by itself
            assert info.organization_count >= 1
            assert (await client.get_organization(first.id)).id == first.id

            second = await client.create_organization(model_pb2.Organization(name=unique("After")))
            event = await asyncio.wait_for(still_resuming, 10)
            assert event.record.organization.id == second.id  # resumed after the restart: no gap, no repeat
            resumed.cancel()

    asyncio.run(main())


def test_calls_fail_unavailable_when_no_server_comes_back(fresh_daemon: Callable[..., Daemon]) -> None:
    server = fresh_daemon()
    with server.connect(wait_for_connection=0.5) as client:
        assert client.health().status == 1
        server.stop()
        started = time.monotonic()
        with pytest.raises(DealStoreError) as caught:
            client.health()
        assert caught.value.code == StatusCode.UNAVAILABLE and "cannot connect" in caught.value.message
        assert time.monotonic() - started < 5


def test_an_unreachable_address_fails_after_the_backoff_budget(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(DealStoreError) as caught:
        dealstore.connect("127.0.0.1:1", environ={}, wait_for_connection=0.3)
    assert caught.value.code == StatusCode.UNAVAILABLE and "127.0.0.1:1" in caught.value.message
    assert caught.value.__cause__ is not None and not isinstance(caught.value, OSError)
    assert time.monotonic() - started < 5


def test_an_idle_connection_closed_by_the_server_is_replaced_on_demand(fresh_daemon: Callable[..., Daemon]) -> None:
    server = fresh_daemon("limits:\n  idle_timeout_seconds: 1\n")
    with server.connect(timeout=10) as client:
        assert client.health().status == 1
        first = client.connection
        assert first is not None
        wait_until(lambda: first.closed is not None, 10, "the idle GOAWAY and close")
        assert first.goaway is not None and first.goaway.code == StatusCode.UNAVAILABLE
        assert client.get_deal("amazon-anthropic-2023").id == "amazon-anthropic-2023"
        assert client.connection is not first


# --- connection refusals -------------------------------------------------------------------------------------


def test_a_refused_hello_is_reported_with_the_servers_reason(daemon: Daemon) -> None:
    async def refuse(index: int, connection: ScriptedConnection) -> None:
        await connection.read_frame()  # the client's HELLO
        connection.goaway(0, code=9, reason="unsupported protocol version; this server speaks 2")
        await connection.writer.drain()
        connection.writer.close()

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, refuse) as server:
            with pytest.raises(DealStoreError) as caught:
                await dealstore.AsyncClient.connect(f"127.0.0.1:{server.port}", ca=daemon.ca, environ={})
            assert caught.value.code == StatusCode.FAILED_PRECONDITION
            assert "this server speaks 2" in caught.value.message
            assert len(server.connections) == 1  # a refusal is not retried with backoff

    asyncio.run(main())


def test_a_server_that_does_not_select_the_alpn_protocol_is_refused(daemon: Daemon) -> None:
    async def never(index: int, connection: ScriptedConnection) -> None:
        await connection.read_frame()

    async def main() -> None:
        async with ScriptedServer(daemon.data_dir, never, alpn="") as server:
            with pytest.raises(DealStoreError) as caught:
                await dealstore.AsyncClient.connect(f"127.0.0.1:{server.port}", ca=daemon.ca, environ={})
            assert caught.value.code == StatusCode.UNAVAILABLE and "dealstore/1" in caught.value.message
            assert len(server.connections) <= 1  # the same answer every time: not retried (it may not be counted yet)

    asyncio.run(main())


def test_client_metadata_reaches_the_servers_log(daemon: Daemon) -> None:
    request_id = f"pytest-{time.monotonic_ns()}"
    with daemon.connect(metadata=[("request-id", request_id)]) as client:
        client.health()
    wait_until(lambda: f"request_id={request_id}" in daemon.log(), 5, "the request id in dealsd's log")
    with pytest.raises(DealStoreError) as caught:
        daemon.connect(metadata=[("Request-ID", "x")])
    assert caught.value.code == StatusCode.INVALID_ARGUMENT
