"""``AsyncClient``: the asyncio face, and the one implementation ``Client`` (blocking) runs on a loop thread."""

from __future__ import annotations

import asyncio
import math
import random
import re
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack

from google.protobuf.message import DecodeError, Message

from dealstore import _settings
from dealstore._connection import (
    DEFAULT_FRAME_SIZE,
    DEFAULT_WINDOW,
    Connection,
    Stream,
    Unprocessed,
    metadata_entries,
)
from dealstore._errors import DealStoreError, StatusCode
from dealstore._values import AmountArgument, DateArgument, EnumArgument, amount, enum_value, enum_values, partial_date
from dealstore.v1 import deals_pb2, health_pb2, model_pb2, organizations_pb2, query_pb2, server_pb2, wire_pb2

__version__ = "0.1.0"

T = TypeVar("T")
M = TypeVar("M", bound=Message)

ImportRecord = model_pb2.Deal | model_pb2.Organization | model_pb2.DealRecord
"""What ``import_deals`` takes: deals, organizations (before the deals that refer to them) or DealRecords."""

_DEALS = "/dealstore.v1.Deals/"
_METADATA_KEY = re.compile(r"[a-z0-9._-]+")
_ORGANIZATIONS = "/dealstore.v1.Organizations/"


class DealFilterArguments(TypedDict, total=False):
    """The filters of ListDeals, ExportDeals, SummarizeDeals and TopDeals as keyword arguments.

    Several filters combine with AND. ``filter`` passes a whole DealFilter; the others then refine it.
    """

    filter: query_pb2.DealFilter
    investor: str | Sequence[str]
    """Deals in which any of these organizations (id, name or alias) invests."""
    target: str
    lead_investor: str
    type: EnumArgument | Sequence[EnumArgument]
    """``corporate-strategic``, ``venture``...: any of these."""
    status: EnumArgument | Sequence[EnumArgument]
    """``rumored``, ``announced``, ``closed``, ``cancelled``: any of these."""
    announced_from: DateArgument
    announced_to: DateArgument
    min_amount: AmountArgument
    max_amount: AmountArgument
    currency: str
    strategic_term: str
    strategic_term_kind: EnumArgument
    query: str
    """Free text matched against titles and notes."""
    normalize_to: str
    """ISO 4217 code: amounts converted into it at each deal's date (ECB rates); ``min_amount``/``max_amount`` are
    then in it, summaries add ``normalized`` totals with the rates used, top deals rank by converted amounts."""


def _deal_filter(arguments: DealFilterArguments) -> query_pb2.DealFilter:
    result = query_pb2.DealFilter()
    if "filter" in arguments:
        result.CopyFrom(arguments["filter"])
    if "investor" in arguments:
        investors = arguments["investor"]
        result.investor_ids.extend([investors] if isinstance(investors, str) else investors)
    if "target" in arguments:
        result.target_id = arguments["target"]
    if "lead_investor" in arguments:
        result.lead_investor_id = arguments["lead_investor"]
    if "type" in arguments:
        result.types.extend(enum_values(model_pb2.DealType, arguments["type"], "type"))
    if "status" in arguments:
        result.statuses.extend(enum_values(model_pb2.DealStatus, arguments["status"], "status"))
    if "announced_from" in arguments:
        result.announced_from.CopyFrom(partial_date(arguments["announced_from"], "announced_from"))
    if "announced_to" in arguments:
        result.announced_to.CopyFrom(partial_date(arguments["announced_to"], "announced_to"))
    if "min_amount" in arguments:
        result.min_amount.CopyFrom(amount(arguments["min_amount"]))
    if "max_amount" in arguments:
        result.max_amount.CopyFrom(amount(arguments["max_amount"]))
    if "currency" in arguments:
        result.currency_code = arguments["currency"]
    if "strategic_term" in arguments:
        result.strategic_term = arguments["strategic_term"]
    if "strategic_term_kind" in arguments:
        result.strategic_term_kind = enum_value(
            model_pb2.StrategicTermKind, arguments["strategic_term_kind"], "strategic_term_kind"
        )
    if "query" in arguments:
        result.query = arguments["query"]
    if "normalize_to" in arguments:
        result.normalize_to = arguments["normalize_to"]
    return result


def _decode(response_type: type[M], data: bytes) -> M:
    try:
        return response_type.FromString(data)
    except DecodeError as error:
        raise DealStoreError.local(
            StatusCode.INTERNAL, f"the server's {response_type.DESCRIPTOR.name} does not decode: {error}"
        ) from error


