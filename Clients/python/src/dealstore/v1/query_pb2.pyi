from dealstore.v1 import model_pb2 as _model_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CHANGE_KIND_CREATED: ChangeKind
CHANGE_KIND_DELETED: ChangeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
CHANGE_KIND_UPDATED: ChangeKind
DESCRIPTOR: _descriptor.FileDescriptor
IMPORT_CONFLICT_POLICY_REPLACE: ImportConflictPolicy
IMPORT_CONFLICT_POLICY_SKIP: ImportConflictPolicy
SUMMARY_GROUPING_COUNTRY: SummaryGrouping
SUMMARY_GROUPING_DEAL_TYPE: SummaryGrouping
SUMMARY_GROUPING_INDUSTRY: SummaryGrouping
SUMMARY_GROUPING_INVESTOR: SummaryGrouping
SUMMARY_GROUPING_QUARTER: SummaryGrouping
SUMMARY_GROUPING_TARGET: SummaryGrouping
SUMMARY_GROUPING_UNSPECIFIED: SummaryGrouping
SUMMARY_GROUPING_YEAR: SummaryGrouping
TIMELINE_EVENT_KIND_ACQUISITION: TimelineEventKind
TIMELINE_EVENT_KIND_DEAL_ANNOUNCED: TimelineEventKind
TIMELINE_EVENT_KIND_DEAL_CLOSED: TimelineEventKind
TIMELINE_EVENT_KIND_IPO: TimelineEventKind
TIMELINE_EVENT_KIND_OPTION_EXPIRY: TimelineEventKind
TIMELINE_EVENT_KIND_STRATEGIC_TERM: TimelineEventKind
TIMELINE_EVENT_KIND_TRANCHE: TimelineEventKind
TIMELINE_EVENT_KIND_UNSPECIFIED: TimelineEventKind
TIMELINE_EVENT_KIND_VALUATION: TimelineEventKind

class CatalogSource(_message.Message):
    __slots__ = ["citation_count", "id", "language", "published", "publisher", "publishers", "title", "url"]
    CITATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    PUBLISHERS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    citation_count: int
    id: str
    language: str
    published: _model_pb2.PartialDate
    publisher: str
    publishers: _containers.RepeatedScalarFieldContainer[str]
    title: str
    url: str
    def __init__(self, id: _Optional[str] = ..., publisher: _Optional[str] = ..., url: _Optional[str] = ..., title: _Optional[str] = ..., published: _Optional[_Union[_model_pb2.PartialDate, _Mapping]] = ..., language: _Optional[str] = ..., citation_count: _Optional[int] = ..., publishers: _Optional[_Iterable[str]] = ...) -> None: ...

class ChangeEvent(_message.Message):
    __slots__ = ["batch_last_revision", "created", "kind", "merged_into_id", "record", "revision", "time_micros"]
    BATCH_LAST_REVISION_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    TIME_MICROS_FIELD_NUMBER: _ClassVar[int]
    batch_last_revision: int
    created: bool
    kind: ChangeKind
    merged_into_id: str
    record: _model_pb2.DealRecord
    revision: int
    time_micros: int
    def __init__(self, revision: _Optional[int] = ..., kind: _Optional[_Union[ChangeKind, str]] = ..., record: _Optional[_Union[_model_pb2.DealRecord, _Mapping]] = ..., time_micros: _Optional[int] = ..., created: bool = ..., merged_into_id: _Optional[str] = ..., batch_last_revision: _Optional[int] = ...) -> None: ...

