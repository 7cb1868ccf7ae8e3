#!/usr/bin/env python3
"""A small DealStore protocol client, written from Protocol/PROTOCOL.md alone.

Standard library (ssl, socket, threading) plus the `protobuf` package. The Python message modules are generated
at run time with `protoc --python_out` from Protocol/dealstore/v1/*.proto into a temporary directory.

    python3 dealstore_client.py --addr 127.0.0.1:7443 --ca ca.pem --token TOKEN info|list|get ID|export|summarize

As a library:

    with DealStoreConnection.open("127.0.0.1", 7443, ca_file="ca.pem", token="...") as conn:
        deal = conn.unary("/dealstore.v1.Deals/GetDeal", pb.deals.GetDealRequest(id="x"), pb.model.Deal)

One connection multiplexes many calls (thread-safe). A single I/O thread owns the TLS socket; callers exchange
frames with it through per-call queues.
"""
from __future__ import annotations

import argparse
import glob
import importlib
import ipaddress
import os
import queue
import selectors
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import types

# --- generated protobuf modules -------------------------------------------------------------------------------

PROTOCOL_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def load_protos(protocol_dir: str = PROTOCOL_DIR) -> types.SimpleNamespace:
    """Runs protoc on dealstore/v1/*.proto into a temporary directory and imports the *_pb2 modules."""
    protoc = shutil.which("protoc")
    if protoc is None:
        raise RuntimeError("protoc not found (apt-get install protobuf-compiler)")
    out = tempfile.mkdtemp(prefix="dealstore-pb2-")
    files = sorted(os.path.relpath(p, protocol_dir) for p in glob.glob(os.path.join(protocol_dir, "dealstore/v1/*.proto")))
    subprocess.run([protoc, "-I", protocol_dir, "--python_out", out, *files], check=True)
    sys.path.insert(0, out)
    names = ["wire", "model", "query", "deals", "organizations", "health", "server"]
    return types.SimpleNamespace(**{n: importlib.import_module(f"dealstore.v1.{n}_pb2") for n in names})


pb = load_protos()

# --- constants from PROTOCOL.md -------------------------------------------------------------------------------

ALPN = "dealstore/1"
PROTOCOL_VERSION = 1
HEADER_SIZE = 12  # 4-byte length + type, flags, reserved(2), stream_id(4)
DEFAULT_FRAME_SIZE = 4 * 1024 * 1024
DEFAULT_WINDOW = 4 * 1024 * 1024
DEFAULT_STREAMS = 100
MAX_WINDOW = 2**31 - 1

HELLO, HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY, WINDOW_UPDATE = range(1, 10)
FRAME_NAMES = {1: "HELLO", 2: "HEADERS", 3: "MESSAGE", 4: "TRAILERS", 5: "CANCEL", 6: "PING", 7: "PONG",
               8: "GOAWAY", 9: "WINDOW_UPDATE"}
CONNECTION_FRAMES = {HELLO, PING, PONG, GOAWAY}
CALL_FRAMES = {HEADERS, MESSAGE, TRAILERS, CANCEL, WINDOW_UPDATE}
END_STREAM = 0x01

STATUS_NAMES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
OK, CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE = 0, 1, 4, 8, 13, 14


def status_name(code: int) -> str:
    return STATUS_NAMES[code] if 0 <= code < len(STATUS_NAMES) else f"CODE_{code}"


class DealStoreError(Exception):
    """A call that ended with a non-OK status (from TRAILERS, a GOAWAY, or the client itself)."""

    def __init__(self, code: int, message: str, *, local: bool = False, retry_safe: bool = False):
        super().__init__(f"{status_name(code)} ({code}): {message}")
        self.code = code
        self.message = message
        self.local = local  # decided by this client (its deadline timer, a closed connection), not by TRAILERS
        self.retry_safe = retry_safe  # the server did not process the call (stream id above GOAWAY last_stream_id)


def encode_frame(kind: int, stream_id: int, payload: bytes = b"", flags: int = 0) -> bytes:
    return struct.pack(">IBBHI", 8 + len(payload), kind, flags, 0, stream_id) + payload


# --- calls ----------------------------------------------------------------------------------------------------