class DealStream(AsyncIterator[T], Generic[T]):
    """The responses of a streaming call (or the items of a paged listing) as an async iterator.

    The call starts at the first ``__anext__``. Leaving early (``break``, an exception, ``cancel()``,
    ``aclose()``, ``async with`` exit) sends CANCEL, so the server stops the work (a watch is unsubscribed).
    """

    def __init__(self, next_item: Callable[[], Awaitable[T]], cancel: Callable[[], None]) -> None:
        self._next_item = next_item
        self._cancel = cancel
        self._done = False
        self._loop: asyncio.AbstractEventLoop | None = None  # known once started

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        if self._done:
            raise StopAsyncIteration
        self._loop = asyncio.get_running_loop()
        try:
            return await self._next_item()
        except StopAsyncIteration:
            self._done = True
            raise
        except BaseException:
            self._done = True
            self._cancel()
            raise

    def cancel(self) -> None:
        """Ends the call now (CANCEL to the server); iteration then stops."""
        self._done = True
        self._cancel()

    async def aclose(self) -> None:
        """Same as ``cancel``, for ``contextlib.aclosing``."""
        self.cancel()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        # An abandoned stream (a `break` without aclose) is cancelled when collected, from whatever thread.
        loop = self._loop
        if not self._done and loop is not None and not loop.is_closed():
            self._done = True
            try:
                loop.call_soon_threadsafe(self._cancel)
            except RuntimeError:
                pass  # the loop closed meanwhile: the connection is gone, and with it the call


class _Call:
    """A streaming call that survives GOAWAY before processing (retried) and, optionally, resumes after it."""

    def __init__(
        self,
        client: AsyncClient,
        method: str,
        request: Callable[[], bytes],
        deadline: float | None,
        resume: Callable[[DealStoreError], bool] | None = None,
    ) -> None:
        self.client = client
        self.method = method
        self.request = request
        self.deadline = deadline
        self.resume = resume
        self.stream: Stream | None = None
        self.attempts = 0
        self.resumes = 0  # consecutive resumptions without an item in between

    async def next(self) -> bytes:
        while True:
            if self.stream is None:
                self.stream = await self.client._open(self.method, self.request(), self.deadline)
            try:
                data = await self.stream.receive(self.deadline)
            except Unprocessed as unprocessed:
                self.stream = None
                self.attempts = self.client._count_retry(self.attempts, unprocessed, self.method)
                continue
            except DealStoreError as error:
                self.stream = None
                if self.resume is not None and self.resume(error) and self.resumes < self.client.max_retries:
                    # A server that ends the watch again at once is not hammered: wait as for a reconnection.
                    await asyncio.sleep(self.client.initial_backoff * 1.6**self.resumes)
                    self.resumes += 1
                    continue
                raise
            if data is None:
                raise StopAsyncIteration
            self.resumes = 0
            return data

    def cancel(self) -> None:
        if self.stream is not None:
            self.stream.cancel("cancelled by the caller")


