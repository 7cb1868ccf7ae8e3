#!/usr/bin/env python3
"""Checks a running dealsd against Protocol/PROTOCOL.md, using only dealstore_client.py (written from the spec).

    python3 check_against_server.py --addr 127.0.0.1:PORT --ca ca.pem --token ADMIN_TOKEN

Prints one line per check and exits 1 if any deviates. Expects a server holding the bundled dataset (README.md:
five deals; Amazon committed $4B, Google $2.3B, Microsoft $11B), an admin token, and the default configuration
(Health/Check and Server/GetInfo anonymous, TLS 1.3 minimum). It writes a few deals with ids starting `pycheck-`.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import ssl
import struct
import sys
import threading
import time
import traceback

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dealstore_client import (  # noqa: E402
    ALPN, CANCEL, GOAWAY, HEADERS, HELLO, MESSAGE, PING, PONG, TRAILERS, END_STREAM, DealStoreConnection,
    DealStoreError, encode_frame, parse_addr, pb, status_name, tls_client_context,
)

DEALS = "/dealstore.v1.Deals/"
BUNDLED_DEALS = ["amazon-anthropic-2023", "google-anthropic-2023-02", "google-anthropic-2023-10",
                 "microsoft-openai-2019", "microsoft-openai-2023"]
SECTION_15_METHODS = [DEALS + m for m in ("GetDeal", "ListDeals", "CreateDeal", "UpdateDeal", "DeleteDeal",
                                          "ImportDeals", "ExportDeals", "SummarizeDeals", "TopDeals",
                                          "ListCoInvestors", "GetTimeline", "WatchDeals", "ListConflicts")] + [
    "/dealstore.v1.Organizations/" + m for m in ("GetOrganization", "ListOrganizations", "CreateOrganization",
                                                  "UpdateOrganization", "DeleteOrganization")] + [
    "/dealstore.v1.Health/Check", "/dealstore.v1.Health/Watch", "/dealstore.v1.Server/GetInfo"]


# Checks where the server and the written spec disagree, by key (see --allow-deviation).
DEVIATION_KEYS = {
    "summary-order": "deals.proto says SummarizeDealsResponse.groups are ordered by the largest committed total "
                     "first; the server orders them by key",
    "getdeal-malformed-id": "PROTOCOL.md section 11 lists 'bad id format' under INVALID_ARGUMENT; GetDeal of a "
                            "malformed id answers NOT_FOUND",
    "order-by-target": "PROTOCOL.md section 16 and deals.proto allow order_by 'target'; the server refuses it",
    "derived-deal-id": "PROTOCOL.md section 16 and deals.proto say a deal created without an id gets one derived "
                       "from target, investor and date/year; the server assigns 'deal-<n>'",
    "derived-org-id": "PROTOCOL.md section 16 and organizations.proto say an organization created without an id "
                      "gets one derived from its name; the server answers INVALID_ARGUMENT 'id: is required'",
}


class Checker:
    def __init__(self, host: str, port: int, ca: str, token: str, allowed: set[str] = frozenset()):
        self.host, self.port, self.ca, self.token = host, port, ca, token
        self.allowed = set(allowed)  # deviation keys reported but tolerated (--allow-deviation)
        self.failures: list[str] = []
        self.known: list[str] = []
        self.passed = 0

    def check(self, what: str, ok: bool, detail: str = "", key: str | None = None) -> bool:
        """One check. `key` names a deviation that --allow-deviation KEY may tolerate (still printed)."""
        if ok:
            self.passed += 1
            print(f"  ok    {what}" + (f"  [deviation {key!r} no longer reproduces]" if key in self.allowed else ""))
        elif key is not None and key in self.allowed:
            self.known.append(f"[{key}] {what}: {detail}")
            print(f"  KNOWN {what}: {detail}  [allowed deviation {key!r}]")
        else:
            self.failures.append(f"{what}: {detail}" + (f"  [deviation key {key!r}]" if key else ""))
            print(f"  FAIL  {what}: {detail}")
        return ok

    def equal(self, what: str, got, expected, key: str | None = None) -> bool:
        return self.check(what, got == expected, f"expected {expected!r}, got {got!r}", key)

    def expect_status(self, what: str, code: int, fn, key: str | None = None) -> DealStoreError | None:
        try:
            result = fn()
        except DealStoreError as error:
            self.check(f"{what} -> {status_name(code)} ({code})", error.code == code and not error.local,
                       f"got {error}{' (decided locally)' if error.local else ''}", key)
            return error
        self.check(f"{what} -> {status_name(code)} ({code})", False, f"call succeeded: {str(result)[:200]!r}", key)
        return None

    def connect(self, token: str | None = ..., **kwargs) -> DealStoreConnection:
        return DealStoreConnection.open(self.host, self.port, ca_file=self.ca,
                                        token=self.token if token is ... else token, agent="pycheck/0.1",
                                        **kwargs)

    def raw(self) -> "RawConnection":
        return RawConnection(self.host, self.port, tls_client_context(self.ca))

    def run(self) -> int:
        sections = [self.tls, self.hello, self.info_and_health, self.list_deals, self.get_deal, self.auth,
                    self.unknown_method, self.export, self.summarize, self.create_update, self.import_deals,
                    self.deadline, self.cancel_watch, self.ping, self.http_inside_tls, self.concurrent_calls]
        for section in sections:
            print(f"{section.__name__}: {section.__doc__}")
            started = time.monotonic()
            try:
                section()
            except Exception as error:  # a section that crashes is a deviation too
                self.check(f"{section.__name__} ran to completion", False,
                           f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
            print(f"          ({time.monotonic() - started:.2f} s)")
        print(f"\n{self.passed} checks passed, {len(self.known)} known deviations tolerated, "
              f"{len(self.failures)} failed")
        for known in self.known:
            print(f"  KNOWN: {known}")
        for failure in self.failures:
            print(f"  FAILED: {failure}")
        return 1 if self.failures else 0

    # --- sections -------------------------------------------------------------------------------------------

    def tls(self):
        """section 1: TLS 1.3, ALPN dealstore/1, CA-verified chain and IP name; no ALPN or TLS 1.2 refused"""
        context = tls_client_context(self.ca)
        with socket.create_connection((self.host, self.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=self.host) as sock:
                self.equal("ALPN selected", sock.selected_alpn_protocol(), ALPN)
                self.equal("TLS version", sock.version(), "TLSv1.3")
        for what, ctx in (("handshake without ALPN refused", tls_client_context(self.ca, alpn=False)),
                          ("TLS 1.2-only handshake refused (default tls.minimum_version 1.3)",
                           _tls12_only(self.ca))):
            try:
                with socket.create_connection((self.host, self.port), timeout=10) as raw:
                    with ctx.wrap_socket(raw, server_hostname=self.host) as sock:
                        # TLS 1.3: the server's refusal may only surface on the first read.
                        sock.settimeout(3)
                        data = sock.recv(1)
                        self.check(what, not data, f"handshake completed, ALPN {sock.selected_alpn_protocol()}")
            except (ssl.SSLError, ConnectionError, OSError) as error:
                self.check(what, True)
                print(f"          ({type(error).__name__}: {error})")
        wrong_ca = ssl.create_default_context()  # system roots: the development CA is not among them
        wrong_ca.set_alpn_protocols([ALPN])
        try:
            with socket.create_connection((self.host, self.port), timeout=10) as raw:
                with wrong_ca.wrap_socket(raw, server_hostname=self.host):
                    self.check("client refuses a server not signed by the trusted CA", False, "handshake passed")
        except ssl.SSLCertVerificationError:
            self.check("client refuses a server not signed by the trusted CA", True)

    def hello(self):
        """section 4: HELLO exchange; server answers min=max=1 with its limits; no common version -> GOAWAY 9"""
        with self.raw() as raw:
            raw.send(HELLO, 0, pb.wire.Hello(min_version=1, max_version=1, agent="pycheck/0.1"))
            frame = raw.read_frame()
            self.check("first server frame is HELLO on stream 0", frame is not None and frame[0] == HELLO
                       and frame[2] == 0, f"got {frame!r}")
            hello = pb.wire.Hello.FromString(frame[3])
            print(f"          server HELLO: {_short(hello)}")
            self.equal("server HELLO min_version", hello.min_version, 1)
            self.equal("server HELLO max_version", hello.max_version, 1)
            frame_size = hello.max_frame_size or 4 << 20
            window = hello.initial_window_size or 4 << 20
            self.check("server max_frame_size >= 16384", frame_size >= 16384, f"{hello.max_frame_size}")
            self.check("server max_concurrent_streams announced", hello.max_concurrent_streams > 0,
                       f"{hello.max_concurrent_streams}")
            self.check("server initial_window_size >= its max_frame_size (section 8 MUST)", window >= frame_size,
                       f"window {window} < frame size {frame_size}")
            self.check("server min_ping_interval_millis announced", hello.min_ping_interval_millis > 0,
                       f"{hello.min_ping_interval_millis}")
            self.check("server agent at most 256 bytes", 0 < len(hello.agent.encode()) <= 256, repr(hello.agent))
        with self.raw() as raw:
            raw.send(HELLO, 0, pb.wire.Hello(min_version=2, max_version=3, agent="pycheck/future"))
            frame = raw.read_frame()
            goaway = _goaway(frame)
            self.check("HELLO 2..3 -> GOAWAY FAILED_PRECONDITION (9)", goaway is not None and goaway.code == 9,
                       f"got {frame!r}")
            if goaway is not None:
                print(f"          reason: {goaway.reason!r}")
            self.check("connection closed after that GOAWAY", raw.read_frame() is None, "more frames")
        with self.raw() as raw:  # the client MAY start calls before the server's HELLO arrives
            raw.send(HELLO, 0, pb.wire.Hello(min_version=1, max_version=1))
            raw.send(HEADERS, 1, pb.wire.CallHeaders(method="/dealstore.v1.Health/Check"))
            raw.send(MESSAGE, 1, pb.health.HealthCheckRequest(), END_STREAM)
            frames = raw.read_until_trailers(1)
            self.check("call sent right after HELLO, before the server's HELLO, is answered",
                       frames[-1][0] == TRAILERS and pb.wire.Trailers.FromString(frames[-1][3]).code == 0,
                       f"{frames!r}")

    def info_and_health(self):
        """sections 14-15: Server/GetInfo and Health/Check, with a token and anonymously"""
        with self.connect() as conn:
            info = conn.unary("/dealstore.v1.Server/GetInfo", pb.server.GetServerInfoRequest(),
                              pb.server.ServerInfo, timeout=5)
            print(f"          {info.server_version}, revision {info.store_revision}, {info.deal_count} deals, "
                  f"{info.organization_count} organizations, {info.tls_library_version}")
            self.equal("GetInfo protocol versions", (info.min_protocol_version, info.max_protocol_version), (1, 1))
            self.equal("GetInfo caller_role with the admin token", info.caller_role, "admin")
            self.equal("GetInfo deal_count (bundled dataset)", info.deal_count, 5)
            missing = [m for m in SECTION_15_METHODS if m not in info.methods]
            self.check("GetInfo lists every section 15 method", not missing, f"missing {missing}")
            health = conn.unary("/dealstore.v1.Health/Check", pb.health.HealthCheckRequest(),
                                pb.health.HealthCheckResponse, timeout=5)
            self.equal("Health/Check", pb.health.ServingStatus.Name(health.status), "SERVING_STATUS_SERVING")
        with self.connect(token=None) as conn:
            info = conn.unary("/dealstore.v1.Server/GetInfo", pb.server.GetServerInfoRequest(),
                              pb.server.ServerInfo, timeout=5)
            self.equal("anonymous GetInfo caller_role", info.caller_role, "")
            health = conn.unary("/dealstore.v1.Health/Check", pb.health.HealthCheckRequest(),
                                pb.health.HealthCheckResponse, timeout=5)
            self.equal("anonymous Health/Check", pb.health.ServingStatus.Name(health.status),
                       "SERVING_STATUS_SERVING")

    def list_deals(self):
        """sections 15-16: ListDeals with an investor filter, and pagination with page_size 2"""
        with self.connect() as conn:
            for investor in ("Amazon", "amazon", "AWS"):
                response = self._list(conn, pb.deals.ListDealsRequest(
                    filter=pb.query.DealFilter(investor_ids=[investor])))
                self.equal(f"ListDeals investor {investor!r}", [d.id for d in response.deals],
                           ["amazon-anthropic-2023"])
                self.equal(f"ListDeals investor {investor!r} total_size", response.total_size, 1)
            for what, request, expected in (
                    ("all deals", pb.deals.ListDealsRequest(page_size=2), BUNDLED_DEALS),
                    ("investor Google", pb.deals.ListDealsRequest(
                        page_size=1, filter=pb.query.DealFilter(investor_ids=["Google"])),
                     ["google-anthropic-2023-02", "google-anthropic-2023-10"])):
                ids, sizes, totals, token = [], [], set(), None
                while len(sizes) < 20:
                    page = self._list(conn, request)
                    ids += [d.id for d in page.deals]
                    sizes.append(len(page.deals))
                    totals.add(page.total_size)
                    token = page.next_page_token
                    if not token:
                        break
                    request.page_token = token
                print(f"          {what}: page sizes {sizes}")
                self.check(f"pagination ({what}): no duplicates", len(ids) == len(set(ids)), f"{ids}")
                self.equal(f"pagination ({what}): every deal once, in id order", ids, expected)
                self.equal(f"pagination ({what}): total_size on every page", totals, {len(expected)})
                self.check(f"pagination ({what}): no page over page_size",
                           all(s <= request.page_size for s in sizes), f"{sizes}")
            first = self._list(conn, pb.deals.ListDealsRequest(page_size=2))
            changed = pb.deals.ListDealsRequest(page_size=2, page_token=first.next_page_token,
                                                filter=pb.query.DealFilter(investor_ids=["Google"]))
            self.expect_status("page token reused with a different filter", 3, lambda: self._list(conn, changed))
            self.expect_status("order_by a field section 16 does not list", 3, lambda: self._list(
                conn, pb.deals.ListDealsRequest(order_by="target desc")))
            self.expect_status("malformed page token", 3, lambda: self._list(
                conn, pb.deals.ListDealsRequest(page_token="not-a-token")))
            for order_by, expected in (("amount desc", BUNDLED_DEALS[4]), ("announced", BUNDLED_DEALS[3]),
                                       ("revision desc", None), ("update_revision desc", None)):
                key = None
                try:
                    first = self._list(conn, pb.deals.ListDealsRequest(order_by=order_by, page_size=1)).deals[0].id
                    self.check(f"order_by {order_by!r}", expected is None or first == expected,
                               f"first {first!r}, expected {expected!r}", key)
                except DealStoreError as error:
                    self.check(f"order_by {order_by!r}", False, str(error), key)

    def get_deal(self):
        """section 15: GetDeal of a listed id, and of a missing id"""
        with self.connect() as conn:
            listed = self._list(conn, pb.deals.ListDealsRequest()).deals
            deal = conn.unary(DEALS + "GetDeal", pb.deals.GetDealRequest(id=listed[0].id), pb.model.Deal, timeout=5)
            self.equal("GetDeal of a listed id", deal.id, listed[0].id)
            self.check("GetDeal returns meta.etag", bool(deal.meta.etag), _short(deal.meta))
            error = self.expect_status("GetDeal of a missing id", 5, lambda: conn.unary(
                DEALS + "GetDeal", pb.deals.GetDealRequest(id="pycheck-no-such-deal"), pb.model.Deal, timeout=5))
            if error:
                print(f"          message: {error.message!r}")
            self.expect_status("GetDeal of a malformed id", 3, lambda: conn.unary(
                DEALS + "GetDeal", pb.deals.GetDealRequest(id="Not A Valid Id!"), pb.model.Deal, timeout=5),
                key="getdeal-malformed-id")

    def auth(self):
        """section 14: no token -> UNAUTHENTICATED, except anonymous methods; invalid token refused everywhere"""
        with self.connect(token=None) as conn:
            self.expect_status("ListDeals without a token", 16, lambda: self._list(conn, pb.deals.ListDealsRequest()))
            self.expect_status("GetDeal (missing id) without a token: auth before lookup", 16, lambda: conn.unary(
                DEALS + "GetDeal", pb.deals.GetDealRequest(id="pycheck-no-such-deal"), pb.model.Deal, timeout=5))
            health = conn.unary("/dealstore.v1.Health/Check", pb.health.HealthCheckRequest(),
                                pb.health.HealthCheckResponse, timeout=5)
            self.equal("Health/Check without a token", pb.health.ServingStatus.Name(health.status),
                       "SERVING_STATUS_SERVING")
        with self.connect(token="dst_not_a_valid_token") as conn:
            self.expect_status("Health/Check with an invalid token", 16, lambda: conn.unary(
                "/dealstore.v1.Health/Check", pb.health.HealthCheckRequest(), pb.health.HealthCheckResponse,
                timeout=5))
            self.expect_status("ListDeals with an invalid token", 16,
                               lambda: self._list(conn, pb.deals.ListDealsRequest()))

    def unknown_method(self):
        """section 5: an unknown method path -> UNIMPLEMENTED, and the connection stays usable"""
        with self.connect() as conn:
            self.expect_status("unknown method /dealstore.v1.Deals/NoSuchMethod", 12, lambda: conn.unary(
                DEALS + "NoSuchMethod", pb.deals.GetDealRequest(id="x"), pb.model.Deal, timeout=5))
            self.expect_status("unknown service /dealstore.v9.Nope/Get", 12, lambda: conn.unary(
                "/dealstore.v9.Nope/Get", pb.deals.GetDealRequest(), pb.model.Deal, timeout=5))
            self.equal("connection usable after UNIMPLEMENTED", len(self._list(conn, pb.deals.ListDealsRequest())
                                                                     .deals), 5)

    def export(self):
        """section 15: ExportDeals streams organizations, then deals, then TRAILERS OK"""
        with self.connect() as conn:
            info = conn.unary("/dealstore.v1.Server/GetInfo", pb.server.GetServerInfoRequest(),
                              pb.server.ServerInfo, timeout=5)
            call = conn.start_call(DEALS + "ExportDeals", timeout=30)
            call.send(pb.deals.ExportDealsRequest(), end_stream=True)
            kinds = [record.WhichOneof("record") for record in call.responses(pb.model.DealRecord)]
            print(f"          {kinds.count('organization')} organizations, {kinds.count('deal')} deals")
            self.check("export: TRAILERS OK ends the stream", call.trailers is not None and call.trailers.code == 0,
                       f"{call.trailers}")
            first_deal = kinds.index("deal") if "deal" in kinds else len(kinds)
            self.check("export: every organization before every deal",
                       all(k == "organization" for k in kinds[:first_deal])
                       and all(k == "deal" for k in kinds[first_deal:]), f"{kinds}")
            self.equal("export: organization count = GetInfo organization_count", kinds.count("organization"),
                       info.organization_count)
            self.equal("export: deal count = GetInfo deal_count", kinds.count("deal"), info.deal_count)
            amazon_only = list(conn.server_stream(DEALS + "ExportDeals", pb.deals.ExportDealsRequest(
                filter=pb.query.DealFilter(investor_ids=["Amazon"])), pb.model.DealRecord, timeout=30))
            self.equal("export with filter investor Amazon: deals",
                       [r.deal.id for r in amazon_only if r.WhichOneof("record") == "deal"], ["amazon-anthropic-2023"])

    def summarize(self):
        """section 15 / README: SummarizeDeals by investor, exact money"""
        with self.connect() as conn:
            summary = conn.unary(DEALS + "SummarizeDeals", pb.deals.SummarizeDealsRequest(
                group_by=pb.query.SUMMARY_GROUPING_INVESTOR), pb.deals.SummarizeDealsResponse, timeout=5)
            groups = {g.key: g for g in summary.groups}
            print(f"          groups: {[(g.key, g.label, g.deal_count) for g in summary.groups]}")
            expected = {"amazon": (1, 4_000_000_000, 4_000_000_000), "google": (2, 2_300_000_000, 800_000_000),
                        "microsoft": (2, 11_000_000_000, 0)}
            for key, (count, committed, funded) in expected.items():
                group = groups.get(key)
                if not self.check(f"summary group {key!r} present", group is not None, f"keys {list(groups)}"):
                    continue
                usd = [t for t in group.totals if t.currency_code == "USD"]
                self.equal(f"summary {key}: deal_count", group.deal_count, count)
                self.equal(f"summary {key}: committed USD (units, nanos)",
                           (usd[0].committed.units, usd[0].committed.nanos) if usd else None, (committed, 0))
                self.equal(f"summary {key}: funded USD (units, nanos)",
                           (usd[0].funded.units, usd[0].funded.nanos) if usd else None, (funded, 0))
            self.equal("summary order: largest committed first", [g.key for g in summary.groups][:3],
                       ["microsoft", "amazon", "google"], key="summary-order")

    def create_update(self):
        """sections 15-16: CreateDeal, UpdateDeal with a stale etag -> ABORTED, with the right etag -> OK"""
        with self.connect() as conn:
            deal_id = f"pycheck-{random.randrange(1 << 30):x}"
            created = conn.unary(DEALS + "CreateDeal", pb.deals.CreateDealRequest(deal=_new_deal(deal_id)),
                                 pb.model.Deal, timeout=5)
            self.equal("CreateDeal returns the deal", created.id, deal_id)
            self.check("CreateDeal assigns meta (etag, revisions)", bool(created.meta.etag)
                       and created.meta.create_revision == created.meta.update_revision > 0, _short(created.meta))
            derived = _new_deal("")
            derived.participations[0].investor_id = "google"
            derived.announced.year = 2031
            try:
                got = conn.unary(DEALS + "CreateDeal", pb.deals.CreateDealRequest(deal=derived, validate_only=True),
                                 pb.model.Deal, timeout=5).id
                self.check("CreateDeal without id derives it from target, investor and date (validate_only)",
                           all(part in got for part in ("anthropic", "google", "2031")), f"got id {got!r}",
                           "derived-deal-id")
            except DealStoreError as error:
                self.check("CreateDeal without id (validate_only)", False, str(error), "derived-deal-id")
            try:
                got = conn.unary("/dealstore.v1.Organizations/CreateOrganization",
                                 pb.organizations.CreateOrganizationRequest(
                                     organization=pb.model.Organization(name="Pycheck Labs"), validate_only=True),
                                 pb.model.Organization, timeout=5).id
                self.check("CreateOrganization without id derives it from the name (validate_only)",
                           "pycheck" in got, f"got id {got!r}", "derived-org-id")
            except DealStoreError as error:
                self.check("CreateOrganization without id (validate_only)", False, str(error), "derived-org-id")
            self.expect_status("CreateDeal with a taken id", 6, lambda: conn.unary(
                DEALS + "CreateDeal", pb.deals.CreateDealRequest(deal=_new_deal(deal_id)), pb.model.Deal, timeout=5))
            change = pb.model.Deal(id=deal_id, status=pb.model.DEAL_STATUS_CLOSED)
            self.expect_status("UpdateDeal with a wrong etag", 10, lambda: conn.unary(
                DEALS + "UpdateDeal", pb.deals.UpdateDealRequest(deal=change, update_mask=["status"],
                                                                 etag=created.meta.etag + "-stale"),
                pb.model.Deal, timeout=5))
            updated = conn.unary(DEALS + "UpdateDeal", pb.deals.UpdateDealRequest(
                deal=change, update_mask=["status"], etag=created.meta.etag), pb.model.Deal, timeout=5)
            self.equal("UpdateDeal with the right etag: status changed",
                       pb.model.DealStatus.Name(updated.status), "DEAL_STATUS_CLOSED")
            self.equal("UpdateDeal with update_mask [status] keeps other fields", updated.title, created.title)
            self.check("UpdateDeal changes the etag and update_revision", updated.meta.etag != created.meta.etag
                       and updated.meta.update_revision > created.meta.update_revision, _short(updated.meta))
            self.expect_status("UpdateDeal with the now-stale etag", 10, lambda: conn.unary(
                DEALS + "UpdateDeal", pb.deals.UpdateDealRequest(deal=change, update_mask=["status"],
                                                                 etag=created.meta.etag), pb.model.Deal, timeout=5))
            self.expect_status("UpdateDeal with an unknown update_mask name", 3, lambda: conn.unary(
                DEALS + "UpdateDeal", pb.deals.UpdateDealRequest(deal=change, update_mask=["no_such_field"]),
                pb.model.Deal, timeout=5))
            self.expect_status("DeleteDeal with a stale etag", 10, lambda: conn.unary(
                DEALS + "DeleteDeal", pb.deals.DeleteDealRequest(id=deal_id, etag=created.meta.etag),
                pb.deals.DeleteDealResponse, timeout=5))
            deleted = conn.unary(DEALS + "DeleteDeal", pb.deals.DeleteDealRequest(id=deal_id, etag=updated.meta.etag),
                                 pb.deals.DeleteDealResponse, timeout=5)
            self.check("DeleteDeal with the right etag returns a later revision",
                       deleted.revision > updated.meta.update_revision, _short(deleted))
            self.expect_status("GetDeal after DeleteDeal", 5, lambda: conn.unary(
                DEALS + "GetDeal", pb.deals.GetDealRequest(id=deal_id), pb.model.Deal, timeout=5))

    def import_deals(self):
        """section 15: ImportDeals client-streaming, one valid and one invalid record"""
        with self.connect() as conn:
            good = f"pycheck-import-{random.randrange(1 << 30):x}"
            bad = _new_deal("pycheck-import-bad")
            bad.amount.units = -5  # negative money is invalid everywhere
            requests = [pb.deals.ImportDealsRequest(record=pb.model.DealRecord(deal=_new_deal(good))),
                        pb.deals.ImportDealsRequest(record=pb.model.DealRecord(deal=bad))]
            response = conn.client_stream(DEALS + "ImportDeals", requests, pb.deals.ImportDealsResponse, timeout=10)
            print(f"          response: {_short(response)}")
            self.equal("import: created", response.created, 1)
            self.equal("import: updated, skipped", (response.updated, response.skipped), (0, 0))
            self.equal("import: rejected indexes", [r.index for r in response.rejected], [1])
            self.check("import: rejection has a reason", all(r.reason for r in response.rejected),
                       _short(response))
            self.check("import: revision reported", response.revision > 0, _short(response))
            deal = conn.unary(DEALS + "GetDeal", pb.deals.GetDealRequest(id=good), pb.model.Deal, timeout=5)
            self.equal("import: valid record stored", deal.id, good)
            again = conn.client_stream(DEALS + "ImportDeals", requests[:1], pb.deals.ImportDealsResponse, timeout=10)
            self.equal("import again with on_conflict SKIP: (created, skipped)", (again.created, again.skipped),
                       (0, 1))
            empty = conn.client_stream(DEALS + "ImportDeals", [], pb.deals.ImportDealsResponse, timeout=10)
            self.equal("import with no messages (END_STREAM on HEADERS)", (empty.created, len(empty.rejected)),
                       (0, 0))

    def deadline(self):
        """section 6: WatchDeals with timeout_micros 300000 -> TRAILERS DEADLINE_EXCEEDED from the server"""
        with self.connect() as conn:
            started = time.monotonic()
            call = conn.start_call(DEALS + "WatchDeals", timeout=0.3, local_timer=False)
            call.send(pb.deals.WatchDealsRequest(), end_stream=True)
            call.deadline = time.monotonic() + 10  # a safety net only: the server must end it
            try:
                events = list(call.responses(pb.query.ChangeEvent))
                self.check("WatchDeals with a 300 ms deadline ends with DEADLINE_EXCEEDED", False,
                           f"ended OK after {len(events)} events")
            except DealStoreError as error:
                elapsed = time.monotonic() - started
                self.check("WatchDeals with a 300 ms deadline -> DEADLINE_EXCEEDED (4) from the server",
                           error.code == 4 and not error.local, f"{error} local={error.local}")
                self.check("deadline honoured in time (0.25 s .. 3 s)", 0.25 <= elapsed <= 3, f"{elapsed:.3f} s")
                print(f"          after {elapsed:.3f} s: {error.message!r}")
            # The client's own timer (section 6 SHOULD): fires even if the server were silent.
            call = conn.start_call(DEALS + "WatchDeals", timeout=0.2)
            call.send(pb.deals.WatchDealsRequest(), end_stream=True)
            try:
                list(call.responses(pb.query.ChangeEvent))
            except DealStoreError as error:
                self.equal("client-side timer reports DEADLINE_EXCEEDED", error.code, 4)

    def cancel_watch(self):
        """section 7: WatchDeals delivers live changes; CANCEL stops it, nothing more on the stream"""
        with self.connect() as conn:
            watch = conn.start_call(DEALS + "WatchDeals", timeout=30)
            watch.send(pb.deals.WatchDealsRequest(from_revision=0), end_stream=True)
            time.sleep(0.2)  # let the subscription start ("0 = from now")
            first = f"pycheck-watch-{random.randrange(1 << 30):x}"
            created = conn.unary(DEALS + "CreateDeal", pb.deals.CreateDealRequest(deal=_new_deal(first)),
                                 pb.model.Deal, timeout=5)
            event = watch.receive(pb.query.ChangeEvent)
            self.check("watch delivers the live CreateDeal", event is not None and event.record.deal.id == first
                       and event.kind == pb.query.CHANGE_KIND_CREATED
                       and event.revision == created.meta.create_revision, _short(event))
            watch_id = watch.stream_id
            watch.cancel("pycheck done watching")
            second = f"pycheck-watch-{random.randrange(1 << 30):x}"
            conn.unary(DEALS + "CreateDeal", pb.deals.CreateDealRequest(deal=_new_deal(second)), pb.model.Deal,
                       timeout=5)
            time.sleep(0.5)
            stray = [f for f in conn.stray_frames if f[1] == watch_id]
            self.check("after CANCEL the server sends nothing more on the stream (no MESSAGE, no TRAILERS)",
                       not stray, f"frames {stray}")
            self.equal("connection usable after CANCEL", len(self._list(
                conn, pb.deals.ListDealsRequest(filter=pb.query.DealFilter(investor_ids=["Amazon"]))).deals), 1)
            conn._send(encode_frame(CANCEL, 999, b""))  # a CANCEL for a stream that is not open is ignored
            self.equal("CANCEL of a never-opened stream is ignored", len(self._list(
                conn, pb.deals.ListDealsRequest(filter=pb.query.DealFilter(investor_ids=["Amazon"]))).deals), 1)
            # Replay (from_revision): the two creations above, in revision order.
            replay = conn.start_call(DEALS + "WatchDeals", timeout=30)
            replay.send(pb.deals.WatchDealsRequest(from_revision=created.meta.create_revision - 1), end_stream=True)
            ids = [replay.receive(pb.query.ChangeEvent).record.deal.id for _ in range(2)]
            replay.cancel()
            self.equal("watch replay from a revision", ids, [first, second])

    def ping(self):
        """section 9: PING -> PONG with the same payload"""
        with self.connect() as conn:
            opaque = random.randrange(1, 1 << 64)
            self.check("PING answered with a PONG echoing opaque", conn.ping(opaque, timeout=5), f"{opaque}")
        with self.raw() as raw:
            raw.handshake()
            payload = pb.wire.Ping(opaque=0x0123456789ABCDEF).SerializeToString()
            raw.sock.sendall(encode_frame(PING, 0, payload))
            frame = raw.read_frame()
            self.equal("raw PONG frame", frame, (PONG, 0, 0, payload))

    def http_inside_tls(self):
        """sections 4 and 11: 'GET / HTTP/1.1' inside TLS -> GOAWAY INTERNAL (13), then close"""
        with self.raw() as raw:
            raw.sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            frame = raw.read_frame()
            goaway = _goaway(frame)
            self.check("HTTP request line -> GOAWAY INTERNAL (13)", goaway is not None and goaway.code == 13,
                       f"got {frame!r}")
            if goaway is not None:
                print(f"          GOAWAY {_short(goaway)}")
                self.check("GOAWAY reason names the problem", bool(goaway.reason), "empty reason")
            self.check("connection closed after the GOAWAY", raw.read_frame() is None, "more frames")
        with self.raw() as raw:
            raw.send(HEADERS, 1, pb.wire.CallHeaders(method=DEALS + "ListDeals"))
            goaway = _goaway(raw.read_frame())
            self.check("first frame not HELLO -> GOAWAY INTERNAL (13)", goaway is not None and goaway.code == 13,
                       f"{goaway}")

    def concurrent_calls(self):
        """section 5: many calls in flight on one connection, answered independently"""
        with self.raw() as raw:
            # Three calls with gaps in the ids, requests sent in reverse order of opening.
            raw.handshake()
            auth = [pb.wire.MetadataEntry(key="authorization", value=f"Bearer {self.token}".encode())]
            ids = {1: "amazon-anthropic-2023", 4: "microsoft-openai-2019", 9: "google-anthropic-2023-10"}
            for sid in ids:
                raw.send(HEADERS, sid, pb.wire.CallHeaders(method=DEALS + "GetDeal", timeout_micros=5_000_000,
                                                           metadata=auth))
            for sid in reversed(list(ids)):
                raw.send(MESSAGE, sid, pb.deals.GetDealRequest(id=ids[sid]), END_STREAM)
            answers, trailers = {}, {}
            while len(trailers) < len(ids):
                frame = raw.read_frame()
                if frame is None:
                    break
                kind, _flags, sid, payload = frame
                if kind == MESSAGE:
                    answers[sid] = pb.model.Deal.FromString(payload).id
                elif kind == TRAILERS:
                    trailers[sid] = pb.wire.Trailers.FromString(payload).code
            self.equal("pipelined calls 1, 4, 9 each answered with its own deal", answers, ids)
            self.equal("pipelined calls all end OK", trailers, {sid: 0 for sid in ids})
        with self.connect() as conn:
            watch = conn.start_call(DEALS + "WatchDeals", timeout=30)  # stays open throughout
            watch.send(pb.deals.WatchDealsRequest(), end_stream=True)
            results, errors = {}, []

            def run(name, fn):
                try:
                    results[name] = fn()
                except Exception as error:  # noqa: BLE001
                    errors.append(f"{name}: {error}")

            jobs = {f"get {i}": (lambda i=i: conn.unary(DEALS + "GetDeal", pb.deals.GetDealRequest(id=i),
                                                        pb.model.Deal, timeout=10).id) for i in BUNDLED_DEALS}
            jobs["export"] = lambda: sum(1 for r in conn.server_stream(
                DEALS + "ExportDeals", pb.deals.ExportDealsRequest(), pb.model.DealRecord, timeout=30)
                if r.WhichOneof("record") == "deal")
            jobs["summary"] = lambda: len(conn.unary(DEALS + "SummarizeDeals", pb.deals.SummarizeDealsRequest(
                group_by=pb.query.SUMMARY_GROUPING_TARGET), pb.deals.SummarizeDealsResponse, timeout=10).groups)
            jobs["missing"] = lambda: self._status_of(lambda: conn.unary(
                DEALS + "GetDeal", pb.deals.GetDealRequest(id="pycheck-none"), pb.model.Deal, timeout=10))
            threads = [threading.Thread(target=run, args=(n, f)) for n, f in jobs.items() for _ in range(1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            self.check("concurrent calls: no errors", not errors, f"{errors}")
            self.check("concurrent GetDeal answers match", all(results.get(f"get {i}") == i for i in BUNDLED_DEALS),
                       f"{results}")
            self.check("concurrent export counted deals", results.get("export", 0) >= 5, f"{results.get('export')}")
            self.equal("concurrent NOT_FOUND stays on its own stream", results.get("missing"), 5)
            self.check("the open watch stream did not block the others", not watch.done, "watch ended")
            sequence = [sid for kind, sid in conn.frame_log if kind in (MESSAGE, TRAILERS)]
            switches = sum(1 for a, b in zip(sequence, sequence[1:]) if a != b)
            print(f"          {len(threads)} concurrent calls; received frames switched stream {switches} times")
            watch.cancel()

    # --- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _list(conn, request):
        return conn.unary(DEALS + "ListDeals", request, pb.deals.ListDealsResponse, timeout=5)

    @staticmethod
    def _status_of(fn) -> int:
        try:
            fn()
            return 0
        except DealStoreError as error:
            return error.code


class RawConnection:
    """A TLS connection without the client library, for checks at the frame level."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext):
        raw = socket.create_connection((host, port), timeout=10)
        self.sock = context.wrap_socket(raw, server_hostname=host)
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, kind: int, stream_id: int, message, flags: int = 0) -> None:
        self.sock.sendall(encode_frame(kind, stream_id, message.SerializeToString(), flags))

    def handshake(self):
        self.send(HELLO, 0, pb.wire.Hello(min_version=1, max_version=1, agent="pycheck-raw/0.1"))
        frame = self.read_frame()
        assert frame is not None and frame[0] == HELLO, f"expected HELLO, got {frame!r}"
        return pb.wire.Hello.FromString(frame[3])

    def read_frame(self, timeout: float = 5.0):
        """(type, flags, stream_id, payload), or None when the connection closed."""
        self.sock.settimeout(timeout)
        try:
            while True:
                if len(self.buffer) >= 12:
                    (length,) = struct.unpack_from(">I", self.buffer)
                    if len(self.buffer) >= 4 + length:
                        kind, flags, _reserved, stream_id = struct.unpack_from(">BBHI", self.buffer, 4)
                        payload, self.buffer = self.buffer[12:4 + length], self.buffer[4 + length:]
                        return kind, flags, stream_id, payload
                data = self.sock.recv(65536)
                if not data:
                    return None
                self.buffer += data
        except (ssl.SSLError, ConnectionError):
            return None
        except socket.timeout:
            return ("timeout",)

    def read_until_trailers(self, stream_id: int):
        frames = []
        while (frame := self.read_frame()) is not None and len(frame) == 4:
            frames.append(frame)
            if frame[0] == TRAILERS and frame[2] == stream_id:
                break
        return frames or [("nothing",)]


