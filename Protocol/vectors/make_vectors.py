#!/usr/bin/env python3
"""Writes the golden frames in Protocol/vectors from first principles.

This is an independent encoder: plain Python, no protobuf library and no DealStore code, so the vectors check our
Swift codec rather than restate it. Run it from anywhere: `python3 Protocol/vectors/make_vectors.py`.

File format (see PROTOCOL.md, section 13): line 1 is `# <description>`; malformed vectors add
`# error: <code>` (and, where the error depends on the receiver's limit, `# max-frame-size: <bytes>`); then the
bytes as hex, one frame per line, whitespace ignored.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

HELLO, HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY, WINDOW_UPDATE = range(1, 10)
END_STREAM = 0x01


def varint(n):
    if n < 0:
        n += 1 << 64  # int32/int64 negatives are ten-byte varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""


def field_bytes(number, value):
    if isinstance(value, str):
        value = value.encode()
    return varint((number << 3) | 2) + varint(len(value)) + value if value else b""


def field_message(number, encoded):
    # Sub-messages are written even when empty, as protobuf does for a set message field.
    return varint((number << 3) | 2) + varint(len(encoded)) + encoded


def frame(kind, stream_id, payload=b"", flags=0):
    return struct.pack(">IBBHI", 8 + len(payload), kind, flags, 0, stream_id) + payload


def money(code, units, nanos=0):
    return field_bytes(1, code) + field_varint(2, units) + field_varint(3, nanos)


def hello(min_v, max_v, agent, max_frame=0, max_streams=0, window=0, min_ping=0, idle=0):
    return (field_varint(1, min_v) + field_varint(2, max_v) + field_bytes(3, agent) + field_varint(4, max_frame)
            + field_varint(5, max_streams) + field_varint(6, window) + field_varint(7, min_ping)
            + field_varint(8, idle))


def metadata(key, value):
    return field_bytes(1, key) + field_bytes(2, value)


def call_headers(method, timeout_micros=0, meta=()):
    out = field_bytes(1, method) + field_varint(2, timeout_micros)
    for k, v in meta:
        out += field_message(3, metadata(k, v))
    return out


def trailers(code, message=""):
    return field_varint(1, code) + field_bytes(2, message)


def write(folder, name, description, frames, extra=()):
    path = os.path.join(HERE, folder, name + ".hex")
    with open(path, "w") as f:
        f.write("# " + description + "\n")
        for line in extra:
            f.write("# " + line + "\n")
        for fr in frames:
            f.write(fr.hex() + "\n")


def main():
    token = "Bearer dst_0123456789abcdef"
    write("valid", "hello-client", "client HELLO: versions 1..1, agent deals/0.1.0, accepts 4 MiB frames, "
          "4 MiB initial window", [frame(HELLO, 0, hello(1, 1, "deals/0.1.0", 4 << 20, 0, 4 << 20))])
    write("valid", "hello-server", "server HELLO answer: version 1, 4 MiB frames, 100 streams, 4 MiB window, "
          "pings no more often than 10 s, idle timeout 300 s",
          [frame(HELLO, 0, hello(1, 1, "dealsd/0.1.0", 4 << 20, 100, 4 << 20, 10000, 300000))])
    write("valid", "unary-get-deal-request", "unary call, client to server: HEADERS for "
          "/dealstore.v1.Deals/GetDeal with a 5 s deadline and a bearer token on stream 1, then the GetDealRequest "
          "MESSAGE with END_STREAM",
          [frame(HEADERS, 1, call_headers("/dealstore.v1.Deals/GetDeal", 5_000_000, [("authorization", token)])),
           frame(MESSAGE, 1, field_bytes(1, "google-anthropic-2023-10"), END_STREAM)])
    deal = (field_bytes(1, "google-anthropic-2023-10") + field_bytes(2, "anthropic") + field_varint(3, 3)
            + field_varint(4, 2) + field_message(8, money("USD", 2_000_000_000))
            + field_message(9, money("USD", 2_000_000_000)))
    write("valid", "unary-get-deal-response", "unary call, server to client: the Deal MESSAGE on stream 1 "
          "(id, target, CORPORATE_STRATEGIC, ANNOUNCED, $2B headline, $2B cap), then TRAILERS OK with END_STREAM",
          [frame(MESSAGE, 1, deal), frame(TRAILERS, 1, trailers(0), END_STREAM)])
    write("valid", "server-streaming-export-request", "server-streaming call, client to server: HEADERS for "
          "/dealstore.v1.Deals/ExportDeals on stream 3, then an empty ExportDealsRequest MESSAGE with END_STREAM",
          [frame(HEADERS, 3, call_headers("/dealstore.v1.Deals/ExportDeals", 0, [("authorization", token)])),
           frame(MESSAGE, 3, b"", END_STREAM)])
    org = lambda i, n: field_message(1, field_bytes(1, i) + field_bytes(2, n))
    write("valid", "server-streaming-export-response", "server-streaming call, server to client: two DealRecord "
          "MESSAGEs (organizations amazon and anthropic) on stream 3, then TRAILERS OK with END_STREAM",
          [frame(MESSAGE, 3, org("amazon", "Amazon")), frame(MESSAGE, 3, org("anthropic", "Anthropic")),
           frame(TRAILERS, 3, trailers(0), END_STREAM)])
    write("valid", "error-trailers", "a call on stream 5 ends with TRAILERS NOT_FOUND (5) and a message, with "
          "END_STREAM and no MESSAGE before it",
          [frame(TRAILERS, 5, trailers(5, 'deal "nope" not found; list ids with ListDeals'), END_STREAM)])
    write("valid", "ping-pong", "PING on stream 0 with opaque 42, and the PONG that echoes it",
          [frame(PING, 0, field_varint(1, 42)), frame(PONG, 0, field_varint(1, 42))])
    write("valid", "goaway-graceful", "graceful GOAWAY: the server will finish streams up to 7, code OK, "
          "reason 'server shutting down'",
          [frame(GOAWAY, 0, field_varint(1, 7) + field_bytes(3, "server shutting down"))])
    write("valid", "cancel-and-window-update", "CANCEL of stream 9 with a reason, and a WINDOW_UPDATE of 65536 "
          "bytes on stream 11",
          [frame(CANCEL, 9, field_bytes(1, "client gave up")), frame(WINDOW_UPDATE, 11, field_varint(1, 65536))])

    write("malformed", "length-too-small", "length field 4 is below the 8 header bytes it must count",
          [struct.pack(">IBBHI", 4, HELLO, 0, 0, 0)], ["error: frame_too_short"])
    write("malformed", "length-too-large", "a HELLO declaring a payload of 4 MiB + 1 against a 4 MiB maximum: "
          "refused from the 12-byte header alone, before any payload arrives",
          [struct.pack(">IBBHI", 8 + (4 << 20) + 1, HELLO, 0, 0, 0)],
          ["error: frame_too_large", "max-frame-size: 4194304"])
    write("malformed", "reserved-length-bits", "length 0x40000010 has the reserved top bits set",
          [struct.pack(">IBBHI", 0x40000010, MESSAGE, 0, 0, 1)], ["error: reserved_length_bits"])
    write("malformed", "unknown-type-on-stream-0", "frame type 0x2a on stream 0",
          [frame(0x2A, 0, b"\x01\x02")], ["error: unknown_connection_frame"])
    write("malformed", "truncated-frame", "a MESSAGE header declaring 16 payload bytes followed by only 5, "
          "then end of stream",
          [struct.pack(">IBBHI", 8 + 16, MESSAGE, 0, 0, 1) + b"\x0a\x03abc"], ["error: truncated_frame"])


if __name__ == "__main__":
    main()