class AsyncClient:
    """The asyncio client: one multiplexed TLS connection, concurrent calls, streams as async iterators.

    Create it with ``await AsyncClient.connect(...)`` and use it as ``async with``. Every method takes
    ``timeout=`` (seconds; the client's default when omitted; ``math.inf`` for none), sent to the server and
    enforced locally. Failures raise DealStoreError. The connection is made on demand: after a drop the next
    call reconnects with exponential backoff (0.1 s growing x1.6 with jitter to 5 s, for up to
    ``wait_for_connection`` seconds); calls a GOAWAY says the server never processed are retried on a new
    connection (``max_retries`` times), others never are. While calls are open and the server is silent, a
    keepalive PING every ``keepalive_interval`` seconds detects a dead connection.

    An AsyncClient belongs to the event loop that connected it; from threads, use the blocking ``Client``.
    """

    def __init__(
        self,
        settings: _settings.ConnectionSettings,
        *,
        timeout: float | None = None,
        connect_timeout: float = 10.0,
        wait_for_connection: float = 15.0,
        initial_backoff: float = 0.1,
        max_backoff: float = 5.0,
        keepalive_interval: float = 30.0,
        keepalive_timeout: float = 10.0,
        max_retries: int = 5,
        receive_window: int = DEFAULT_WINDOW,
        max_frame_size: int = DEFAULT_FRAME_SIZE,
        metadata: Iterable[tuple[str, str]] = (),
        agent: str | None = None,
        track_revisions: bool = True,
        min_revision: int = 0,
    ) -> None:
        """A client for resolved ``settings``; ``connect`` resolves them as the CLI does and connects.

        ``receive_window`` is the flow-control window granted to the server per call (what one slow stream can
        make this client buffer), ``max_frame_size`` the largest response message accepted (at least 16,384
        and at most the window). ``metadata`` is sent with every call, e.g. ``[("request-id", "nightly-etl")]``,
        which dealsd writes in its log line of each call (keys ``[a-z0-9._-]``; ``authorization`` comes from the
        token).

        Consistency (PROTOCOL.md section 19): every answer carries the store revision it was served at, and the
        client keeps the highest one seen (``revision``). With ``track_revisions`` (the default) every call sends
        it as ``min-revision``, so a read sees every write this client made or saw, on whichever node of a
        cluster serves it (a lagging node waits, or answers UNAVAILABLE). ``min_revision`` starts the count
        there, e.g. at a revision another process wrote at; it is sent even without ``track_revisions``.
        """
        if not 0 <= min_revision < 2**64:
            raise DealStoreError.local(
                StatusCode.INVALID_ARGUMENT, f"min_revision={min_revision}: need 0 <= min_revision < 2**64"
            )
        self.track_revisions = track_revisions
        self._revision = min_revision
        self._min_revision = min_revision
        if not 16_384 <= max_frame_size <= receive_window < 2**31:
            raise DealStoreError.local(
                StatusCode.INVALID_ARGUMENT,
                f"max_frame_size={max_frame_size}, receive_window={receive_window}: need "
                "16384 <= max_frame_size <= receive_window < 2**31",
            )
        self.receive_window = receive_window
        self.max_frame_size = max_frame_size
        self.settings = settings
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.wait_for_connection = wait_for_connection
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.keepalive_interval = keepalive_interval
        self.keepalive_timeout = keepalive_timeout
        self.max_retries = max_retries
        self.agent = agent or f"dealstore-python/{__version__}"
        self._context = _tls_context(settings)
        self._connection: Connection | None = None
        self._connecting: asyncio.Task[Connection] | None = None
        self._closed = False
        self._metadata: list[tuple[str, str]] = []
        self._header_prefixes: dict[str, bytes] = {}
        if settings.token:
            self._metadata.append(("authorization", f"Bearer {settings.token}"))
        for key, value in metadata:
            if not _METADATA_KEY.fullmatch(key) or key == "authorization":
                raise DealStoreError.local(
                    StatusCode.INVALID_ARGUMENT,
                    f"metadata key {key!r}: keys are lower-case [a-z0-9._-], and authorization comes from token=",
                )
            self._metadata.append((key, value))

    @classmethod
    async def connect(
        cls,
        addr: str | None = None,
        ca: str | None = None,
        token: str | None = None,
        cert: str | None = None,
        key: str | None = None,
        timeout: float | None = None,
        *,
        profile: str | None = None,
        environ: dict[str, str] | None = None,
        **options: Any,
    ) -> AsyncClient:
        """Resolves the settings (arguments, DEALS_* environment, profile, local dealsd) and connects.

        ``timeout`` is the default deadline of every call that sets none (streaming calls excepted);
        ``options`` are the keyword arguments of ``AsyncClient`` (``connect_timeout``, ``keepalive_interval``...).
        """
        settings = _settings.resolve(
            addr=addr, token=token, ca=ca, cert=cert, key=key, profile=profile, environ=environ
        )
        client = cls(settings, timeout=timeout, **options)
        try:
            await client._connect(client._deadline(None))
        except BaseException:
            await client.close()
            raise
        return client

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the connection; open calls fail with CANCELLED. Idempotent."""
        self._closed = True
        if self._connecting is not None:
            self._connecting.cancel()
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    @property
    def connection(self) -> Connection | None:
        """The current connection (for diagnostics and tests), if any."""
        return self._connection

    # --- connections ---

    def _deadline(self, timeout: float | None) -> float | None:
        value = self.timeout if timeout is None else timeout
        if value is None or math.isinf(value):
            return None
        if value <= 0 or math.isnan(value):
            raise DealStoreError.local(StatusCode.INVALID_ARGUMENT, f"timeout={value!r}: it must be above 0 seconds")
        return asyncio.get_running_loop().time() + value

    async def _connect(self, deadline: float | None) -> Connection:
        connection = self._connection
        if connection is not None and connection.usable:
            return connection
        if self._closed:
            raise DealStoreError.local(StatusCode.CANCELLED, "the client is closed")
        task = self._connecting
        if task is None:
            task = asyncio.get_running_loop().create_task(self._connect_with_backoff(), name="dealstore-connect")
            task.add_done_callback(self._connected)
            self._connecting = task
        try:
            async with asyncio.timeout_at(deadline):
                return await asyncio.shield(task)
        except TimeoutError:
            raise DealStoreError.local(
                StatusCode.DEADLINE_EXCEEDED,
                f"the call's deadline passed while connecting to {self.settings.address}",
            ) from None
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the caller's own task is being cancelled
            # The shared connection attempt was cancelled under us: close() ran meanwhile.
            raise DealStoreError.local(StatusCode.CANCELLED, "the client was closed while connecting") from None

    def _connected(self, task: asyncio.Task[Connection]) -> None:
        if self._connecting is task:
            self._connecting = None
        if not task.cancelled() and task.exception() is None:
            self._connection = task.result()

    async def _connect_with_backoff(self) -> Connection:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.wait_for_connection
        backoff = self.initial_backoff
        while True:
            try:
                connection = await Connection.open(
                    self.settings.host,
                    self.settings.port,
                    self._context,
                    agent=self.agent,
                    connect_timeout=self.connect_timeout,
                    keepalive_interval=self.keepalive_interval,
                    keepalive_timeout=self.keepalive_timeout,
                    receive_window=self.receive_window,
                    max_frame_size=self.max_frame_size,
                )
                connection.observe_revision = self._observe_revision
                return connection
            except DealStoreError as error:
                # A refused connection may be a daemon restarting; a failed certificate check fails every time.
                if error.code != StatusCode.UNAVAILABLE or "tls" in error.details or loop.time() + backoff > give_up:
                    raise
            await asyncio.sleep(backoff)
            backoff = min(backoff * 1.6 * random.uniform(0.8, 1.2), self.max_backoff)

    @property
    def revision(self) -> int:
        """The highest store revision seen in any answer (or ``min_revision``); 0 before any."""
        return self._revision

    def _observe_revision(self, revision: int) -> None:
        if revision > self._revision:
            self._revision = revision

    def _headers(self, method: str, deadline: float | None) -> bytes:
        """The encoded CallHeaders. Method and metadata are encoded once per method; ``min-revision`` and the
        timeout are appended (protobuf fields may come in any order, and concatenated encodings merge)."""
        prefix = self._header_prefixes.get(method)
        if prefix is None:
            prefix = wire_pb2.CallHeaders(method=method, metadata=metadata_entries(self._metadata)).SerializeToString()
            self._header_prefixes[method] = prefix
        minimum = self._revision if self.track_revisions else self._min_revision
        if minimum > 0:
            prefix += wire_pb2.CallHeaders(
                metadata=metadata_entries([("min-revision", str(minimum))])
            ).SerializeToString()
        if deadline is None:
            return prefix
        remaining = deadline - asyncio.get_running_loop().time()
        return (
            prefix + wire_pb2.CallHeaders(timeout_micros=max(1, math.ceil(remaining * 1_000_000))).SerializeToString()
        )

    def _count_retry(self, attempts: int, unprocessed: Unprocessed, method: str) -> int:
        """One more retry of a call the server did not process, or the error when they are used up."""
        if attempts >= self.max_retries:
            raise DealStoreError.local(
                StatusCode.UNAVAILABLE,
                f"{method} was not processed by the server ({unprocessed.reason}) after {attempts + 1} attempts; "
                "it is safe to retry",
                retry_safe=True,
            )
        return attempts + 1

    async def _open(self, method: str, payload: bytes, deadline: float | None) -> Stream:
        """Opens a call with its one request message, retrying on new connections while it is unprocessed."""
        attempts = 0
        while True:
            connection = await self._connect(deadline)
            try:
                return await connection.open_stream(self._headers(method, deadline), payload, True, deadline)
            except Unprocessed as unprocessed:
                attempts = self._count_retry(attempts, unprocessed, method)

    async def _unary(self, method: str, request: Message, response_type: type[M], timeout: float | None) -> M:
        deadline = self._deadline(timeout)
        payload = request.SerializeToString()
        attempts = 0
        while True:
            stream = await self._open(method, payload, deadline)
            try:
                data = await stream.receive(deadline)
                if data is None:
                    raise DealStoreError.local(StatusCode.INTERNAL, f"{method}: TRAILERS OK without a response")
                if await stream.receive(deadline) is not None:
                    raise DealStoreError.local(StatusCode.INTERNAL, f"{method}: more than one response message")
                return _decode(response_type, data)
            except Unprocessed as unprocessed:
                attempts = self._count_retry(attempts, unprocessed, method)
            finally:
                stream.cancel("cancelled by the caller")  # a no-op once TRAILERS ended the call

    def _server_stream(
        self,
        method: str,
        request: Callable[[], Message],
        response_type: type[M],
        timeout: float | None,
        resume: Callable[[DealStoreError], bool] | None = None,
        observe: Callable[[M], None] | None = None,
    ) -> DealStream[M]:
        # The deadline counts from the call's start (the first iteration), not from this function call.
        call: _Call | None = None

        async def next_item() -> M:
            nonlocal call
            if call is None:
                call = _Call(
                    self, method, lambda: request().SerializeToString(), self._stream_deadline(timeout), resume
                )
            item = _decode(response_type, await call.next())
            if observe is not None:
                observe(item)
            return item

        def cancel() -> None:
            if call is not None:
                call.cancel()

        return DealStream(next_item, cancel)

    def _stream_deadline(self, timeout: float | None) -> float | None:
        # Streaming calls have no default deadline: a watch runs until cancelled, an export as long as it needs.
        return None if timeout is None else self._deadline(timeout)

    def _pages(
        self,
        fetch: Callable[[str], Awaitable[tuple[Sequence[T], str]]],
    ) -> DealStream[T]:
        buffer: list[T] = []
        token: str | None = ""

        async def next_item() -> T:
            nonlocal token
            while not buffer:
                if token is None:
                    raise StopAsyncIteration
                items, next_token = await fetch(token)
                buffer.extend(reversed(items))
                token = next_token or None
            return buffer.pop()

        return DealStream(next_item, buffer.clear)

    # --- Deals ---

    async def get_deal(self, id: str, *, timeout: float | None = None) -> model_pb2.Deal:
        """The deal with this id (NOT_FOUND if none)."""
        return await self._unary(_DEALS + "GetDeal", deals_pb2.GetDealRequest(id=id), model_pb2.Deal, timeout)

    def list_deals(
        self,
        *,
        order_by: str = "",
        page_size: int = 0,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> DealStream[model_pb2.Deal]:
        """Every deal matching the filters, fetched page by page (``page_size`` each, 0 = the server's default).

        ``order_by``: ``announced``, ``amount``, ``update_revision``, ``id``, each optionally ``asc``/``desc``,
        comma-separated (``"amount desc, id"``). ``timeout`` applies to each page.
        """
        request = deals_pb2.ListDealsRequest(page_size=page_size, order_by=order_by, filter=_deal_filter(filters))

        async def fetch(token: str) -> tuple[Sequence[model_pb2.Deal], str]:
            request.page_token = token
            page = await self._unary(_DEALS + "ListDeals", request, deals_pb2.ListDealsResponse, timeout)
            return page.deals, page.next_page_token

        return self._pages(fetch)

    async def create_deal(
        self, deal: model_pb2.Deal, *, validate_only: bool = False, timeout: float | None = None
    ) -> model_pb2.Deal:
        """Creates a deal (``target_id`` required; an id is derived when empty) and returns it as stored."""
        request = deals_pb2.CreateDealRequest(deal=deal, validate_only=validate_only)
        return await self._unary(_DEALS + "CreateDeal", request, model_pb2.Deal, timeout)

    async def update_deal(
        self,
        deal: model_pb2.Deal,
        update_mask: Iterable[str] = (),
        *,
        etag: str = "",
        timeout: float | None = None,
    ) -> model_pb2.Deal:
        """Updates the fields named in ``update_mask`` (all when empty); with ``etag``, only if it still matches
        (ABORTED otherwise: re-read and retry)."""
        request = deals_pb2.UpdateDealRequest(deal=deal, update_mask=list(update_mask), etag=etag)
        return await self._unary(_DEALS + "UpdateDeal", request, model_pb2.Deal, timeout)

    async def delete_deal(self, id: str, *, etag: str = "", timeout: float | None = None) -> int:
        """Deletes a deal; returns the store revision of the deletion."""
        request = deals_pb2.DeleteDealRequest(id=id, etag=etag)
        response = await self._unary(_DEALS + "DeleteDeal", request, deals_pb2.DeleteDealResponse, timeout)
        return response.revision

    async def import_deals(
        self,
        records: Iterable[ImportRecord] | AsyncIterable[ImportRecord],
        *,
        replace: bool = False,
        timeout: float | None = None,
    ) -> deals_pb2.ImportDealsResponse:
        """Streams records to ImportDeals (organizations before the deals that use them) and returns the counts.

        Existing ids are skipped, or replaced with ``replace=True``; invalid records are listed in ``rejected``.
        Records are sent as they are produced, under flow control. A call the server did not process is retried
        only when ``records`` is a sequence (it can be sent again); otherwise it fails with ``retry_safe``.
        """
        deadline = self._deadline(timeout)
        policy = query_pb2.IMPORT_CONFLICT_POLICY_REPLACE if replace else query_pb2.IMPORT_CONFLICT_POLICY_SKIP
        method = _DEALS + "ImportDeals"
        attempts = 0
        iterator: AsyncIterator[bytes] | None = None
        held: bytes | None = None
        while True:
            if iterator is None:  # a new attempt after a refusal starts from the first record again
                iterator = _records(records, policy)
                held = await anext(iterator, None)
            connection = await self._connect(deadline)
            try:
                stream = await connection.open_stream(self._headers(method, deadline), None, held is None, deadline)
            except Unprocessed as unprocessed:
                attempts = self._count_retry(attempts, unprocessed, method)
                continue  # nothing was sent: the same records go on the next connection
            try:
                # One message is held back so that the last one carries END_STREAM.
                while held is not None:
                    following = await anext(iterator, None)
                    if not await stream.send(held, following is None, deadline):
                        break  # the server ended the call early: its status follows
                    held = following
                data = await stream.receive(deadline)
                if data is None:
                    raise DealStoreError.local(StatusCode.INTERNAL, "ImportDeals: TRAILERS OK without a response")
                await stream.receive(deadline)
                return _decode(deals_pb2.ImportDealsResponse, data)
            except Unprocessed as unprocessed:
                if not isinstance(records, Sequence):
                    raise DealStoreError.local(
                        StatusCode.UNAVAILABLE,
                        f"ImportDeals was not processed by the server ({unprocessed.reason}); it is safe to retry "
                        "(pass a list to have the client retry by itself)",
                        retry_safe=True,
                    ) from None
                attempts = self._count_retry(attempts, unprocessed, method)
                iterator = None
            finally:
                stream.cancel("cancelled by the caller")

    def export_deals(
        self, *, timeout: float | None = None, **filters: Unpack[DealFilterArguments]
    ) -> DealStream[model_pb2.DealRecord]:
        """Every organization, then every deal matching the filters, as DealRecords of one store revision."""
        request = deals_pb2.ExportDealsRequest(filter=_deal_filter(filters))
        return self._server_stream(_DEALS + "ExportDeals", lambda: request, model_pb2.DealRecord, timeout)

    async def summarize_deals(
        self,
        group_by: EnumArgument = "investor",
        *,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> deals_pb2.SummarizeDealsResponse:
        """Committed and funded totals by ``investor``, ``target``, ``year``, ``quarter``, ``deal-type``,
        ``industry`` or ``country`` (the target's)."""
        request = deals_pb2.SummarizeDealsRequest(
            group_by=enum_value(query_pb2.SummaryGrouping, group_by, "group_by"), filter=_deal_filter(filters)
        )
        return await self._unary(_DEALS + "SummarizeDeals", request, deals_pb2.SummarizeDealsResponse, timeout)

    async def top_deals(
        self,
        limit: int = 10,
        *,
        ranking_currency: str = "",
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> list[model_pb2.Deal]:
        """The ``limit`` largest deals matching the filters, ranked in ``ranking_currency`` (default USD)."""
        request = deals_pb2.TopDealsRequest(limit=limit, currency_code=ranking_currency, filter=_deal_filter(filters))
        response = await self._unary(_DEALS + "TopDeals", request, deals_pb2.TopDealsResponse, timeout)
        return list(response.deals)

    async def list_co_investors(
        self, investor: str, *, timeout: float | None = None
    ) -> deals_pb2.ListCoInvestorsResponse:
        """The organizations that invested in the same targets as ``investor``."""
        request = deals_pb2.ListCoInvestorsRequest(investor_id=investor)
        return await self._unary(_DEALS + "ListCoInvestors", request, deals_pb2.ListCoInvestorsResponse, timeout)

    async def get_timeline(self, organization: str, *, timeout: float | None = None) -> query_pb2.Timeline:
        """The dated events (deals, tranches, valuations, strategic terms) of an organization."""
        request = deals_pb2.GetTimelineRequest(organization_id=organization)
        return await self._unary(_DEALS + "GetTimeline", request, query_pb2.Timeline, timeout)

    def watch_deals(
        self,
        from_revision: int = 0,
        *,
        include_organizations: bool = False,
        resume: bool = False,
        timeout: float | None = None,
    ) -> DealStream[query_pb2.ChangeEvent]:
        """Every change after ``from_revision`` (0 = from now), then live changes until cancelled.

        With ``resume=True`` a watch the server ends with UNAVAILABLE (a restart, a dropped connection) is
        reopened from the last revision delivered (up to ``max_retries`` times in a row, with backoff), so no
        change is missed or repeated; OUT_OF_RANGE (the history
        no longer holds the changes needed) is raised with ``resume-revision`` / ``oldest-revision`` in
        ``details``.
        """
        state = _WatchState(from_revision, started=from_revision != 0 or not resume)
        method = _DEALS + "WatchDeals"

        def request() -> deals_pb2.WatchDealsRequest:
            return deals_pb2.WatchDealsRequest(
                from_revision=state.revision, include_organizations=include_organizations
            )

        def observe(event: query_pb2.ChangeEvent) -> None:
            state.revision = max(state.revision, event.revision)

        def should_resume(error: DealStoreError) -> bool:
            return resume and error.code == StatusCode.UNAVAILABLE

        stream = self._server_stream(method, request, query_pb2.ChangeEvent, timeout, should_resume, observe)
        if state.started:
            return stream

        # Resuming needs a revision to resume from: "from now" is the store's revision when the watch starts.
        async def start_then_next() -> query_pb2.ChangeEvent:
            if not state.started:
                info = await self.server_info(timeout=timeout)
                state.revision = max(state.revision, info.store_revision)
                state.started = True
            return await stream.__anext__()

        return DealStream(start_then_next, stream.cancel)

    async def list_conflicts(
        self,
        deal_id: str = "",
        *,
        organization_id: str = "",
        status: EnumArgument = 0,
        page_size: int = 0,
        timeout: float | None = None,
    ) -> list[query_pb2.Conflict]:
        """The disputed claims (of one deal, of all deals, or of one organization), every page.

        ``status`` is a ``model_pb2.CLAIM_STATUS_*`` value or a name ("open", "resolved"); open includes untyped
        claims.
        """
        conflicts: list[query_pb2.Conflict] = []
        request = deals_pb2.ListConflictsRequest(
            deal_id=deal_id,
            organization_id=organization_id,
            status=enum_value(model_pb2.ClaimStatus, status, "status") if status else None,
            page_size=page_size,
        )
        while True:
            page = await self._unary(_DEALS + "ListConflicts", request, deals_pb2.ListConflictsResponse, timeout)
            conflicts.extend(page.conflicts)
            if not page.next_page_token:
                return conflicts
            request.page_token = page.next_page_token

    async def find_duplicate_deals(
        self,
        *,
        max_days_apart: int = 0,
        amount_tolerance_percent: int = 0,
        limit: int = 0,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> deals_pb2.FindDuplicateDealsResponse:
        """Pairs of deals that may be one deal stored twice (same target, close dates, similar amounts)."""
        request = deals_pb2.FindDuplicateDealsRequest(
            filter=_deal_filter(filters),
            max_days_apart=max_days_apart,
            amount_tolerance_percent=amount_tolerance_percent,
            limit=limit,
        )
        return await self._unary(
            _DEALS + "FindDuplicateDeals", request, deals_pb2.FindDuplicateDealsResponse, timeout
        )

    async def list_source_reports(
        self,
        publisher: str = "",
        *,
        source_id: str = "",
        catalog_id: str = "",
        page_size: int = 0,
        timeout: float | None = None,
    ) -> list[query_pb2.SourceReport]:
        """Everything one publisher (or one catalog source, or one source id) reported: each record citing it,
        every page."""
        reports: list[query_pb2.SourceReport] = []
        request = deals_pb2.ListSourceReportsRequest(
            publisher=publisher, source_id=source_id, catalog_id=catalog_id, page_size=page_size
        )
        while True:
            page = await self._unary(
                _DEALS + "ListSourceReports", request, deals_pb2.ListSourceReportsResponse, timeout
            )
            reports.extend(page.reports)
            if not page.next_page_token:
                return reports
            request.page_token = page.next_page_token

    async def list_sources(
        self, publisher: str = "", *, page_size: int = 0, timeout: float | None = None
    ) -> list[query_pb2.CatalogSource]:
        """The store's source catalog (each distinct source once), or the sources cited with ``publisher``;
        every page."""
        sources: list[query_pb2.CatalogSource] = []
        request = deals_pb2.ListSourcesRequest(publisher=publisher, page_size=page_size)
        while True:
            page = await self._unary(_DEALS + "ListSources", request, deals_pb2.ListSourcesResponse, timeout)
            sources.extend(page.sources)
            if not page.next_page_token:
                return sources
            request.page_token = page.next_page_token

    async def get_source(self, id: str, *, timeout: float | None = None) -> query_pb2.CatalogSource:
        """One catalog source by its id (``CatalogSource.id``, ``SourceReport.catalog_id``; NOT_FOUND if none)."""
        request = deals_pb2.GetSourceRequest(id=id)
        return await self._unary(_DEALS + "GetSource", request, query_pb2.CatalogSource, timeout)

    async def get_fx_table(self, *, timeout: float | None = None) -> deals_pb2.FXTableInfo:
        """The FX table the server normalises amounts with: provenance, dates, currencies, origin."""
        request = deals_pb2.GetFXTableRequest()
        return await self._unary(_DEALS + "GetFXTable", request, deals_pb2.FXTableInfo, timeout)

    async def import_fx_rates(
        self,
        csv: bytes | str,
        *,
        source: str,
        label: str = "",
        retrieved: str = "",
        validate_only: bool = False,
        timeout: float | None = None,
    ) -> deals_pb2.FXTableInfo:
        """Replaces the server's FX table with one read from a CSV in the ECB's eurofxref-hist layout (at most
        16 MiB); INVALID_ARGUMENT names the line and column of bad input. ``validate_only`` only checks it."""
        request = deals_pb2.ImportFXRatesRequest(
            csv=csv.encode() if isinstance(csv, str) else csv,
            source=source,
            label=label,
            retrieved=retrieved,
            validate_only=validate_only,
        )
        return await self._unary(_DEALS + "ImportFXRates", request, deals_pb2.FXTableInfo, timeout)

    # --- Organizations ---

    async def get_organization(self, id: str, *, timeout: float | None = None) -> model_pb2.Organization:
        """The organization with this id, name or alias (NOT_FOUND if none)."""
        request = organizations_pb2.GetOrganizationRequest(id=id)
        return await self._unary(_ORGANIZATIONS + "GetOrganization", request, model_pb2.Organization, timeout)

    def list_organizations(
        self,
        *,
        query: str = "",
        kind: EnumArgument = 0,
        page_size: int = 0,
        timeout: float | None = None,
    ) -> DealStream[model_pb2.Organization]:
        """Every organization (matching ``query`` and ``kind``: ``company``, ``ai-lab``...), page by page."""
        request = organizations_pb2.ListOrganizationsRequest(
            page_size=page_size,
            query=query,
            kind=enum_value(model_pb2.OrganizationKind, kind, "kind") if kind else None,
        )

        async def fetch(token: str) -> tuple[Sequence[model_pb2.Organization], str]:
            request.page_token = token
            page = await self._unary(
                _ORGANIZATIONS + "ListOrganizations", request, organizations_pb2.ListOrganizationsResponse, timeout
            )
            return page.organizations, page.next_page_token

        return self._pages(fetch)

    async def create_organization(
        self, organization: model_pb2.Organization, *, validate_only: bool = False, timeout: float | None = None
    ) -> model_pb2.Organization:
        """Creates an organization (its id derived from the name when empty) and returns it as stored."""
        request = organizations_pb2.CreateOrganizationRequest(organization=organization, validate_only=validate_only)
        return await self._unary(_ORGANIZATIONS + "CreateOrganization", request, model_pb2.Organization, timeout)

    async def update_organization(
        self,
        organization: model_pb2.Organization,
        update_mask: Iterable[str] = (),
        *,
        etag: str = "",
        timeout: float | None = None,
    ) -> model_pb2.Organization:
        """Updates the fields named in ``update_mask`` (all when empty), only if ``etag`` matches when given."""
        request = organizations_pb2.UpdateOrganizationRequest(
            organization=organization, update_mask=list(update_mask), etag=etag
        )
        return await self._unary(_ORGANIZATIONS + "UpdateOrganization", request, model_pb2.Organization, timeout)

    async def delete_organization(self, id: str, *, etag: str = "", timeout: float | None = None) -> int:
        """Deletes an organization no deal refers to (FAILED_PRECONDITION otherwise); returns the revision."""
        request = organizations_pb2.DeleteOrganizationRequest(id=id, etag=etag)
        response = await self._unary(
            _ORGANIZATIONS + "DeleteOrganization", request, organizations_pb2.DeleteOrganizationResponse, timeout
        )
        return response.revision

    async def merge_organizations(
        self,
        source_id: str,
        target_id: str,
        *,
        source_etag: str = "",
        target_etag: str = "",
        validate_only: bool = False,
        timeout: float | None = None,
    ) -> organizations_pb2.MergeOrganizationsResponse:
        """Merges ``source_id`` into ``target_id``; the source's id keeps resolving to the target."""
        request = organizations_pb2.MergeOrganizationsRequest(
            source_id=source_id,
            target_id=target_id,
            source_etag=source_etag,
            target_etag=target_etag,
            validate_only=validate_only,
        )
        return await self._unary(
            _ORGANIZATIONS + "MergeOrganizations", request, organizations_pb2.MergeOrganizationsResponse, timeout
        )

    # --- Health and Server ---

    async def health(self, service: str = "", *, timeout: float | None = None) -> health_pb2.HealthCheckResponse:
        """SERVING, or NOT_SERVING with a reason while the store is read-only."""
        request = health_pb2.HealthCheckRequest(service=service)
        return await self._unary("/dealstore.v1.Health/Check", request, health_pb2.HealthCheckResponse, timeout)

    def watch_health(
        self, service: str = "", *, timeout: float | None = None
    ) -> DealStream[health_pb2.HealthCheckResponse]:
        """The serving status now and at every change, until cancelled."""
        request = health_pb2.HealthCheckRequest(service=service)
        return self._server_stream(
            "/dealstore.v1.Health/Watch", lambda: request, health_pb2.HealthCheckResponse, timeout
        )

    async def server_info(self, *, timeout: float | None = None) -> server_pb2.ServerInfo:
        """Version, protocol range, store revision and counts, methods, and the caller's role."""
        request = server_pb2.GetServerInfoRequest()
        return await self._unary("/dealstore.v1.Server/GetInfo", request, server_pb2.ServerInfo, timeout)


class _WatchState:
    def __init__(self, revision: int, *, started: bool) -> None:
        self.revision = revision
        self.started = started


async def _records(
    records: Iterable[ImportRecord] | AsyncIterable[ImportRecord], policy: query_pb2.ImportConflictPolicy
) -> AsyncIterator[bytes]:
    def encode(record: ImportRecord) -> bytes:
        if isinstance(record, model_pb2.Deal):
            wrapped = model_pb2.DealRecord(deal=record)
        elif isinstance(record, model_pb2.Organization):
            wrapped = model_pb2.DealRecord(organization=record)
        elif isinstance(record, model_pb2.DealRecord):
            wrapped = record
        else:
            raise DealStoreError.local(
                StatusCode.INVALID_ARGUMENT,
                f"import_deals takes Deal, Organization or DealRecord messages, not {type(record).__name__}",
            )
        return deals_pb2.ImportDealsRequest(record=wrapped, on_conflict=policy).SerializeToString()

    if isinstance(records, AsyncIterable):
        async for record in records:
            yield encode(record)
    else:
        for record in records:
            yield encode(record)


def _tls_context(settings: _settings.ConnectionSettings) -> ssl.SSLContext:
    """TLS 1.2+ with ALPN dealstore/1, the server verified against the CA (or the system's store when none)."""
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as error:
        raise DealStoreError.local(
            StatusCode.INVALID_ARGUMENT,
            f"cannot load the CA file {settings.ca_file} ({settings.ca_source}): {error}; pass a PEM file",
        ) from error
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["dealstore/1"])
    if settings.cert_file is not None:
        try:
            context.load_cert_chain(settings.cert_file, settings.key_file)
        except (OSError, ssl.SSLError) as error:
            raise DealStoreError.local(
                StatusCode.INVALID_ARGUMENT,
                f"cannot load the client certificate {settings.cert_file} with key {settings.key_file}: {error}",
            ) from error
    return context


__all__ = ["AsyncClient", "DealFilterArguments", "DealStream", "ImportRecord"]
