"""A scripted DealStore server for behaviour a real dealsd cannot be made to show on cue.

It speaks just enough of the protocol (TLS with ALPN, HELLO, frames) for a test to decide, frame by frame, what
the client sees: a GOAWAY naming a chosen stream, a server that stops answering PINGs. The TLS certificate is a
real dealsd's development certificate, so the client verifies it as usual.
"""

from __future__ import annotations

import asyncio
import ssl
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path

from dealstore.v1 import wire_pb2

HELLO, HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY, WINDOW_UPDATE = range(1, 10)
END_STREAM = 1

Frame = tuple[int, int, int, bytes]  # type, flags, stream id, payload


class ScriptedConnection:
    """One accepted connection; the script reads and writes frames through it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.received: list[Frame] = []

    async def read_frame(self) -> Frame:
        (length,) = struct.unpack(">I", await self.reader.readexactly(4))
        data = await self.reader.readexactly(length)
        frame = (data[0], data[1], int.from_bytes(data[4:8], "big"), data[8:])
        self.received.append(frame)
        return frame

    def send(self, kind: int, stream_id: int, payload: bytes = b"", flags: int = 0) -> None:
        self.writer.write(struct.pack(">IBBHI", 8 + len(payload), kind, flags, 0, stream_id) + payload)

    async def hello(self, **fields: int) -> None:
        """Reads the client's HELLO and answers with the server's (version 1 and `fields`)."""
        kind, _, _, _ = await self.read_frame()
        assert kind == HELLO
        self.send(
            HELLO, 0, wire_pb2.Hello(min_version=1, max_version=1, agent="scripted", **fields).SerializeToString()
        )

    async def read_calls(self, count: int) -> list[tuple[int, str]]:
        """Reads frames until `count` calls have sent HEADERS and their request ended; their (id, method)."""
        calls: dict[int, str] = {}
        ended: set[int] = set()
        while len(ended) < count:
            kind, flags, stream_id, payload = await self.read_frame()
            if kind == HEADERS:
                calls[stream_id] = wire_pb2.CallHeaders.FromString(payload).method
            if kind in (HEADERS, MESSAGE) and flags & END_STREAM:
                ended.add(stream_id)
        return sorted(calls.items())

    def answer(self, stream_id: int, message: bytes) -> None:
        self.send(MESSAGE, stream_id, message)
        self.send(TRAILERS, stream_id, b"", END_STREAM)

    def goaway(self, last_stream_id: int, code: int = 0, reason: str = "scripted shutdown") -> None:
        self.send(
            GOAWAY, 0, wire_pb2.GoAway(last_stream_id=last_stream_id, code=code, reason=reason).SerializeToString()
        )

    def headers_received(self) -> list[int]:
        return [stream_id for kind, _, stream_id, _ in self.received if kind == HEADERS]


Script = Callable[[int, ScriptedConnection], Awaitable[None]]


class ScriptedServer:
    """Listens on 127.0.0.1 (port 0) and runs `script(index, connection)` for each connection it accepts."""

    def __init__(self, certificate_dir: Path, script: Script, alpn: str = "dealstore/1") -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificate_dir / "server.pem", certificate_dir / "server-key.pem")
        if alpn:
            self.context.set_alpn_protocols([alpn])
        self.script = script
        self.connections: list[ScriptedConnection] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0, ssl=self.context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for connection in self.connections:
            connection.writer.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = ScriptedConnection(reader, writer)
        self.connections.append(connection)
        try:
            await self.script(len(self.connections) - 1, connection)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