def _goaway(frame):
    if frame is None or len(frame) != 4 or frame[0] != GOAWAY or frame[2] != 0:
        return None
    return pb.wire.GoAway.FromString(frame[3])


def _tls12_only(ca: str) -> ssl.SSLContext:
    context = tls_client_context(ca, minimum=ssl.TLSVersion.TLSv1_2)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def _short(message) -> str:
    return str(message).replace("\n", " ").strip()[:300]


def _new_deal(deal_id: str):
    return pb.model.Deal(
        id=deal_id, target_id="anthropic", type=pb.model.DEAL_TYPE_VENTURE, status=pb.model.DEAL_STATUS_ANNOUNCED,
        title="pycheck test deal", announced=pb.model.PartialDate(year=2025, month=6,
                                                                  precision=pb.model.DATE_PRECISION_MONTH),
        amount=pb.model.Money(currency_code="USD", units=1_000_000),
        participations=[pb.model.Participation(investor_id="microsoft", role=pb.model.INVESTOR_ROLE_LEAD,
                                               committed=pb.model.Money(currency_code="USD", units=1_000_000))])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addr", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--token", required=True, help="an admin token")
    parser.add_argument("--allow-deviation", action="append", default=[], metavar="KEY",
                        help="tolerate a known deviation (printed as KNOWN); keys: " + ", ".join(DEVIATION_KEYS))
    args = parser.parse_args()
    host, port = parse_addr(args.addr)
    print(f"checking {host}:{port} against PROTOCOL.md")
    return Checker(host, port, args.ca, args.token, set(args.allow_deviation)).run()


if __name__ == "__main__":
    sys.exit(main())