class Call:
    """One stream. Created by DealStoreConnection.start_call; events arrive from the I/O thread."""

    def __init__(self, conn: "DealStoreConnection", stream_id: int, method: str, timeout: float | None):
        self.conn = conn
        self.stream_id = stream_id
        self.method = method
        self.deadline = time.monotonic() + timeout if timeout else None
        self.events: queue.Queue = queue.Queue()
        self.send_window = conn.peer_initial_window  # guarded by conn.cond
        self.recv_window = conn.local_initial_window  # guarded by conn.cond (I/O thread decrements)
        self.recv_consumed = 0
        self.half_closed = False
        self.done = False
        self.trailers = None

    # Requests.
    def send(self, message, end_stream: bool = False) -> None:
        if self.half_closed:
            raise RuntimeError("MESSAGE after END_STREAM")
        payload = message.SerializeToString()
        with self.conn.cond:
            # Flow control: never send a MESSAGE larger than the remaining window; wait for WINDOW_UPDATE.
            while not self.done and self.send_window < len(payload):
                if not self.conn.cond.wait(timeout=self._remaining()):
                    break
            if self.done:
                return  # the call ended (non-OK TRAILERS); the client MUST stop sending
            if self.send_window < len(payload):
                raise DealStoreError(DEADLINE_EXCEEDED, "deadline passed waiting for flow-control credit",
                                     local=True)
            self.send_window -= len(payload)
        self.half_closed = end_stream
        self.conn._send(encode_frame(MESSAGE, self.stream_id, payload, END_STREAM if end_stream else 0))

    # Responses.
    def _remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def receive(self, response_type):
        """The next response message, or None once TRAILERS OK arrived. Raises DealStoreError on failure."""
        if self.trailers is not None:
            return None
        try:
            kind, value = self.events.get(timeout=self._remaining())
        except queue.Empty:
            self.cancel("deadline exceeded (client timer)")
            raise DealStoreError(DEADLINE_EXCEEDED, "deadline exceeded (client timer)", local=True) from None
        if kind == "message":
            self.conn._consumed(self, len(value))
            out = response_type()
            out.ParseFromString(value)
            return out
        if kind == "trailers":
            self.trailers = value
            if value.code != OK:
                raise DealStoreError(value.code, value.message)
            return None
        raise value  # a DealStoreError from the connection (GOAWAY, close, server CANCEL)

    def responses(self, response_type):
        while (message := self.receive(response_type)) is not None:
            yield message

    def cancel(self, reason: str = "") -> None:
        """Sends CANCEL; nothing more is expected on the stream (no TRAILERS)."""
        if self.conn._finish(self):
            self.conn._send(encode_frame(CANCEL, self.stream_id, pb.wire.Cancel(reason=reason).SerializeToString()))


# --- the connection -------------------------------------------------------------------------------------------


