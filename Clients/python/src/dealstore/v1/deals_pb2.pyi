from dealstore.v1 import model_pb2 as _model_pb2
from dealstore.v1 import query_pb2 as _query_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateDealRequest(_message.Message):
    __slots__ = ["deal", "validate_only"]
    DEAL_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    deal: _model_pb2.Deal
    validate_only: bool
    def __init__(self, deal: _Optional[_Union[_model_pb2.Deal, _Mapping]] = ..., validate_only: bool = ...) -> None: ...

class DeleteDealRequest(_message.Message):
    __slots__ = ["etag", "id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteDealResponse(_message.Message):
    __slots__ = ["revision"]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    revision: int
    def __init__(self, revision: _Optional[int] = ...) -> None: ...

class ExportDealsRequest(_message.Message):
    __slots__ = ["filter"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: _query_pb2.DealFilter
    def __init__(self, filter: _Optional[_Union[_query_pb2.DealFilter, _Mapping]] = ...) -> None: ...

class FXTableInfo(_message.Message):
    __slots__ = ["currencies", "day_count", "first_date", "label", "last_date", "origin", "provenance", "rate_count", "retrieved", "source"]
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    DAY_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_DATE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    LAST_DATE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_FIELD_NUMBER: _ClassVar[int]
    RATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    RETRIEVED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    currencies: _containers.RepeatedScalarFieldContainer[str]
    day_count: int
    first_date: str
    label: str
    last_date: str
    origin: str
    provenance: _containers.RepeatedScalarFieldContainer[str]
    rate_count: int
    retrieved: str
    source: str
    def __init__(self, label: _Optional[str] = ..., source: _Optional[str] = ..., retrieved: _Optional[str] = ..., first_date: _Optional[str] = ..., last_date: _Optional[str] = ..., currencies: _Optional[_Iterable[str]] = ..., day_count: _Optional[int] = ..., rate_count: _Optional[int] = ..., origin: _Optional[str] = ..., provenance: _Optional[_Iterable[str]] = ...) -> None: ...

class FindDuplicateDealsRequest(_message.Message):
    __slots__ = ["amount_tolerance_percent", "filter", "limit", "max_days_apart"]
    AMOUNT_TOLERANCE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    MAX_DAYS_APART_FIELD_NUMBER: _ClassVar[int]
    amount_tolerance_percent: int
    filter: _query_pb2.DealFilter
    limit: int
    max_days_apart: int
    def __init__(self, filter: _Optional[_Union[_query_pb2.DealFilter, _Mapping]] = ..., max_days_apart: _Optional[int] = ..., amount_tolerance_percent: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class FindDuplicateDealsResponse(_message.Message):
    __slots__ = ["candidates", "revision"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[_query_pb2.DuplicateCandidate]
    revision: int
    def __init__(self, candidates: _Optional[_Iterable[_Union[_query_pb2.DuplicateCandidate, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class GetDealRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetFXTableRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetSourceRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetTimelineRequest(_message.Message):
    __slots__ = ["organization_id"]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    def __init__(self, organization_id: _Optional[str] = ...) -> None: ...

class ImportDealsRequest(_message.Message):
    __slots__ = ["on_conflict", "record"]
    ON_CONFLICT_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    on_conflict: _query_pb2.ImportConflictPolicy
    record: _model_pb2.DealRecord
    def __init__(self, record: _Optional[_Union[_model_pb2.DealRecord, _Mapping]] = ..., on_conflict: _Optional[_Union[_query_pb2.ImportConflictPolicy, str]] = ...) -> None: ...

class ImportDealsResponse(_message.Message):
    __slots__ = ["created", "rejected", "revision", "skipped", "updated"]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    created: int
    rejected: _containers.RepeatedCompositeFieldContainer[_query_pb2.ImportRejection]
    revision: int
    skipped: int
    updated: int
    def __init__(self, created: _Optional[int] = ..., updated: _Optional[int] = ..., skipped: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[_query_pb2.ImportRejection, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class ImportFXRatesRequest(_message.Message):
    __slots__ = ["csv", "label", "retrieved", "source", "validate_only"]
    CSV_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    RETRIEVED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    csv: bytes
    label: str
    retrieved: str
    source: str
    validate_only: bool
    def __init__(self, csv: _Optional[bytes] = ..., source: _Optional[str] = ..., label: _Optional[str] = ..., retrieved: _Optional[str] = ..., validate_only: bool = ...) -> None: ...

class ListCoInvestorsRequest(_message.Message):
    __slots__ = ["investor_id"]
    INVESTOR_ID_FIELD_NUMBER: _ClassVar[int]
    investor_id: str
    def __init__(self, investor_id: _Optional[str] = ...) -> None: ...

class ListCoInvestorsResponse(_message.Message):
    __slots__ = ["co_investors", "investor_id"]
    CO_INVESTORS_FIELD_NUMBER: _ClassVar[int]
    INVESTOR_ID_FIELD_NUMBER: _ClassVar[int]
    co_investors: _containers.RepeatedCompositeFieldContainer[_query_pb2.CoInvestor]
    investor_id: str
    def __init__(self, investor_id: _Optional[str] = ..., co_investors: _Optional[_Iterable[_Union[_query_pb2.CoInvestor, _Mapping]]] = ...) -> None: ...

class ListConflictsRequest(_message.Message):
    __slots__ = ["deal_id", "organization_id", "page_size", "page_token", "status"]
    DEAL_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    deal_id: str
    organization_id: str
    page_size: int
    page_token: str
    status: _model_pb2.ClaimStatus
    def __init__(self, deal_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., organization_id: _Optional[str] = ..., status: _Optional[_Union[_model_pb2.ClaimStatus, str]] = ...) -> None: ...

class ListConflictsResponse(_message.Message):
    __slots__ = ["conflicts", "next_page_token"]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    conflicts: _containers.RepeatedCompositeFieldContainer[_query_pb2.Conflict]
    next_page_token: str
    def __init__(self, conflicts: _Optional[_Iterable[_Union[_query_pb2.Conflict, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDealsRequest(_message.Message):
    __slots__ = ["filter", "order_by", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: _query_pb2.DealFilter
    order_by: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[_Union[_query_pb2.DealFilter, _Mapping]] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListDealsResponse(_message.Message):
    __slots__ = ["deals", "next_page_token", "total_size"]
    DEALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    deals: _containers.RepeatedCompositeFieldContainer[_model_pb2.Deal]
    next_page_token: str
    total_size: int
    def __init__(self, deals: _Optional[_Iterable[_Union[_model_pb2.Deal, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ListSourceReportsRequest(_message.Message):
    __slots__ = ["catalog_id", "page_size", "page_token", "publisher", "source_id"]
    CATALOG_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    catalog_id: str
    page_size: int
    page_token: str
    publisher: str
    source_id: str
    def __init__(self, publisher: _Optional[str] = ..., source_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., catalog_id: _Optional[str] = ...) -> None: ...

class ListSourceReportsResponse(_message.Message):
    __slots__ = ["next_page_token", "reports", "revision"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    reports: _containers.RepeatedCompositeFieldContainer[_query_pb2.SourceReport]
    revision: int
    def __init__(self, reports: _Optional[_Iterable[_Union[_query_pb2.SourceReport, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class ListSourcesRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "publisher"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    publisher: str
    def __init__(self, publisher: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSourcesResponse(_message.Message):
    __slots__ = ["next_page_token", "revision", "sources"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    revision: int
    sources: _containers.RepeatedCompositeFieldContainer[_query_pb2.CatalogSource]
    def __init__(self, sources: _Optional[_Iterable[_Union[_query_pb2.CatalogSource, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class SummarizeDealsRequest(_message.Message):
    __slots__ = ["filter", "group_by"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    filter: _query_pb2.DealFilter
    group_by: _query_pb2.SummaryGrouping
    def __init__(self, group_by: _Optional[_Union[_query_pb2.SummaryGrouping, str]] = ..., filter: _Optional[_Union[_query_pb2.DealFilter, _Mapping]] = ...) -> None: ...

class SummarizeDealsResponse(_message.Message):
    __slots__ = ["groups", "revision"]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[_query_pb2.SummaryGroup]
    revision: int
    def __init__(self, groups: _Optional[_Iterable[_Union[_query_pb2.SummaryGroup, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class TopDealsRequest(_message.Message):
    __slots__ = ["currency_code", "filter", "limit"]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    filter: _query_pb2.DealFilter
    limit: int
    def __init__(self, limit: _Optional[int] = ..., currency_code: _Optional[str] = ..., filter: _Optional[_Union[_query_pb2.DealFilter, _Mapping]] = ...) -> None: ...

class TopDealsResponse(_message.Message):
    __slots__ = ["deals"]
    DEALS_FIELD_NUMBER: _ClassVar[int]
    deals: _containers.RepeatedCompositeFieldContainer[_model_pb2.Deal]
    def __init__(self, deals: _Optional[_Iterable[_Union[_model_pb2.Deal, _Mapping]]] = ...) -> None: ...

class UpdateDealRequest(_message.Message):
    __slots__ = ["deal", "etag", "update_mask"]
    DEAL_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    deal: _model_pb2.Deal
    etag: str
    update_mask: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, deal: _Optional[_Union[_model_pb2.Deal, _Mapping]] = ..., update_mask: _Optional[_Iterable[str]] = ..., etag: _Optional[str] = ...) -> None: ...

class WatchDealsRequest(_message.Message):
    __slots__ = ["from_revision", "include_organizations", "send_created"]
    FROM_REVISION_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ORGANIZATIONS_FIELD_NUMBER: _ClassVar[int]
    SEND_CREATED_FIELD_NUMBER: _ClassVar[int]
    from_revision: int
    include_organizations: bool
    send_created: bool
    def __init__(self, from_revision: _Optional[int] = ..., include_organizations: bool = ..., send_created: bool = ...) -> None: ...