class CoInvestor(_message.Message):
    __slots__ = ["deal_ids", "name", "organization_id", "shared_target_ids"]
    DEAL_IDS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    SHARED_TARGET_IDS_FIELD_NUMBER: _ClassVar[int]
    deal_ids: _containers.RepeatedScalarFieldContainer[str]
    name: str
    organization_id: str
    shared_target_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, organization_id: _Optional[str] = ..., name: _Optional[str] = ..., shared_target_ids: _Optional[_Iterable[str]] = ..., deal_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Conflict(_message.Message):
    __slots__ = ["claim", "deal_id", "deal_title", "organization_id", "organization_name", "source"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    DEAL_ID_FIELD_NUMBER: _ClassVar[int]
    DEAL_TITLE_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    claim: _model_pb2.DisputedClaim
    deal_id: str
    deal_title: str
    organization_id: str
    organization_name: str
    source: _model_pb2.Source
    def __init__(self, deal_id: _Optional[str] = ..., deal_title: _Optional[str] = ..., claim: _Optional[_Union[_model_pb2.DisputedClaim, _Mapping]] = ..., source: _Optional[_Union[_model_pb2.Source, _Mapping]] = ..., organization_id: _Optional[str] = ..., organization_name: _Optional[str] = ...) -> None: ...

class CurrencyTotal(_message.Message):
    __slots__ = ["committed", "committed_saturated", "currency_code", "funded", "funded_saturated"]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_SATURATED_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    FUNDED_FIELD_NUMBER: _ClassVar[int]
    FUNDED_SATURATED_FIELD_NUMBER: _ClassVar[int]
    committed: _model_pb2.Money
    committed_saturated: bool
    currency_code: str
    funded: _model_pb2.Money
    funded_saturated: bool
    def __init__(self, currency_code: _Optional[str] = ..., committed: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., funded: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., committed_saturated: bool = ..., funded_saturated: bool = ...) -> None: ...

class DealFilter(_message.Message):
    __slots__ = ["announced_from", "announced_to", "currency_code", "investor_ids", "lead_investor_id", "max_amount", "min_amount", "normalize_to", "query", "statuses", "strategic_term", "strategic_term_kind", "target_id", "types"]
    ANNOUNCED_FROM_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCED_TO_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    INVESTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    LEAD_INVESTOR_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NORMALIZE_TO_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    STRATEGIC_TERM_FIELD_NUMBER: _ClassVar[int]
    STRATEGIC_TERM_KIND_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    announced_from: _model_pb2.PartialDate
    announced_to: _model_pb2.PartialDate
    currency_code: str
    investor_ids: _containers.RepeatedScalarFieldContainer[str]
    lead_investor_id: str
    max_amount: _model_pb2.Money
    min_amount: _model_pb2.Money
    normalize_to: str
    query: str
    statuses: _containers.RepeatedScalarFieldContainer[_model_pb2.DealStatus]
    strategic_term: str
    strategic_term_kind: _model_pb2.StrategicTermKind
    target_id: str
    types: _containers.RepeatedScalarFieldContainer[_model_pb2.DealType]
    def __init__(self, investor_ids: _Optional[_Iterable[str]] = ..., target_id: _Optional[str] = ..., lead_investor_id: _Optional[str] = ..., types: _Optional[_Iterable[_Union[_model_pb2.DealType, str]]] = ..., statuses: _Optional[_Iterable[_Union[_model_pb2.DealStatus, str]]] = ..., announced_from: _Optional[_Union[_model_pb2.PartialDate, _Mapping]] = ..., announced_to: _Optional[_Union[_model_pb2.PartialDate, _Mapping]] = ..., min_amount: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., max_amount: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., currency_code: _Optional[str] = ..., strategic_term: _Optional[str] = ..., strategic_term_kind: _Optional[_Union[_model_pb2.StrategicTermKind, str]] = ..., query: _Optional[str] = ..., normalize_to: _Optional[str] = ...) -> None: ...

class DuplicateCandidate(_message.Message):
    __slots__ = ["amount_difference_basis_points", "amounts_compared", "days_apart", "deal_ids", "reasons", "target_id"]
    AMOUNTS_COMPARED_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_DIFFERENCE_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    DAYS_APART_FIELD_NUMBER: _ClassVar[int]
    DEAL_IDS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    amount_difference_basis_points: int
    amounts_compared: bool
    days_apart: int
    deal_ids: _containers.RepeatedScalarFieldContainer[str]
    reasons: _containers.RepeatedScalarFieldContainer[str]
    target_id: str
    def __init__(self, target_id: _Optional[str] = ..., deal_ids: _Optional[_Iterable[str]] = ..., days_apart: _Optional[int] = ..., amounts_compared: bool = ..., amount_difference_basis_points: _Optional[int] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class ImportRejection(_message.Message):
    __slots__ = ["id", "index", "reason"]
    ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    index: int
    reason: str
    def __init__(self, index: _Optional[int] = ..., id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class NormalizedTotal(_message.Message):
    __slots__ = ["committed", "committed_saturated", "converted_count", "currency_code", "funded", "funded_saturated", "rates", "unconverted", "unconverted_count"]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_SATURATED_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    FUNDED_FIELD_NUMBER: _ClassVar[int]
    FUNDED_SATURATED_FIELD_NUMBER: _ClassVar[int]
    RATES_FIELD_NUMBER: _ClassVar[int]
    UNCONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNCONVERTED_FIELD_NUMBER: _ClassVar[int]
    committed: _model_pb2.Money
    committed_saturated: bool
    converted_count: int
    currency_code: str
    funded: _model_pb2.Money
    funded_saturated: bool
    rates: _containers.RepeatedCompositeFieldContainer[_model_pb2.FXRate]
    unconverted: _containers.RepeatedCompositeFieldContainer[CurrencyTotal]
    unconverted_count: int
    def __init__(self, currency_code: _Optional[str] = ..., committed: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., funded: _Optional[_Union[_model_pb2.Money, _Mapping]] = ..., committed_saturated: bool = ..., funded_saturated: bool = ..., converted_count: _Optional[int] = ..., unconverted_count: _Optional[int] = ..., unconverted: _Optional[_Iterable[_Union[CurrencyTotal, _Mapping]]] = ..., rates: _Optional[_Iterable[_Union[_model_pb2.FXRate, _Mapping]]] = ...) -> None: ...

class SourceReport(_message.Message):
    __slots__ = ["catalog_id", "claim_ids", "deal_id", "deal_title", "items", "organization_id", "organization_name", "source"]
    CATALOG_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIM_IDS_FIELD_NUMBER: _ClassVar[int]
    DEAL_ID_FIELD_NUMBER: _ClassVar[int]
    DEAL_TITLE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    catalog_id: str
    claim_ids: _containers.RepeatedScalarFieldContainer[str]
    deal_id: str
    deal_title: str
    items: _containers.RepeatedScalarFieldContainer[str]
    organization_id: str
    organization_name: str
    source: _model_pb2.Source
    def __init__(self, deal_id: _Optional[str] = ..., deal_title: _Optional[str] = ..., organization_id: _Optional[str] = ..., organization_name: _Optional[str] = ..., source: _Optional[_Union[_model_pb2.Source, _Mapping]] = ..., items: _Optional[_Iterable[str]] = ..., claim_ids: _Optional[_Iterable[str]] = ..., catalog_id: _Optional[str] = ...) -> None: ...

class SummaryGroup(_message.Message):
    __slots__ = ["deal_count", "key", "label", "normalized", "totals"]
    DEAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    deal_count: int
    key: str
    label: str
    normalized: NormalizedTotal
    totals: _containers.RepeatedCompositeFieldContainer[CurrencyTotal]
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., totals: _Optional[_Iterable[_Union[CurrencyTotal, _Mapping]]] = ..., deal_count: _Optional[int] = ..., normalized: _Optional[_Union[NormalizedTotal, _Mapping]] = ...) -> None: ...

class Timeline(_message.Message):
    __slots__ = ["events", "organization_id", "valuations"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    VALUATIONS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[TimelineEvent]
    organization_id: str
    valuations: _containers.RepeatedCompositeFieldContainer[_model_pb2.Valuation]
    def __init__(self, organization_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[TimelineEvent, _Mapping]]] = ..., valuations: _Optional[_Iterable[_Union[_model_pb2.Valuation, _Mapping]]] = ...) -> None: ...

class TimelineEvent(_message.Message):
    __slots__ = ["amount", "date", "deal_id", "description", "kind"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DEAL_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    amount: _model_pb2.Money
    date: _model_pb2.PartialDate
    deal_id: str
    description: str
    kind: TimelineEventKind
    def __init__(self, date: _Optional[_Union[_model_pb2.PartialDate, _Mapping]] = ..., kind: _Optional[_Union[TimelineEventKind, str]] = ..., deal_id: _Optional[str] = ..., description: _Optional[str] = ..., amount: _Optional[_Union[_model_pb2.Money, _Mapping]] = ...) -> None: ...

class ImportConflictPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SummaryGrouping(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TimelineEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
