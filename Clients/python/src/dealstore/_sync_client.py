"""``Client``: the blocking face for scripts and notebooks, running ``AsyncClient`` on a private loop thread.

Each method submits the async method to the loop and waits. An interrupted wait (Ctrl-C in a script or a
notebook's interrupt button) cancels the call on the loop, which sends CANCEL to the server. Streams are plain
iterators; ``close()`` or leaving a ``with`` block cancels them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Iterable, Iterator
from typing import Any, Generic, Self, TypeVar, Unpack

from dealstore._async_client import AsyncClient, DealFilterArguments, DealStream, ImportRecord
from dealstore._connection import Connection
from dealstore._errors import DealStoreError, StatusCode
from dealstore._settings import ConnectionSettings
from dealstore._values import EnumArgument
from dealstore.v1 import deals_pb2, health_pb2, model_pb2, organizations_pb2, query_pb2, server_pb2

T = TypeVar("T")


class _LoopThread:
    """An event loop running in a daemon thread (so a forgotten client never keeps the interpreter alive)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="dealstore-loop", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise DealStoreError.local(
                StatusCode.FAILED_PRECONDITION,
                "a blocking Client method was called from the client's own loop thread (an import_deals "
                "generator?); use AsyncClient there",
            )
        if self.loop.is_closed():
            coroutine.close()
            raise DealStoreError.local(StatusCode.CANCELLED, "the client is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except BaseException:
            # KeyboardInterrupt and the like: cancel the task (it sends CANCEL) and wait briefly for it to go.
            if not future.done():
                future.cancel()
                try:
                    future.result(timeout=1.0)
                except (concurrent.futures.CancelledError, concurrent.futures.TimeoutError, Exception):
                    pass
            raise

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


class SyncStream(Iterator[T], Generic[T]):
    """A streaming call (or a paged listing) as a blocking iterator; ``close()`` cancels it (CANCEL)."""

    def __init__(self, loop: _LoopThread, stream: DealStream[T]) -> None:
        self._loop = loop
        self._stream = stream
        self._done = False

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            return self._loop.run(self._stream.__anext__())
        except StopAsyncIteration:
            self._done = True
            raise StopIteration from None
        except BaseException:
            self._done = True
            raise

    def close(self) -> None:
        """Ends the call now: the server stops the work (a watch is unsubscribed)."""
        self._done = True
        if not self._loop.loop.is_closed():
            try:
                self._loop.loop.call_soon_threadsafe(self._stream.cancel)
            except RuntimeError:
                pass  # the loop closed meanwhile: the client, and with it the call, is gone

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if not self._done:
            self.close()


class Client:
    """The blocking client. ``dealstore.connect(...)`` makes one; use it as a context manager.

    The methods are those of AsyncClient with the same arguments and semantics (deadlines, cancellation,
    reconnection, retries, DealStoreError), returning values instead of awaitables and iterators instead of
    async iterators. A Client may be shared between threads.
    """

    def __init__(self, client: AsyncClient, loop: _LoopThread) -> None:
        """Use ``dealstore.connect`` or ``Client.connect``."""
        self._client = client
        self._loop = loop

    @classmethod
    def connect(
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
    ) -> Client:
        """Resolves the settings as the ``deals`` CLI does and connects; see ``AsyncClient.connect``."""
        loop = _LoopThread()
        try:
            client = loop.run(
                AsyncClient.connect(addr, ca, token, cert, key, timeout, profile=profile, environ=environ, **options)
            )
        except BaseException:
            loop.stop()
            raise
        return cls(client, loop)

    def close(self) -> None:
        """Closes the connection and stops the loop thread. Idempotent."""
        if self._loop.loop.is_closed():
            return
        try:
            self._loop.run(self._client.close())
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def settings(self) -> ConnectionSettings:
        """The resolved connection settings (where each came from)."""
        return self._client.settings

    @property
    def connection(self) -> Connection | None:
        """The current connection, if any (diagnostics)."""
        return self._client.connection

    @property
    def revision(self) -> int:
        """The highest store revision seen in any answer, sent as ``min-revision`` (see ``AsyncClient``)."""
        return self._client.revision

    @property
    def async_client(self) -> AsyncClient:
        """The AsyncClient underneath (its methods must run on this client's loop)."""
        return self._client

    def _stream(self, stream: DealStream[T]) -> SyncStream[T]:
        return SyncStream(self._loop, stream)

    # --- Deals ---

    def get_deal(self, id: str, *, timeout: float | None = None) -> model_pb2.Deal:
        """The deal with this id (NOT_FOUND if none)."""
        return self._loop.run(self._client.get_deal(id, timeout=timeout))

    def list_deals(
        self,
        *,
        order_by: str = "",
        page_size: int = 0,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> SyncStream[model_pb2.Deal]:
        """Every deal matching the filters, page by page; see AsyncClient.list_deals."""
        return self._stream(self._client.list_deals(order_by=order_by, page_size=page_size, timeout=timeout, **filters))

    def create_deal(
        self, deal: model_pb2.Deal, *, validate_only: bool = False, timeout: float | None = None
    ) -> model_pb2.Deal:
        """Creates a deal and returns it as stored."""
        return self._loop.run(self._client.create_deal(deal, validate_only=validate_only, timeout=timeout))

    def update_deal(
        self,
        deal: model_pb2.Deal,
        update_mask: Iterable[str] = (),
        *,
        etag: str = "",
        timeout: float | None = None,
    ) -> model_pb2.Deal:
        """Updates the fields in ``update_mask`` (all when empty), only if ``etag`` matches when given."""
        return self._loop.run(self._client.update_deal(deal, update_mask, etag=etag, timeout=timeout))

    def delete_deal(self, id: str, *, etag: str = "", timeout: float | None = None) -> int:
        """Deletes a deal; returns the revision of the deletion."""
        return self._loop.run(self._client.delete_deal(id, etag=etag, timeout=timeout))

    def import_deals(
        self, records: Iterable[ImportRecord], *, replace: bool = False, timeout: float | None = None
    ) -> deals_pb2.ImportDealsResponse:
        """Streams records to ImportDeals; see AsyncClient.import_deals. ``records`` is iterated on the loop
        thread, so a generator reading a file is fine but should not block for long."""
        return self._loop.run(self._client.import_deals(records, replace=replace, timeout=timeout))

    def export_deals(
        self, *, timeout: float | None = None, **filters: Unpack[DealFilterArguments]
    ) -> SyncStream[model_pb2.DealRecord]:
        """Every organization, then every matching deal, as DealRecords of one revision."""
        return self._stream(self._client.export_deals(timeout=timeout, **filters))

    def summarize_deals(
        self,
        group_by: EnumArgument = "investor",
        *,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> deals_pb2.SummarizeDealsResponse:
        """Totals by ``investor``, ``target``, ``year``, ``quarter``, ``deal-type``, ``industry`` or ``country``."""
        return self._loop.run(self._client.summarize_deals(group_by, timeout=timeout, **filters))

    def top_deals(
        self,
        limit: int = 10,
        *,
        ranking_currency: str = "",
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> list[model_pb2.Deal]:
        """The ``limit`` largest matching deals."""
        return self._loop.run(
            self._client.top_deals(limit, ranking_currency=ranking_currency, timeout=timeout, **filters)
        )

    def list_co_investors(self, investor: str, *, timeout: float | None = None) -> deals_pb2.ListCoInvestorsResponse:
        """The organizations that invested in the same targets as ``investor``."""
        return self._loop.run(self._client.list_co_investors(investor, timeout=timeout))

    def get_timeline(self, organization: str, *, timeout: float | None = None) -> query_pb2.Timeline:
        """The dated events of an organization."""
        return self._loop.run(self._client.get_timeline(organization, timeout=timeout))

    def watch_deals(
        self,
        from_revision: int = 0,
        *,
        include_organizations: bool = False,
        resume: bool = False,
        timeout: float | None = None,
    ) -> SyncStream[query_pb2.ChangeEvent]:
        """Changes after ``from_revision`` (0 = from now), then live ones until closed; see AsyncClient."""
        return self._stream(
            self._client.watch_deals(
                from_revision, include_organizations=include_organizations, resume=resume, timeout=timeout
            )
        )

    def list_conflicts(
        self,
        deal_id: str = "",
        *,
        organization_id: str = "",
        status: EnumArgument = 0,
        page_size: int = 0,
        timeout: float | None = None,
    ) -> list[query_pb2.Conflict]:
        """The disputed claims of one deal, of all deals, or of one organization; ``status`` open or resolved."""
        return self._loop.run(
            self._client.list_conflicts(
                deal_id, organization_id=organization_id, status=status, page_size=page_size, timeout=timeout
            )
        )

    def list_source_reports(
        self,
        publisher: str = "",
        *,
        source_id: str = "",
        catalog_id: str = "",
        page_size: int = 0,
        timeout: float | None = None,
    ) -> list[query_pb2.SourceReport]:
        """Everything one publisher (or one catalog source, or one source id) reported: each record citing it."""
        return self._loop.run(
            self._client.list_source_reports(
                publisher, source_id=source_id, catalog_id=catalog_id, page_size=page_size, timeout=timeout
            )
        )

    def list_sources(
        self, publisher: str = "", *, page_size: int = 0, timeout: float | None = None
    ) -> list[query_pb2.CatalogSource]:
        """The store's source catalog, or the sources cited with ``publisher``."""
        return self._loop.run(self._client.list_sources(publisher, page_size=page_size, timeout=timeout))

    def get_source(self, id: str, *, timeout: float | None = None) -> query_pb2.CatalogSource:
        """One catalog source by its id."""
        return self._loop.run(self._client.get_source(id, timeout=timeout))

    def get_fx_table(self, *, timeout: float | None = None) -> deals_pb2.FXTableInfo:
        """The FX table the server normalises amounts with."""
        return self._loop.run(self._client.get_fx_table(timeout=timeout))

    def import_fx_rates(
        self,
        csv: bytes | str,
        *,
        source: str,
        label: str = "",
        retrieved: str = "",
        validate_only: bool = False,
        timeout: float | None = None,
    ) -> deals_pb2.FXTableInfo:
        """Replaces the server's FX table from an ECB eurofxref-hist layout CSV (``validate_only``: only checks)."""
        return self._loop.run(
            self._client.import_fx_rates(
                csv, source=source, label=label, retrieved=retrieved, validate_only=validate_only, timeout=timeout
            )
        )

    # --- Organizations ---

    def get_organization(self, id: str, *, timeout: float | None = None) -> model_pb2.Organization:
        """The organization with this id, name or alias."""
        return self._loop.run(self._client.get_organization(id, timeout=timeout))

    def list_organizations(
        self, *, query: str = "", kind: EnumArgument = 0, page_size: int = 0, timeout: float | None = None
    ) -> SyncStream[model_pb2.Organization]:
        """Every organization matching ``query`` and ``kind``, page by page."""
        return self._stream(
            self._client.list_organizations(query=query, kind=kind, page_size=page_size, timeout=timeout)
        )

    def create_organization(
        self, organization: model_pb2.Organization, *, validate_only: bool = False, timeout: float | None = None
    ) -> model_pb2.Organization:
        """Creates an organization and returns it as stored."""
        return self._loop.run(
            self._client.create_organization(organization, validate_only=validate_only, timeout=timeout)
        )

    def update_organization(
        self,
        organization: model_pb2.Organization,
        update_mask: Iterable[str] = (),
        *,
        etag: str = "",
        timeout: float | None = None,
    ) -> model_pb2.Organization:
        """Updates the fields in ``update_mask`` (all when empty), only if ``etag`` matches when given."""
        return self._loop.run(self._client.update_organization(organization, update_mask, etag=etag, timeout=timeout))

    def delete_organization(self, id: str, *, etag: str = "", timeout: float | None = None) -> int:
        """Deletes an organization no deal refers to; returns the revision."""
        return self._loop.run(self._client.delete_organization(id, etag=etag, timeout=timeout))

    def merge_organizations(
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
        return self._loop.run(
            self._client.merge_organizations(
                source_id,
                target_id,
                source_etag=source_etag,
                target_etag=target_etag,
                validate_only=validate_only,
                timeout=timeout,
            )
        )

    def find_duplicate_deals(
        self,
        *,
        max_days_apart: int = 0,
        amount_tolerance_percent: int = 0,
        limit: int = 0,
        timeout: float | None = None,
        **filters: Unpack[DealFilterArguments],
    ) -> deals_pb2.FindDuplicateDealsResponse:
        """Pairs of deals that may be one deal stored twice (same target, close dates, similar amounts)."""
        return self._loop.run(
            self._client.find_duplicate_deals(
                max_days_apart=max_days_apart,
                amount_tolerance_percent=amount_tolerance_percent,
                limit=limit,
                timeout=timeout,
                **filters,
            )
        )

    # --- Health and Server ---

    def health(self, service: str = "", *, timeout: float | None = None) -> health_pb2.HealthCheckResponse:
        """SERVING, or NOT_SERVING with a reason."""
        return self._loop.run(self._client.health(service, timeout=timeout))

    def watch_health(
        self, service: str = "", *, timeout: float | None = None
    ) -> SyncStream[health_pb2.HealthCheckResponse]:
        """The serving status now and at every change, until closed."""
        return self._stream(self._client.watch_health(service, timeout=timeout))

    def server_info(self, *, timeout: float | None = None) -> server_pb2.ServerInfo:
        """Version, protocol range, store revision, counts, methods and the caller's role."""
        return self._loop.run(self._client.server_info(timeout=timeout))


def connect(
    addr: str | None = None,
    ca: str | None = None,
    token: str | None = None,
    cert: str | None = None,
    key: str | None = None,
    timeout: float | None = None,
    **options: Any,
) -> Client:
    """A blocking Client, connected. Settings resolve as the ``deals`` CLI resolves them: these arguments, then
    DEALS_ADDR/DEALS_TOKEN/DEALS_CA/DEALS_CERT/DEALS_KEY, then the profile file, then the local dealsd's data
    directory (loopback addresses only). ``timeout`` is the default deadline of unary calls, in seconds."""
    return Client.connect(addr, ca, token, cert, key, timeout, **options)
