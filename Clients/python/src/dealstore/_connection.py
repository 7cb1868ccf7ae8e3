"""One TLS connection speaking the DealStore frame protocol (PROTOCOL.md sections 1-10), on asyncio.

A connection multiplexes many calls. Everything runs on one event loop, so frames are written whole and in
order without locks. This module knows frames, windows and streams; which method a call runs and how its
messages decode is the client's business (``_async_client``).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import ssl
import struct
from collections.abc import Callable, Sequence

from dealstore._errors import DealStoreError, StatusCode
from dealstore.v1 import wire_pb2

ALPN = "dealstore/1"
PROTOCOL_VERSION = 1
DEFAULT_FRAME_SIZE = 4 * 1024 * 1024
DEFAULT_WINDOW = 4 * 1024 * 1024
DEFAULT_STREAMS = 100
MAX_WINDOW = 2**31 - 1

HELLO, HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY, WINDOW_UPDATE = range(1, 10)
_CONNECTION_FRAMES = frozenset({HELLO, PING, PONG, GOAWAY})
_CALL_FRAMES = frozenset({HEADERS, MESSAGE, TRAILERS, CANCEL, WINDOW_UPDATE})
END_STREAM = 0x01
_HEADER = struct.Struct(">IBBHI")
_LENGTH = struct.Struct(">I")


def encode_frame(kind: int, stream_id: int, payload: bytes = b"", flags: int = 0) -> bytes:
    """One frame: length (8 + payload), type, flags, reserved, stream id, payload."""
    return _HEADER.pack(8 + len(payload), kind, flags, 0, stream_id) + payload


class Unprocessed(Exception):
    """The server did not process the call (GOAWAY named a lower stream id, or HEADERS were never sent)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ProtocolViolation(Exception):
    def __init__(self, code: StatusCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


_Event = tuple[int, object]  # (MESSAGE, bytes) | (TRAILERS, wire_pb2.Trailers) | (0, BaseException)


class Stream:
    """One call on a connection: the responses arrive in ``receive``, requests leave through ``send``."""

    def __init__(self, connection: Connection, stream_id: int, send_window: int) -> None:
        self.connection = connection
        self.stream_id = stream_id
        self.send_window = send_window
        self.recv_window = connection.local_window
        self.recv_consumed = 0
        self.finished = False  # TRAILERS, CANCEL or an error ended it; nothing more is sent
        self.half_closed = False
        self._events: collections.deque[_Event] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self._window_waiter: asyncio.Future[None] | None = None

    # --- from the connection's reader ---

    def _push(self, event: _Event) -> None:
        self._events.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _finish(self, event: _Event) -> None:
        self.finished = True
        self._push(event)
        self._wake_sender()

    def _wake_sender(self) -> None:
        waiter = self._window_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- for the caller ---

    async def receive(self, deadline: float | None) -> bytes | None:
        """The next response payload; ``None`` after TRAILERS OK. Raises DealStoreError (or Unprocessed)."""
        while not self._events:
            self._waiter = self.connection.loop.create_future()
            try:
                if deadline is None:
                    await self._waiter
                else:
                    async with asyncio.timeout_at(deadline):
                        await self._waiter
            except TimeoutError:
                self.cancel("deadline exceeded (client timer)")
                raise DealStoreError.local(
                    StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed before the server answered"
                ) from None
            except asyncio.CancelledError:
                self.cancel("cancelled by the caller")
                raise
            finally:
                self._waiter = None
        kind, value = self._events.popleft()
        if kind == MESSAGE:
            assert isinstance(value, bytes)
            self.connection._consumed(self, len(value))
            return value
        if kind == TRAILERS:
            assert isinstance(value, wire_pb2.Trailers)
            if value.code != StatusCode.OK:
                details = {entry.key: entry.value.decode("utf-8", "replace") for entry in value.metadata}
                raise DealStoreError(StatusCode.from_wire(value.code), value.message, details)
            return None
        assert isinstance(value, BaseException)
        raise value

    async def send(self, payload: bytes, end_stream: bool, deadline: float | None) -> bool:
        """Sends one request MESSAGE, waiting for window. False when the call already ended (stop sending)."""
        connection = self.connection
        if len(payload) > connection.peer_max_frame:
            raise DealStoreError.local(
                StatusCode.RESOURCE_EXHAUSTED,
                f"request message of {len(payload)} bytes is larger than the server's max_frame_size "
                f"({connection.peer_max_frame} bytes); send smaller records",
            )
        while not self.finished and self.send_window < len(payload):
            self._window_waiter = connection.loop.create_future()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._window_waiter
            except TimeoutError:
                self.cancel("deadline exceeded (client timer)")
                raise DealStoreError.local(
                    StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed waiting for flow-control credit"
                ) from None
            except asyncio.CancelledError:
                self.cancel("cancelled by the caller")
                raise
            finally:
                self._window_waiter = None
        if self.finished:
            return False
        self.send_window -= len(payload)
        self.half_closed = end_stream
        connection._write(encode_frame(MESSAGE, self.stream_id, payload, END_STREAM if end_stream else 0))
        await connection._drain()
        return True

    def cancel(self, reason: str = "") -> None:
        """Abandons the call: CANCEL to the server (PROTOCOL.md section 7); no TRAILERS are expected after it."""
        if self.finished:
            return
        self.finished = True
        self._wake_sender()
        connection = self.connection
        if connection._streams.pop(self.stream_id, None) is not None:
            connection._write(encode_frame(CANCEL, self.stream_id, wire_pb2.Cancel(reason=reason).SerializeToString()))
            connection._stream_closed()


class Connection:
    """A connected, HELLO-negotiated DealStore connection."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        keepalive_interval: float,
        keepalive_timeout: float,
        receive_window: int = DEFAULT_WINDOW,
        max_frame_size: int = DEFAULT_FRAME_SIZE,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self._reader = reader
        self._writer = writer
        self._streams: dict[int, Stream] = {}
        self._ids = itertools.count(1)
        self._last_id = 0
        self.local_window = receive_window
        self.local_max_frame = max_frame_size
        self.peer_window = DEFAULT_WINDOW  # until the server's HELLO arrives (PROTOCOL.md section 4)
        self.peer_max_frame = DEFAULT_FRAME_SIZE
        self.max_streams = DEFAULT_STREAMS
        self.min_ping_interval = 0.0
        self.server_hello: wire_pb2.Hello | None = None
        self.goaway: wire_pb2.GoAway | None = None
        self.closed: DealStoreError | None = None
        self.pongs_received = 0
        self.window_updates_sent = 0
        self.window_updates_received = 0
        self._hello = self.loop.create_future()
        self._slot_waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._pings: dict[int, asyncio.Future[None]] = {}
        self._ping_ids = itertools.count(1)
        self._last_received = self.loop.time()
        self._keepalive_interval = keepalive_interval
        self._keepalive_timeout = keepalive_timeout
        self._closed_event = asyncio.Event()
        # Frames written in one turn of the loop leave in one TLS write (64 calls started together: one syscall).
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._flush_scheduled = False
        self._reader_task = self.loop.create_task(self._read_loop(), name="dealstore-reader")
        self._keepalive_task: asyncio.Task[None] | None = None
        # Told the `revision` of every TRAILERS (PROTOCOL.md section 19), before the call sees its end.
        self.observe_revision: Callable[[int], None] | None = None

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        context: ssl.SSLContext,
        *,
        agent: str,
        connect_timeout: float,
        keepalive_interval: float,
        keepalive_timeout: float,
        receive_window: int = DEFAULT_WINDOW,
        max_frame_size: int = DEFAULT_FRAME_SIZE,
    ) -> Connection:
        """TCP, TLS (ALPN dealstore/1, chain and name verified), HELLO both ways; raises DealStoreError."""
        writer: asyncio.StreamWriter | None = None
        connection: Connection | None = None
        try:
            async with asyncio.timeout(connect_timeout):
                # CPython sends no SNI for an IP literal and checks it against the IP SANs (PROTOCOL.md 1).
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host, ssl_handshake_timeout=connect_timeout
                )
                ssl_object = writer.get_extra_info("ssl_object")
                selected = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
                if selected != ALPN:
                    raise DealStoreError(
                        StatusCode.UNAVAILABLE,
                        f"{host}:{port} did not select the ALPN protocol {ALPN} (got {selected!r}); "
                        "is it a DealStore server?",
                        {"local": "true", "tls": "true"},  # the same every time: not retried
                    )
                connection = cls(
                    reader,
                    writer,
                    keepalive_interval=keepalive_interval,
                    keepalive_timeout=keepalive_timeout,
                    receive_window=receive_window,
                    max_frame_size=max_frame_size,
                )
                hello = wire_pb2.Hello(
                    min_version=PROTOCOL_VERSION,
                    max_version=PROTOCOL_VERSION,
                    agent=agent,
                    max_frame_size=0 if max_frame_size == DEFAULT_FRAME_SIZE else max_frame_size,
                    initial_window_size=0 if receive_window == DEFAULT_WINDOW else receive_window,
                )
                connection._write(encode_frame(HELLO, 0, hello.SerializeToString()))
                await asyncio.shield(connection._hello)
                return connection
        except DealStoreError:
            cls._abandon(writer, connection)
            raise
        except TimeoutError:
            cls._abandon(writer, connection)
            raise DealStoreError.local(
                StatusCode.UNAVAILABLE,
                f"connecting to {host}:{port} (TCP, TLS and HELLO) took longer than {connect_timeout:g} s",
            ) from None
        except ssl.SSLCertVerificationError as error:
            raise DealStoreError(
                StatusCode.UNAVAILABLE,
                f"the certificate of {host}:{port} is not trusted: {error.verify_message}; pass the CA that "
                'issued it (ca=, DEALS_CA, or the profile\'s "ca")',
                {"local": "true", "tls": "true"},
            ) from error
        except ssl.SSLError as error:
            raise DealStoreError(
                StatusCode.UNAVAILABLE,
                f"TLS with {host}:{port} failed: {error.reason or error}; check the address, the CA and any "
                "client certificate",
                {"local": "true", "tls": "true"},
            ) from error
        except OSError as error:
            raise DealStoreError.local(
                StatusCode.UNAVAILABLE,
                f"cannot connect to {host}:{port}: {error.strerror or error}; is dealsd running there?",
            ) from error

    @staticmethod
    def _abandon(writer: asyncio.StreamWriter | None, connection: Connection | None) -> None:
        if connection is not None:
            connection._shutdown(DealStoreError.local(StatusCode.UNAVAILABLE, "the connection was not established"))
        elif writer is not None:
            writer.close()

    # --- state ---

    @property
    def usable(self) -> bool:
        """True while new calls may start here (not closed, no GOAWAY)."""
        return self.closed is None and self.goaway is None

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    # --- calls ---

    async def open_stream(
        self,
        headers: bytes,
        first: bytes | None,
        end_stream: bool,
        deadline: float | None,
    ) -> Stream:
        """Opens a call with HEADERS (and its first MESSAGE if given), queuing past max_concurrent_streams.

        Raises Unprocessed when the connection cannot take the call: it is then safe to retry elsewhere.
        """
        while self.usable and len(self._streams) >= self.max_streams:
            waiter = self.loop.create_future()
            self._slot_waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except TimeoutError:
                raise DealStoreError.local(
                    StatusCode.DEADLINE_EXCEEDED,
                    f"the call's deadline passed while waiting for one of the {self.max_streams} streams "
                    "the server allows per connection",
                ) from None
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._stream_closed()  # pass the free slot on
                raise
        if self.closed is not None:
            raise Unprocessed(f"the connection closed before the call started ({self.closed.message})")
        if self.goaway is not None:
            raise Unprocessed("the server is going away (GOAWAY)")
        stream_id = next(self._ids)
        self._last_id = stream_id
        stream = Stream(self, stream_id, self.peer_window)
        self._streams[stream_id] = stream
        data = encode_frame(HEADERS, stream_id, headers, END_STREAM if end_stream and first is None else 0)
        if first is not None:
            if len(first) > self.peer_max_frame:
                self._streams.pop(stream_id)
                self._stream_closed()
                raise DealStoreError.local(
                    StatusCode.RESOURCE_EXHAUSTED,
                    f"request message of {len(first)} bytes is larger than the server's max_frame_size "
                    f"({self.peer_max_frame} bytes)",
                )
            # A fresh stream's window always holds one frame-sized message (window >= max_frame_size).
            stream.send_window -= len(first)
            stream.half_closed = end_stream
            data += encode_frame(MESSAGE, stream_id, first, END_STREAM if end_stream else 0)
        elif end_stream:
            stream.half_closed = True
        self._write(data)
        await self._drain()
        return stream

    def _stream_closed(self) -> None:
        """A stream left the open set: wake one caller waiting for a slot; close a drained GOAWAY connection."""
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break
        if self.goaway is not None and not self._streams and self.closed is None:
            self._shutdown(DealStoreError.local(StatusCode.UNAVAILABLE, "the server went away (GOAWAY)"))

    def _consumed(self, stream: Stream, size: int) -> None:
        """The caller read `size` payload bytes: grant credit once half the window is used (PROTOCOL.md 8)."""
        stream.recv_consumed += size
        if stream.finished or stream.recv_consumed < self.local_window // 2:
            return
        increment, stream.recv_consumed = stream.recv_consumed, 0
        stream.recv_window += increment
        self.window_updates_sent += 1
        self._write(
            encode_frame(
                WINDOW_UPDATE, stream.stream_id, wire_pb2.WindowUpdate(increment=increment).SerializeToString()
            )
        )

    async def ping(self, timeout: float) -> bool:
        """Sends PING and waits for its PONG; False when none came within `timeout` seconds."""
        opaque = next(self._ping_ids)
        waiter = self.loop.create_future()
        self._pings[opaque] = waiter
        self._write(encode_frame(PING, 0, wire_pb2.Ping(opaque=opaque).SerializeToString()))
        try:
            async with asyncio.timeout(timeout):
                await waiter
            return True
        except TimeoutError:
            return False
        finally:
            self._pings.pop(opaque, None)

    async def close(self, reason: str = "closed by the client") -> None:
        """Sends GOAWAY (notice only, PROTOCOL.md 10), fails open calls with CANCELLED and closes."""
        if self.closed is None:
            self._write(encode_frame(GOAWAY, 0, wire_pb2.GoAway(last_stream_id=0, reason=reason).SerializeToString()))
            self._shutdown(DealStoreError.local(StatusCode.CANCELLED, f"the client was closed ({reason})"))
        await self.wait_closed()

    async def wait_closed(self) -> None:
        await self._closed_event.wait()
        try:
            # A peer that never answers close_notify would hold this for asyncio's 30 s TLS shutdown timeout.
            async with asyncio.timeout(2):
                await self._writer.wait_closed()
        except (OSError, ssl.SSLError, TimeoutError):
            pass

    # --- writing ---

    def _write(self, data: bytes) -> None:
        if self.closed is not None:
            return
        self._pending.append(data)
        self._pending_size += len(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            self._pending_size = 0
            self._writer.write(data)

    async def _drain(self) -> None:
        """Waits while the socket is backed up (a large import), so requests do not pile up in memory."""
        if self.closed is not None:
            return
        if self._pending_size < 256 * 1024:
            return  # flushed by the loop in a moment, with the frames of other calls
        self._flush()
        try:
            await self._writer.drain()
        except (OSError, ssl.SSLError) as error:
            self._shutdown(DealStoreError.local(StatusCode.UNAVAILABLE, f"the connection failed: {error}"))

    # --- reading ---

    async def _read_loop(self) -> None:
        reader = self._reader
        error: DealStoreError
        try:
            while True:
                (length,) = _LENGTH.unpack(await reader.readexactly(4))
                if length & 0xC0000000:
                    raise _ProtocolViolation(StatusCode.INTERNAL, "reserved length bits set")
                if length < 8:
                    raise _ProtocolViolation(StatusCode.INTERNAL, "frame_too_short")
                if length - 8 > self.local_max_frame:  # decided from the header alone
                    raise _ProtocolViolation(StatusCode.RESOURCE_EXHAUSTED, "frame_too_large")
                frame = await reader.readexactly(length)
                self._last_received = self.loop.time()
                self._dispatch(frame[0], frame[1], int.from_bytes(frame[4:8], "big"), frame[8:])
        except asyncio.IncompleteReadError as eof:
            error = self._lost("the server closed the connection" + (" inside a frame" if eof.partial else ""))
        except _ProtocolViolation as violation:
            self._write(
                encode_frame(
                    GOAWAY,
                    0,
                    wire_pb2.GoAway(last_stream_id=0, code=violation.code, reason=violation.reason).SerializeToString(),
                )
            )
            error = DealStoreError.local(violation.code, f"protocol violation by the server: {violation.reason}")
        except ssl.SSLError as failure:
            # With TLS 1.3 a refused client certificate shows up here, after the handshake: no use retrying.
            error = DealStoreError(
                StatusCode.UNAVAILABLE,
                f"TLS failed: {failure.reason or failure}; check the CA and the client certificate (the server "
                "may require one); calls in flight may or may not have been processed",
                {"local": "true", "tls": "true"},
            )
        except OSError as failure:
            error = self._lost(f"the connection failed: {failure}")
        except asyncio.CancelledError:
            error = DealStoreError.local(StatusCode.CANCELLED, "the connection was closed")
        except Exception as failure:  # a payload that does not decode, for instance
            error = DealStoreError.local(StatusCode.INTERNAL, f"bad frame from the server: {failure!r}")
        self._shutdown(error)

    def _lost(self, what: str) -> DealStoreError:
        if self.goaway is not None and self.goaway.code != StatusCode.OK:
            code = StatusCode.from_wire(self.goaway.code)
            return DealStoreError.local(code, f"{what} after GOAWAY {code.name}: {self.goaway.reason}")
        return DealStoreError.local(
            StatusCode.UNAVAILABLE, f"{what}; calls in flight may or may not have been processed"
        )

    def _dispatch(self, kind: int, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            if kind in _CALL_FRAMES or kind not in _CONNECTION_FRAMES:
                raise _ProtocolViolation(StatusCode.INTERNAL, f"frame type {kind} on stream 0")
            if kind == HELLO:
                self._on_hello(wire_pb2.Hello.FromString(payload))
            elif kind == PING:
                self._write(encode_frame(PONG, 0, payload))  # echo the payload unchanged
            elif kind == PONG:
                self.pongs_received += 1
                waiter = self._pings.get(wire_pb2.Ping.FromString(payload).opaque)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
            elif kind == GOAWAY:
                self._on_goaway(wire_pb2.GoAway.FromString(payload))
            return
        if kind in _CONNECTION_FRAMES:
            raise _ProtocolViolation(StatusCode.INTERNAL, f"connection frame type {kind} on stream {stream_id}")
        if kind not in _CALL_FRAMES:
            return  # an undefined type on a call stream is ignored (the extension point)
        if kind == HEADERS:
            raise _ProtocolViolation(StatusCode.INTERNAL, "HEADERS from the server")
        stream = self._streams.get(stream_id)
        if stream is None:
            return  # a stream we cancelled or that ended: late frames are ignored
        if kind == MESSAGE:
            if len(payload) > stream.recv_window:
                raise _ProtocolViolation(StatusCode.RESOURCE_EXHAUSTED, "MESSAGE over the stream's window")
            stream.recv_window -= len(payload)
            stream._push((MESSAGE, payload))
        elif kind == WINDOW_UPDATE:
            increment = wire_pb2.WindowUpdate.FromString(payload).increment
            if increment == 0 or stream.send_window + increment > MAX_WINDOW:
                raise _ProtocolViolation(StatusCode.INTERNAL, "bad WINDOW_UPDATE increment")
            stream.send_window += increment
            self.window_updates_received += 1
            stream._wake_sender()
        elif kind == TRAILERS:
            del self._streams[stream_id]
            trailers = wire_pb2.Trailers.FromString(payload)
            if self.observe_revision is not None:
                revision = trailer_revision(trailers)
                if revision is not None:
                    self.observe_revision(revision)
            stream._finish((TRAILERS, trailers))
            self._stream_closed()
        elif kind == CANCEL:
            del self._streams[stream_id]
            reason = wire_pb2.Cancel.FromString(payload).reason
            stream._finish((0, DealStoreError(StatusCode.CANCELLED, f"cancelled by the server: {reason}")))
            self._stream_closed()

    def _on_hello(self, hello: wire_pb2.Hello) -> None:
        if self.server_hello is not None:
            raise _ProtocolViolation(StatusCode.INTERNAL, "second HELLO")
        self.server_hello = hello
        self.peer_max_frame = hello.max_frame_size or DEFAULT_FRAME_SIZE
        self.max_streams = hello.max_concurrent_streams or DEFAULT_STREAMS
        window = hello.initial_window_size or DEFAULT_WINDOW
        for stream in self._streams.values():  # streams opened before HELLO assumed the default
            stream.send_window += window - self.peer_window
        self.peer_window = window
        self.min_ping_interval = hello.min_ping_interval_millis / 1000
        if not self._hello.done():
            self._hello.set_result(None)
        if self._keepalive_interval > 0:
            self._keepalive_task = self.loop.create_task(self._keepalive(), name="dealstore-keepalive")

    def _on_goaway(self, goaway: wire_pb2.GoAway) -> None:
        if self.server_hello is None and goaway.code != StatusCode.OK:
            # A refusal of the connection itself (protocol version, HELLO fields).
            error = DealStoreError.local(
                StatusCode.from_wire(goaway.code), f"the server refused the connection: {goaway.reason}"
            )
            if not self._hello.done():
                self._hello.set_exception(error)
            self._shutdown(error)
            return
        self.goaway = goaway
        for stream_id in [sid for sid in self._streams if sid > goaway.last_stream_id]:
            stream = self._streams.pop(stream_id)
            stream._finish((0, Unprocessed(f"GOAWAY last_stream_id={goaway.last_stream_id}: {goaway.reason}")))
        for waiter in self._slot_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._slot_waiters.clear()
        if not self._streams:
            self._stream_closed()

    async def _keepalive(self) -> None:
        """While calls are open and the server is silent for an interval, PING; no PONG in time: connection dead.

        The interval is never below the server's min_ping_interval_millis plus 10%, so that network jitter cannot
        make two PINGs arrive closer than the minimum and count as strikes.
        """
        interval = max(self._keepalive_interval, self.min_ping_interval * 1.1)
        while self.closed is None:
            await asyncio.sleep(interval)
            if not self._streams or self.loop.time() - self._last_received < interval:
                continue
            if not await self.ping(self._keepalive_timeout) and self.closed is None:
                self._shutdown(
                    DealStoreError.local(
                        StatusCode.UNAVAILABLE,
                        f"no PONG within {self._keepalive_timeout:g} s of a keepalive PING: the connection is "
                        "presumed dead; calls in flight may or may not have been processed",
                    )
                )

    def _shutdown(self, error: DealStoreError) -> None:
        if self.closed is not None:
            return
        self._flush()  # a GOAWAY written just before goes out before the close
        self.closed = error
        if not self._hello.done():
            self._hello.set_exception(error)
        streams = list(self._streams.values())
        self._streams.clear()
        for stream in streams:
            stream._finish((0, error))
        for waiter in self._slot_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._slot_waiters.clear()
        for ping in self._pings.values():
            if not ping.done():
                ping.set_result(None)
        current = asyncio.current_task()
        if self._keepalive_task is not None and self._keepalive_task is not current:
            self._keepalive_task.cancel()
        if self._reader_task is not current:
            self._reader_task.cancel()
        try:
            self._writer.close()
        except (OSError, RuntimeError):
            pass
        self._closed_event.set()


def metadata_entries(pairs: Sequence[tuple[str, str]]) -> list[wire_pb2.MetadataEntry]:
    """MetadataEntry messages for (key, value) pairs."""
    return [wire_pb2.MetadataEntry(key=key, value=value.encode("utf-8")) for key, value in pairs]


def trailer_revision(trailers: wire_pb2.Trailers) -> int | None:
    """The ``revision`` metadata of TRAILERS (the store revision the answer was served at), if valid."""
    for entry in trailers.metadata:
        if entry.key == "revision":
            text = entry.value.decode("ascii", "replace")
            if text.isdigit() and text.isascii() and int(text) < 2**64:
                return int(text)
            return None
    return None
