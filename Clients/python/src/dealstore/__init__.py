"""The Python client of DealStore.

    import dealstore
    from dealstore.money import format_money

    with dealstore.connect() as client:          # settings resolve as the `deals` CLI resolves them
        for group in client.summarize_deals(group_by="investor").groups:
            print(group.label, group.deal_count, *(format_money(t.committed) for t in group.totals))

``dealstore.connect`` returns a blocking ``Client``; ``await dealstore.AsyncClient.connect()`` the asyncio one.
Records are the protobuf messages of ``dealstore.v1``; ``dealstore.money`` converts Money to and from Decimal and
reads the CLI's human forms; ``dealstore.records`` turns records into plain dicts. Every failure is a
``DealStoreError`` with a ``StatusCode``.
"""

from dealstore._async_client import AsyncClient, DealFilterArguments, DealStream, ImportRecord, __version__
from dealstore._errors import DealStoreError, StatusCode
from dealstore._settings import ConnectionSettings, resolve
from dealstore._sync_client import Client, SyncStream, connect
from dealstore.v1 import deals_pb2, health_pb2, model_pb2, organizations_pb2, query_pb2, server_pb2

Deal = model_pb2.Deal
Organization = model_pb2.Organization
DealRecord = model_pb2.DealRecord
Money = model_pb2.Money
PartialDate = model_pb2.PartialDate

__all__ = [
    "AsyncClient",
    "Client",
    "ConnectionSettings",
    "Deal",
    "DealFilterArguments",
    "DealRecord",
    "DealStoreError",
    "DealStream",
    "ImportRecord",
    "Money",
    "Organization",
    "PartialDate",
    "StatusCode",
    "SyncStream",
    "__version__",
    "connect",
    "deals_pb2",
    "health_pb2",
    "model_pb2",
    "organizations_pb2",
    "query_pb2",
    "resolve",
    "server_pb2",
]