class DealStoreConnection:
    def __init__(self, sock: ssl.SSLSocket, token: str | None, agent: str):
        self.sock = sock
        self.token = token
        self.cond = threading.Condition()
        self.calls: dict[int, Call] = {}
        self.next_stream_id = 1
        self.server_hello = None
        self.goaway = None  # the server's GoAway, once received
        self.closed: DealStoreError | None = None
        self.local_initial_window = DEFAULT_WINDOW  # we announce 0 = 4 MiB
        self.local_max_frame = DEFAULT_FRAME_SIZE
        self.peer_initial_window = DEFAULT_WINDOW  # until the server's HELLO arrives (PROTOCOL.md section 4)
        self.peer_max_frame = DEFAULT_FRAME_SIZE
        self.max_streams = DEFAULT_STREAMS
        self.pongs: dict[int, threading.Event] = {}
        self.stray_frames: list[tuple[int, int]] = []  # (type, stream) for streams no longer open
        self.frame_log: list[tuple[int, int]] = []  # (type, stream) of every frame received, in order
        self._outbox = bytearray()
        self._wake_r, self._wake_w = socket.socketpair()
        # Written with conn.cond held: a blocking write to a full pair would wait for the I/O thread, which waits
        # for conn.cond. A full pair already holds a wake-up, so a write that would block can be dropped.
        self._wake_w.setblocking(False)
        self._io = threading.Thread(target=self._io_loop, name="dealstore-io", daemon=True)
        sock.setblocking(False)
        self._io.start()
        hello = pb.wire.Hello(min_version=PROTOCOL_VERSION, max_version=PROTOCOL_VERSION, agent=agent,
                              max_frame_size=0, initial_window_size=0)
        self._send(encode_frame(HELLO, 0, hello.SerializeToString()))

    @classmethod
    def open(cls, host: str, port: int, *, ca_file: str, token: str | None = None, agent: str = "dealstore-py/0.1",
             server_name: str | None = None, wait_hello: float = 10.0, tls_context: ssl.SSLContext | None = None):
        """TCP + TLS (1.3, ALPN dealstore/1, chain and name verified against ca_file), then HELLO."""
        context = tls_context or tls_client_context(ca_file)
        name = server_name or host
        raw = socket.create_connection((host, port), timeout=10)
        try:
            # CPython sends no SNI for an IP literal and verifies it against the IP SANs (PROTOCOL.md section 1).
            sock = context.wrap_socket(raw, server_hostname=name)
        except BaseException:
            raw.close()
            raise
        if sock.selected_alpn_protocol() != ALPN:
            sock.close()
            raise ConnectionError(f"server selected ALPN {sock.selected_alpn_protocol()!r}, not {ALPN}")
        conn = cls(sock, token, agent)
        if wait_hello:
            conn.wait_for_hello(wait_hello)
        return conn

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # Public API.
    def wait_for_hello(self, timeout: float):
        with self.cond:
            self.cond.wait_for(lambda: self.server_hello is not None or self.closed is not None, timeout)
            if self.server_hello is None:
                raise self.closed or DealStoreError(UNAVAILABLE, "no HELLO from the server", local=True)
            return self.server_hello

    def start_call(self, method: str, *, timeout: float | None = None, token: str | None = ...,
                   metadata: dict[str, str] | None = None, end_stream: bool = False,
                   local_timer: bool = True) -> Call:
        """Opens a stream with HEADERS. `token=None` sends no credentials; the default uses the connection's."""
        token = self.token if token is ... else token
        headers = pb.wire.CallHeaders(method=method, timeout_micros=int(timeout * 1_000_000) if timeout else 0)
        if token:
            headers.metadata.add(key="authorization", value=f"Bearer {token}".encode())
        for key, value in (metadata or {}).items():
            headers.metadata.add(key=key, value=value.encode())
        with self.cond:
            # Queue instead of exceeding max_concurrent_streams (PROTOCOL.md section 5).
            self.cond.wait_for(lambda: self.closed or self.goaway or len(self.calls) < self.max_streams)
            if self.closed:
                raise self.closed
            if self.goaway is not None:
                raise DealStoreError(UNAVAILABLE, "connection is going away; open a new one", local=True,
                                     retry_safe=True)
            stream_id = self.next_stream_id
            self.next_stream_id += 1
            call = Call(self, stream_id, method, timeout if local_timer else None)
            call.half_closed = end_stream
            self.calls[stream_id] = call
            # Enqueued under the lock, so HEADERS leave in increasing stream id order.
            self._send_locked(encode_frame(HEADERS, stream_id, headers.SerializeToString(),
                                           END_STREAM if end_stream else 0))
        return call

    def unary(self, method: str, request, response_type, **kwargs):
        call = self.start_call(method, **kwargs)
        call.send(request, end_stream=True)
        response = call.receive(response_type)
        if response is None:
            raise DealStoreError(INTERNAL, "TRAILERS OK without a response message", local=True)
        if call.receive(response_type) is not None:
            raise DealStoreError(INTERNAL, "more than one response message for a unary call", local=True)
        return response

    def server_stream(self, method: str, request, response_type, **kwargs):
        call = self.start_call(method, **kwargs)
        call.send(request, end_stream=True)
        return call.responses(response_type)

    def client_stream(self, method: str, requests, response_type, **kwargs):
        requests = list(requests)
        call = self.start_call(method, end_stream=not requests, **kwargs)
        for i, request in enumerate(requests):
            call.send(request, end_stream=i == len(requests) - 1)
            if call.done:
                break
        response = call.receive(response_type)
        if response is None:
            raise DealStoreError(INTERNAL, "TRAILERS OK without a response message", local=True)
        call.receive(response_type)
        return response

    def ping(self, opaque: int, timeout: float = 5.0) -> bool:
        event = threading.Event()
        with self.cond:
            self.pongs[opaque] = event
        self._send(encode_frame(PING, 0, pb.wire.Ping(opaque=opaque).SerializeToString()))
        return event.wait(timeout)

    def close(self, goaway: bool = True) -> None:
        with self.cond:
            already = self.closed is not None
        if not already and goaway:
            last = self.next_stream_id - 1
            self._send(encode_frame(GOAWAY, 0, pb.wire.GoAway(last_stream_id=last, code=OK,
                                                             reason="client closing").SerializeToString()))
            # Give the I/O thread a moment to flush.
            deadline = time.monotonic() + 1
            while self._outbox and time.monotonic() < deadline and self.closed is None:
                time.sleep(0.01)
        self._shutdown(DealStoreError(UNAVAILABLE, "connection closed by the client", local=True))
        self._io.join(timeout=2)

    # Internals used by Call.
    def _send(self, data: bytes) -> None:
        with self.cond:
            self._send_locked(data)

    def _send_locked(self, data: bytes) -> None:
        if self.closed is not None:
            return
        self._outbox += data
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _finish(self, call: Call) -> bool:
        """Removes a call from the open set; True when it was still open."""
        with self.cond:
            was_open = self.calls.pop(call.stream_id, None) is not None
            call.done = True
            self.cond.notify_all()
            return was_open

    def _consumed(self, call: Call, n: int) -> None:
        """The application read n payload bytes: grant credit once half the window is used (PROTOCOL.md 8)."""
        with self.cond:
            call.recv_consumed += n
            if call.done or call.recv_consumed < self.local_initial_window // 2:
                return
            increment, call.recv_consumed = call.recv_consumed, 0
            call.recv_window += increment
            self._send_locked(encode_frame(WINDOW_UPDATE, call.stream_id,
                                           pb.wire.WindowUpdate(increment=increment).SerializeToString()))

    # The I/O thread.
    def _io_loop(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.sock, selectors.EVENT_READ)
        selector.register(self._wake_r, selectors.EVENT_READ)
        inbox = bytearray()
        want_write = False
        try:
            while self.closed is None:
                with self.cond:
                    pending_out = bool(self._outbox)
                if pending_out != want_write:
                    want_write = pending_out
                    events = selectors.EVENT_READ | (selectors.EVENT_WRITE if want_write else 0)
                    selector.modify(self.sock, events)
                for key, mask in selector.select(timeout=1.0):
                    if key.fileobj is self._wake_r:
                        self._wake_r.recv(4096)
                        continue
                    if mask & selectors.EVENT_READ:
                        if not self._read_into(inbox):
                            self._shutdown(DealStoreError(UNAVAILABLE, self._close_reason(), local=True))
                            return
                        self._parse(inbox)
                    if mask & selectors.EVENT_WRITE:
                        self._flush()
                # Data TLS already decrypted does not wake select().
                while self.closed is None and self.sock.pending():
                    if not self._read_into(inbox):
                        break
                    self._parse(inbox)
        except (OSError, ssl.SSLError) as error:
            self._shutdown(DealStoreError(UNAVAILABLE, f"connection failed: {error}", local=True))
        finally:
            selector.close()
            for closeable in (self.sock, self._wake_r, self._wake_w):
                try:
                    closeable.close()
                except OSError:
                    pass

    def _close_reason(self) -> str:
        if self.goaway is not None:
            return f"connection closed after GOAWAY {status_name(self.goaway.code)}: {self.goaway.reason}"
        return "connection closed by the server"

    def _read_into(self, inbox: bytearray) -> bool:
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return True
        except ssl.SSLZeroReturnError:
            return False
        if not data:
            return False
        inbox += data
        return True

    def _flush(self) -> None:
        with self.cond:
            chunk = bytes(self._outbox[:65536])
        if not chunk:
            return
        try:
            sent = self.sock.send(chunk)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        with self.cond:
            del self._outbox[:sent]

    def _connection_error(self, code: int, reason: str) -> None:
        """We detected a protocol violation: GOAWAY then close (PROTOCOL.md section 11)."""
        frame = encode_frame(GOAWAY, 0, pb.wire.GoAway(last_stream_id=self.next_stream_id - 1, code=code,
                                                      reason=reason).SerializeToString())
        try:
            self.sock.setblocking(True)
            self.sock.sendall(frame)
        except OSError:
            pass
        self._shutdown(DealStoreError(code, f"protocol violation by the server: {reason}", local=True))

    def _parse(self, inbox: bytearray) -> None:
        while self.closed is None and len(inbox) >= 4:
            (length,) = struct.unpack_from(">I", inbox)
            if length & 0xC0000000:
                return self._connection_error(INTERNAL, "reserved length bits set")
            if length < 8:
                return self._connection_error(INTERNAL, "frame_too_short")
            if length - 8 > self.local_max_frame:  # decided from the header alone
                return self._connection_error(RESOURCE_EXHAUSTED, "frame_too_large")
            if len(inbox) < 4 + length:
                return
            kind, flags, _reserved, stream_id = struct.unpack_from(">BBHI", inbox, 4)
            payload = bytes(inbox[HEADER_SIZE:4 + length])
            del inbox[:4 + length]
            self.frame_log.append((kind, stream_id))
            self._dispatch(kind, flags, stream_id, payload)

    def _dispatch(self, kind: int, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            if kind in CALL_FRAMES:
                return self._connection_error(INTERNAL, f"{FRAME_NAMES[kind]} on stream 0")
            if kind not in CONNECTION_FRAMES:
                return self._connection_error(INTERNAL, "unknown_connection_frame")
            if kind == HELLO:
                if self.server_hello is not None:
                    return self._connection_error(INTERNAL, "second HELLO")
                hello = pb.wire.Hello.FromString(payload)
                with self.cond:
                    self.peer_max_frame = hello.max_frame_size or DEFAULT_FRAME_SIZE
                    self.max_streams = hello.max_concurrent_streams or DEFAULT_STREAMS
                    window = hello.initial_window_size or DEFAULT_WINDOW
                    # Calls opened before HELLO assumed the default; adjust their windows by the difference.
                    for call in self.calls.values():
                        call.send_window += window - self.peer_initial_window
                    self.peer_initial_window = window
                    self.server_hello = hello
                    self.cond.notify_all()
            elif kind == PING:
                self._send(encode_frame(PONG, 0, payload))  # echo the payload unchanged
            elif kind == PONG:
                opaque = pb.wire.Ping.FromString(payload).opaque
                with self.cond:
                    event = self.pongs.pop(opaque, None)
                if event:
                    event.set()
            elif kind == GOAWAY:
                self._on_goaway(pb.wire.GoAway.FromString(payload))
            return
        if kind in CONNECTION_FRAMES:
            return self._connection_error(INTERNAL, f"{FRAME_NAMES[kind]} on stream {stream_id}")
        if kind not in CALL_FRAMES:
            return  # undefined type on a call stream: ignored (extension point)
        if kind == HEADERS:
            return self._connection_error(INTERNAL, "HEADERS from the server")
        with self.cond:
            call = self.calls.get(stream_id)
            if call is None:
                self.stray_frames.append((kind, stream_id))
                return
            if kind == WINDOW_UPDATE:
                increment = pb.wire.WindowUpdate.FromString(payload).increment
                if increment == 0 or call.send_window + increment > MAX_WINDOW:
                    self.cond.release()
                    try:
                        return self._connection_error(INTERNAL, "bad WINDOW_UPDATE increment")
                    finally:
                        self.cond.acquire()
                call.send_window += increment
                self.cond.notify_all()
                return
            if kind == MESSAGE:
                if len(payload) > call.recv_window:
                    self.cond.release()
                    try:  # a client closes the connection on a window overrun (PROTOCOL.md section 8)
                        return self._connection_error(RESOURCE_EXHAUSTED, "MESSAGE over the stream window")
                    finally:
                        self.cond.acquire()
                call.recv_window -= len(payload)
                call.events.put(("message", payload))
                return
        # TRAILERS or CANCEL end the call.
        if kind == TRAILERS:
            trailers = pb.wire.Trailers.FromString(payload)
            if self._finish(call):
                call.events.put(("trailers", trailers))
        elif kind == CANCEL:
            reason = pb.wire.Cancel.FromString(payload).reason
            if self._finish(call):
                call.events.put(("error", DealStoreError(CANCELLED, f"cancelled by the server: {reason}")))

    def _on_goaway(self, goaway) -> None:
        with self.cond:
            self.goaway = goaway
            refused = [c for sid, c in self.calls.items() if sid > goaway.last_stream_id]
            self.cond.notify_all()
        for call in refused:
            if self._finish(call):
                call.events.put(("error", DealStoreError(UNAVAILABLE, f"not processed (GOAWAY last_stream_id="
                                                         f"{goaway.last_stream_id}): safe to retry", local=True,
                                                         retry_safe=True)))

    def _shutdown(self, error: DealStoreError) -> None:
        with self.cond:
            if self.closed is not None:
                return
            self.closed = error
            calls = list(self.calls.values())
            self.calls.clear()
            self.cond.notify_all()
        for call in calls:
            call.done = True
            call.events.put(("error", error))
        try:  # the I/O thread closes the sockets on its way out
            self._wake_w.send(b"x")
        except OSError:
            pass


def tls_client_context(ca_file: str, *, alpn: bool = True, minimum=ssl.TLSVersion.TLSv1_3) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    context.minimum_version = minimum
    if alpn:
        context.set_alpn_protocols([ALPN])
    return context


def parse_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port or 7443)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


# --- command line ---------------------------------------------------------------------------------------------


def money_text(money) -> str:
    if not money.currency_code:
        return ""
    value = money.units + money.nanos / 1e9
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{money.currency_code} {value / scale:g}{suffix}"
    return f"{money.currency_code} {value:g}"


def main(argv=None) -> int:
    from google.protobuf import json_format

    parser = argparse.ArgumentParser(description="DealStore protocol client (Python)")
    parser.add_argument("--addr", default="127.0.0.1:7443")
    parser.add_argument("--ca", required=True, help="CA certificate file (the server's ca.pem)")
    parser.add_argument("--token", default=os.environ.get("DEALS_TOKEN"))
    parser.add_argument("--timeout", type=float, default=10.0, help="per-call deadline in seconds")
    parser.add_argument("command", choices=["info", "list", "get", "export", "summarize"])
    parser.add_argument("id", nargs="?")
    args = parser.parse_args(argv)
    host, port = parse_addr(args.addr)
    deals = "/dealstore.v1.Deals/"
    try:
        with DealStoreConnection.open(host, port, ca_file=args.ca, token=args.token) as conn:
            if args.command == "info":
                info = conn.unary("/dealstore.v1.Server/GetInfo", pb.server.GetServerInfoRequest(),
                                  pb.server.ServerInfo, timeout=args.timeout)
                print(json_format.MessageToJson(info))
            elif args.command == "list":
                request = pb.deals.ListDealsRequest(page_size=100)
                count = 0
                while True:
                    page = conn.unary(deals + "ListDeals", request, pb.deals.ListDealsResponse, timeout=args.timeout)
                    for deal in page.deals:
                        count += 1
                        print(f"{deal.id:28} {deal.target_id:12} {money_text(deal.amount):14} {deal.title}")
                    if not page.next_page_token:
                        break
                    request.page_token = page.next_page_token
                print(f"{count} deals")
            elif args.command == "get":
                if not args.id:
                    parser.error("get needs an ID")
                deal = conn.unary(deals + "GetDeal", pb.deals.GetDealRequest(id=args.id), pb.model.Deal,
                                  timeout=args.timeout)
                print(json_format.MessageToJson(deal))
            elif args.command == "export":
                for record in conn.server_stream(deals + "ExportDeals", pb.deals.ExportDealsRequest(),
                                                 pb.model.DealRecord, timeout=max(args.timeout, 60)):
                    print(json_format.MessageToJson(record, indent=None))
            elif args.command == "summarize":
                request = pb.deals.SummarizeDealsRequest(group_by=pb.query.SUMMARY_GROUPING_INVESTOR)
                summary = conn.unary(deals + "SummarizeDeals", request, pb.deals.SummarizeDealsResponse,
                                     timeout=args.timeout)
                for group in summary.groups:
                    totals = ", ".join(f"committed {money_text(t.committed)} funded {money_text(t.funded)}"
                                       for t in group.totals)
                    print(f"{group.label:12} deals={group.deal_count}  {totals}")
    except DealStoreError as error:
        print(f"dealstore_client: {error}", file=sys.stderr)
        return 1
    except (OSError, ssl.SSLError) as error:
        print(f"dealstore_client: cannot connect to {args.addr}: {error}", file=sys.stderr)
        return 5
    return 0


if __name__ == "__main__":
    sys.exit(main())
