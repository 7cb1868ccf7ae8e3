from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

AFFILIATION_ROLE_ADVISOR: AffiliationRole
AFFILIATION_ROLE_BOARD_MEMBER: AffiliationRole
AFFILIATION_ROLE_EMPLOYEE: AffiliationRole
AFFILIATION_ROLE_EXECUTIVE: AffiliationRole
AFFILIATION_ROLE_FOUNDER: AffiliationRole
AFFILIATION_ROLE_UNSPECIFIED: AffiliationRole
CLAIM_STATUS_OPEN: ClaimStatus
CLAIM_STATUS_RESOLVED: ClaimStatus
CLAIM_STATUS_UNSPECIFIED: ClaimStatus
CONFIDENCE_CONFIRMED: Confidence
CONFIDENCE_HIGH: Confidence
CONFIDENCE_LOW: Confidence
CONFIDENCE_MEDIUM: Confidence
CONFIDENCE_UNSPECIFIED: Confidence
DATE_PRECISION_DAY: DatePrecision
DATE_PRECISION_MONTH: DatePrecision
DATE_PRECISION_QUARTER: DatePrecision
DATE_PRECISION_UNSPECIFIED: DatePrecision
DATE_PRECISION_YEAR: DatePrecision
DEAL_KIND_ACQUISITION: DealKind
DEAL_KIND_BUYOUT: DealKind
DEAL_KIND_GRANT: DealKind
DEAL_KIND_IPO: DealKind
DEAL_KIND_OTHER: DealKind
DEAL_KIND_PRIMARY: DealKind
DEAL_KIND_SECONDARY: DealKind
DEAL_KIND_UNSPECIFIED: DealKind
DEAL_STAGE_ANGEL: DealStage
DEAL_STAGE_GROWTH: DealStage
DEAL_STAGE_OTHER: DealStage
DEAL_STAGE_PRE_IPO: DealStage
DEAL_STAGE_PRE_SEED: DealStage
DEAL_STAGE_PRIVATE_EQUITY: DealStage
DEAL_STAGE_PUBLIC: DealStage
DEAL_STAGE_SEED: DealStage
DEAL_STAGE_SERIES_A: DealStage
DEAL_STAGE_SERIES_B: DealStage
DEAL_STAGE_SERIES_C: DealStage
DEAL_STAGE_SERIES_D: DealStage
DEAL_STAGE_SERIES_E_PLUS: DealStage
DEAL_STAGE_UNSPECIFIED: DealStage
DEAL_STAGE_VENTURE: DealStage
DEAL_STATUS_ANNOUNCED: DealStatus
DEAL_STATUS_CANCELLED: DealStatus
DEAL_STATUS_CLOSED: DealStatus
DEAL_STATUS_RUMORED: DealStatus
DEAL_STATUS_UNSPECIFIED: DealStatus
DEAL_TYPE_ACQUISITION: DealType
DEAL_TYPE_CONVERTIBLE_NOTE: DealType
DEAL_TYPE_CORPORATE_STRATEGIC: DealType
DEAL_TYPE_DEBT: DealType
DEAL_TYPE_GRANT: DealType
DEAL_TYPE_OTHER: DealType
DEAL_TYPE_SECONDARY: DealType
DEAL_TYPE_SEED: DealType
DEAL_TYPE_UNSPECIFIED: DealType
DEAL_TYPE_VENTURE: DealType
DESCRIPTOR: _descriptor.FileDescriptor
INSTRUMENT_KIND_CONVERTIBLE_NOTE: InstrumentKind
INSTRUMENT_KIND_DEBT: InstrumentKind
INSTRUMENT_KIND_EQUITY: InstrumentKind
INSTRUMENT_KIND_OTHER: InstrumentKind
INSTRUMENT_KIND_SAFE: InstrumentKind
INSTRUMENT_KIND_UNSPECIFIED: InstrumentKind
INSTRUMENT_KIND_WARRANT: InstrumentKind
INVESTOR_ROLE_ACQUIRER: InvestorRole
INVESTOR_ROLE_LEAD: InvestorRole
INVESTOR_ROLE_PARTICIPANT: InvestorRole
INVESTOR_ROLE_SELLER: InvestorRole
INVESTOR_ROLE_UNSPECIFIED: InvestorRole
INVESTOR_TYPE_ACCELERATOR: InvestorType
INVESTOR_TYPE_ANGEL: InvestorType
INVESTOR_TYPE_ASSET_MANAGER: InvestorType
INVESTOR_TYPE_CORPORATE: InvestorType
INVESTOR_TYPE_FAMILY_OFFICE: InvestorType
INVESTOR_TYPE_GOVERNMENT: InvestorType
INVESTOR_TYPE_HEDGE_FUND: InvestorType
INVESTOR_TYPE_OTHER: InvestorType
INVESTOR_TYPE_PRIVATE_EQUITY: InvestorType
INVESTOR_TYPE_SOVEREIGN_WEALTH_FUND: InvestorType
INVESTOR_TYPE_UNSPECIFIED: InvestorType
INVESTOR_TYPE_VENTURE_CAPITAL: InvestorType
NORMALIZATION_STATUS_CONVERTED: NormalizationStatus
NORMALIZATION_STATUS_NO_DATE: NormalizationStatus
NORMALIZATION_STATUS_RATE_UNKNOWN: NormalizationStatus
NORMALIZATION_STATUS_SAME_CURRENCY: NormalizationStatus
NORMALIZATION_STATUS_UNSPECIFIED: NormalizationStatus
ORGANIZATION_KIND_AI_LAB: OrganizationKind
ORGANIZATION_KIND_COMPANY: OrganizationKind
ORGANIZATION_KIND_INVESTMENT_FIRM: OrganizationKind
ORGANIZATION_KIND_OTHER: OrganizationKind
ORGANIZATION_KIND_PERSON: OrganizationKind
ORGANIZATION_KIND_PUBLISHER: OrganizationKind
ORGANIZATION_KIND_UNSPECIFIED: OrganizationKind
STRATEGIC_TERM_KIND_BOARD_SEAT: StrategicTermKind
STRATEGIC_TERM_KIND_CHIPS: StrategicTermKind
STRATEGIC_TERM_KIND_CLOUD_PROVIDER: StrategicTermKind
STRATEGIC_TERM_KIND_CUSTOMER_RELATIONSHIP: StrategicTermKind
STRATEGIC_TERM_KIND_DISTRIBUTION: StrategicTermKind
STRATEGIC_TERM_KIND_OTHER: StrategicTermKind
STRATEGIC_TERM_KIND_UNSPECIFIED: StrategicTermKind
TRANCHE_KIND_MILESTONE: TrancheKind
TRANCHE_KIND_OPTION_EXERCISE: TrancheKind
TRANCHE_KIND_SCHEDULED: TrancheKind
TRANCHE_KIND_UNSPECIFIED: TrancheKind
TRANCHE_KIND_UPFRONT: TrancheKind
TRANCHE_STATUS_CANCELLED: TrancheStatus
TRANCHE_STATUS_COMMITTED: TrancheStatus
TRANCHE_STATUS_FUNDED: TrancheStatus
TRANCHE_STATUS_UNSPECIFIED: TrancheStatus
VALUATION_KIND_POST_MONEY: ValuationKind
VALUATION_KIND_PRE_MONEY: ValuationKind
VALUATION_KIND_UNSPECIFIED: ValuationKind

class Affiliation(_message.Message):
    __slots__ = ["organization_id", "role", "since", "source_ids", "title", "until"]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    role: AffiliationRole
    since: PartialDate
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    title: str
    until: PartialDate
    def __init__(self, organization_id: _Optional[str] = ..., role: _Optional[_Union[AffiliationRole, str]] = ..., title: _Optional[str] = ..., since: _Optional[_Union[PartialDate, _Mapping]] = ..., until: _Optional[_Union[PartialDate, _Mapping]] = ..., source_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ClaimValue(_message.Message):
    __slots__ = ["date", "fraction", "money", "organization_id", "text"]
    DATE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    MONEY_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    date: PartialDate
    fraction: Fraction
    money: Money
    organization_id: str
    text: str
    def __init__(self, money: _Optional[_Union[Money, _Mapping]] = ..., text: _Optional[str] = ..., date: _Optional[_Union[PartialDate, _Mapping]] = ..., fraction: _Optional[_Union[Fraction, _Mapping]] = ..., organization_id: _Optional[str] = ...) -> None: ...

class Deal(_message.Message):
    __slots__ = ["amount", "amount_normalized", "announced", "closed", "commitment_cap", "commitment_cap_normalized", "disputed_claims", "evidence", "id", "instrument", "kind", "listing", "meta", "notes", "options", "participations", "round_label", "share_acquired", "sources", "stage", "status", "strategic_terms", "target_id", "title", "tranches", "type", "valuations"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_CAP_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_CAP_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_CLAIMS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LISTING_FIELD_NUMBER: _ClassVar[int]
    META_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PARTICIPATIONS_FIELD_NUMBER: _ClassVar[int]
    ROUND_LABEL_FIELD_NUMBER: _ClassVar[int]
    SHARE_ACQUIRED_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STRATEGIC_TERMS_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TRANCHES_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUATIONS_FIELD_NUMBER: _ClassVar[int]
    amount: Money
    amount_normalized: NormalizedMoney
    announced: PartialDate
    closed: PartialDate
    commitment_cap: Money
    commitment_cap_normalized: NormalizedMoney
    disputed_claims: _containers.RepeatedCompositeFieldContainer[DisputedClaim]
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    id: str
    instrument: Instrument
    kind: DealKind
    listing: Listing
    meta: RecordMeta
    notes: str
    options: _containers.RepeatedCompositeFieldContainer[InvestmentOption]
    participations: _containers.RepeatedCompositeFieldContainer[Participation]
    round_label: str
    share_acquired: Fraction
    sources: _containers.RepeatedCompositeFieldContainer[Source]
    stage: DealStage
    status: DealStatus
    strategic_terms: _containers.RepeatedCompositeFieldContainer[StrategicTerm]
    target_id: str
    title: str
    tranches: _containers.RepeatedCompositeFieldContainer[Tranche]
    type: DealType
    valuations: _containers.RepeatedCompositeFieldContainer[Valuation]
    def __init__(self, id: _Optional[str] = ..., target_id: _Optional[str] = ..., type: _Optional[_Union[DealType, str]] = ..., status: _Optional[_Union[DealStatus, str]] = ..., title: _Optional[str] = ..., announced: _Optional[_Union[PartialDate, _Mapping]] = ..., closed: _Optional[_Union[PartialDate, _Mapping]] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., commitment_cap: _Optional[_Union[Money, _Mapping]] = ..., participations: _Optional[_Iterable[_Union[Participation, _Mapping]]] = ..., tranches: _Optional[_Iterable[_Union[Tranche, _Mapping]]] = ..., options: _Optional[_Iterable[_Union[InvestmentOption, _Mapping]]] = ..., valuations: _Optional[_Iterable[_Union[Valuation, _Mapping]]] = ..., strategic_terms: _Optional[_Iterable[_Union[StrategicTerm, _Mapping]]] = ..., sources: _Optional[_Iterable[_Union[Source, _Mapping]]] = ..., disputed_claims: _Optional[_Iterable[_Union[DisputedClaim, _Mapping]]] = ..., notes: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., amount_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ..., commitment_cap_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ..., round_label: _Optional[str] = ..., stage: _Optional[_Union[DealStage, str]] = ..., instrument: _Optional[_Union[Instrument, _Mapping]] = ..., kind: _Optional[_Union[DealKind, str]] = ..., meta: _Optional[_Union[RecordMeta, _Mapping]] = ..., share_acquired: _Optional[_Union[Fraction, _Mapping]] = ..., listing: _Optional[_Union[Listing, _Mapping]] = ...) -> None: ...

class DealRecord(_message.Message):
    __slots__ = ["deal", "organization"]
    DEAL_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    deal: Deal
    organization: Organization
    def __init__(self, organization: _Optional[_Union[Organization, _Mapping]] = ..., deal: _Optional[_Union[Deal, _Mapping]] = ...) -> None: ...

class DisputedClaim(_message.Message):
    __slots__ = ["accepted", "accepted_value", "claimed", "claimed_value", "evidence", "explanation", "field", "id", "resolution", "resolved_by", "resolved_time_micros", "source_id", "status"]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_VALUE_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_VALUE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_TIME_MICROS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    accepted: ClaimValue
    accepted_value: str
    claimed: ClaimValue
    claimed_value: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    explanation: str
    field: str
    id: str
    resolution: str
    resolved_by: str
    resolved_time_micros: int
    source_id: str
    status: ClaimStatus
    def __init__(self, id: _Optional[str] = ..., field: _Optional[str] = ..., claimed_value: _Optional[str] = ..., accepted_value: _Optional[str] = ..., source_id: _Optional[str] = ..., explanation: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., claimed: _Optional[_Union[ClaimValue, _Mapping]] = ..., accepted: _Optional[_Union[ClaimValue, _Mapping]] = ..., status: _Optional[_Union[ClaimStatus, str]] = ..., resolved_by: _Optional[str] = ..., resolved_time_micros: _Optional[int] = ..., resolution: _Optional[str] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ["excerpt_ids", "field", "inference"]
    EXCERPT_IDS_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_FIELD_NUMBER: _ClassVar[int]
    excerpt_ids: _containers.RepeatedScalarFieldContainer[str]
    field: str
    inference: str
    def __init__(self, field: _Optional[str] = ..., excerpt_ids: _Optional[_Iterable[str]] = ..., inference: _Optional[str] = ...) -> None: ...

class Excerpt(_message.Message):
    __slots__ = ["id", "paragraph", "sentence", "text", "translation"]
    ID_FIELD_NUMBER: _ClassVar[int]
    PARAGRAPH_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    id: str
    paragraph: int
    sentence: int
    text: str
    translation: str
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., translation: _Optional[str] = ..., paragraph: _Optional[int] = ..., sentence: _Optional[int] = ...) -> None: ...

class FXRate(_message.Message):
    __slots__ = ["date", "from_currency", "from_per_euro", "rate", "source", "to_currency", "to_per_euro"]
    DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FROM_PER_EURO_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TO_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    TO_PER_EURO_FIELD_NUMBER: _ClassVar[int]
    date: PartialDate
    from_currency: str
    from_per_euro: str
    rate: str
    source: str
    to_currency: str
    to_per_euro: str
    def __init__(self, from_currency: _Optional[str] = ..., to_currency: _Optional[str] = ..., rate: _Optional[str] = ..., from_per_euro: _Optional[str] = ..., to_per_euro: _Optional[str] = ..., date: _Optional[_Union[PartialDate, _Mapping]] = ..., source: _Optional[str] = ...) -> None: ...

class Fact(_message.Message):
    __slots__ = ["amount", "approximate", "date", "evidence", "id", "property", "source_ids", "value"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    APPROXIMATE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PROPERTY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    amount: Money
    approximate: bool
    date: PartialDate
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    id: str
    property: str
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    value: str
    def __init__(self, id: _Optional[str] = ..., property: _Optional[str] = ..., value: _Optional[str] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., date: _Optional[_Union[PartialDate, _Mapping]] = ..., approximate: bool = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ...) -> None: ...

class Fraction(_message.Message):
    __slots__ = ["approximate", "denominator", "numerator", "upper_bound"]
    APPROXIMATE_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    UPPER_BOUND_FIELD_NUMBER: _ClassVar[int]
    approximate: bool
    denominator: int
    numerator: int
    upper_bound: bool
    def __init__(self, numerator: _Optional[int] = ..., denominator: _Optional[int] = ..., approximate: bool = ..., upper_bound: bool = ...) -> None: ...

class Headquarters(_message.Message):
    __slots__ = ["city", "country_code"]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    city: str
    country_code: str
    def __init__(self, country_code: _Optional[str] = ..., city: _Optional[str] = ...) -> None: ...

class Instrument(_message.Message):
    __slots__ = ["discount", "evidence", "interest_rate", "kind", "maturity", "post_money", "price_per_share", "share_class", "valuation_cap"]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    INTEREST_RATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MATURITY_FIELD_NUMBER: _ClassVar[int]
    POST_MONEY_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_SHARE_FIELD_NUMBER: _ClassVar[int]
    SHARE_CLASS_FIELD_NUMBER: _ClassVar[int]
    VALUATION_CAP_FIELD_NUMBER: _ClassVar[int]
    discount: Fraction
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    interest_rate: Fraction
    kind: InstrumentKind
    maturity: PartialDate
    post_money: bool
    price_per_share: Money
    share_class: str
    valuation_cap: Money
    def __init__(self, kind: _Optional[_Union[InstrumentKind, str]] = ..., valuation_cap: _Optional[_Union[Money, _Mapping]] = ..., discount: _Optional[_Union[Fraction, _Mapping]] = ..., interest_rate: _Optional[_Union[Fraction, _Mapping]] = ..., maturity: _Optional[_Union[PartialDate, _Mapping]] = ..., post_money: bool = ..., price_per_share: _Optional[_Union[Money, _Mapping]] = ..., share_class: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ...) -> None: ...

class InvestmentOption(_message.Message):
    __slots__ = ["condition", "evidence", "exercised_by_tranche_id", "expires", "holder_id", "id", "maximum", "maximum_normalized", "source_ids"]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXERCISED_BY_TRANCHE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    condition: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    exercised_by_tranche_id: str
    expires: PartialDate
    holder_id: str
    id: str
    maximum: Money
    maximum_normalized: NormalizedMoney
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., holder_id: _Optional[str] = ..., maximum: _Optional[_Union[Money, _Mapping]] = ..., expires: _Optional[_Union[PartialDate, _Mapping]] = ..., exercised_by_tranche_id: _Optional[str] = ..., condition: _Optional[str] = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., maximum_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ...) -> None: ...

class Listing(_message.Message):
    __slots__ = ["exchange", "offer_price", "shares_offered", "ticker"]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    OFFER_PRICE_FIELD_NUMBER: _ClassVar[int]
    SHARES_OFFERED_FIELD_NUMBER: _ClassVar[int]
    TICKER_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    offer_price: Money
    shares_offered: int
    ticker: str
    def __init__(self, exchange: _Optional[str] = ..., ticker: _Optional[str] = ..., offer_price: _Optional[_Union[Money, _Mapping]] = ..., shares_offered: _Optional[int] = ...) -> None: ...

class Money(_message.Message):
    __slots__ = ["currency_code", "nanos", "units"]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    nanos: int
    units: int
    def __init__(self, currency_code: _Optional[str] = ..., units: _Optional[int] = ..., nanos: _Optional[int] = ...) -> None: ...

class NormalizedMoney(_message.Message):
    __slots__ = ["amount", "as_of", "rate", "reason", "status"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    amount: Money
    as_of: PartialDate
    rate: FXRate
    reason: str
    status: NormalizationStatus
    def __init__(self, status: _Optional[_Union[NormalizationStatus, str]] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., rate: _Optional[_Union[FXRate, _Mapping]] = ..., as_of: _Optional[_Union[PartialDate, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class Organization(_message.Message):
    __slots__ = ["affiliations", "aliases", "description", "disputed_claims", "domains", "external_ids", "facts", "former_names", "founded", "headquarters", "id", "industries", "investor_types", "kind", "merged_ids", "meta", "name", "sources", "website"]
    class ExternalIdsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    AFFILIATIONS_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_CLAIMS_FIELD_NUMBER: _ClassVar[int]
    DOMAINS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    FORMER_NAMES_FIELD_NUMBER: _ClassVar[int]
    FOUNDED_FIELD_NUMBER: _ClassVar[int]
    HEADQUARTERS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INDUSTRIES_FIELD_NUMBER: _ClassVar[int]
    INVESTOR_TYPES_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    META_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    affiliations: _containers.RepeatedCompositeFieldContainer[Affiliation]
    aliases: _containers.RepeatedScalarFieldContainer[str]
    description: str
    disputed_claims: _containers.RepeatedCompositeFieldContainer[DisputedClaim]
    domains: _containers.RepeatedScalarFieldContainer[str]
    external_ids: _containers.ScalarMap[str, str]
    facts: _containers.RepeatedCompositeFieldContainer[Fact]
    former_names: _containers.RepeatedScalarFieldContainer[str]
    founded: PartialDate
    headquarters: Headquarters
    id: str
    industries: _containers.RepeatedScalarFieldContainer[str]
    investor_types: _containers.RepeatedScalarFieldContainer[InvestorType]
    kind: OrganizationKind
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    meta: RecordMeta
    name: str
    sources: _containers.RepeatedCompositeFieldContainer[Source]
    website: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., kind: _Optional[_Union[OrganizationKind, str]] = ..., external_ids: _Optional[_Mapping[str, str]] = ..., description: _Optional[str] = ..., website: _Optional[str] = ..., sources: _Optional[_Iterable[_Union[Source, _Mapping]]] = ..., facts: _Optional[_Iterable[_Union[Fact, _Mapping]]] = ..., meta: _Optional[_Union[RecordMeta, _Mapping]] = ..., industries: _Optional[_Iterable[str]] = ..., headquarters: _Optional[_Union[Headquarters, _Mapping]] = ..., founded: _Optional[_Union[PartialDate, _Mapping]] = ..., investor_types: _Optional[_Iterable[_Union[InvestorType, str]]] = ..., former_names: _Optional[_Iterable[str]] = ..., domains: _Optional[_Iterable[str]] = ..., merged_ids: _Optional[_Iterable[str]] = ..., affiliations: _Optional[_Iterable[_Union[Affiliation, _Mapping]]] = ..., disputed_claims: _Optional[_Iterable[_Union[DisputedClaim, _Mapping]]] = ...) -> None: ...

class PartialDate(_message.Message):
    __slots__ = ["day", "month", "precision", "year"]
    DAY_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    PRECISION_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    day: int
    month: int
    precision: DatePrecision
    year: int
    def __init__(self, year: _Optional[int] = ..., month: _Optional[int] = ..., day: _Optional[int] = ..., precision: _Optional[_Union[DatePrecision, str]] = ...) -> None: ...

class Participation(_message.Message):
    __slots__ = ["committed", "committed_normalized", "evidence", "id", "investor_id", "role", "source_ids", "stake"]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INVESTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    STAKE_FIELD_NUMBER: _ClassVar[int]
    committed: Money
    committed_normalized: NormalizedMoney
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    id: str
    investor_id: str
    role: InvestorRole
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    stake: Fraction
    def __init__(self, investor_id: _Optional[str] = ..., role: _Optional[_Union[InvestorRole, str]] = ..., committed: _Optional[_Union[Money, _Mapping]] = ..., stake: _Optional[_Union[Fraction, _Mapping]] = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., committed_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ..., id: _Optional[str] = ...) -> None: ...

class RecordMeta(_message.Message):
    __slots__ = ["create_revision", "create_time_micros", "etag", "update_revision", "update_time_micros"]
    CREATE_REVISION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_MICROS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_REVISION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_MICROS_FIELD_NUMBER: _ClassVar[int]
    create_revision: int
    create_time_micros: int
    etag: str
    update_revision: int
    update_time_micros: int
    def __init__(self, create_revision: _Optional[int] = ..., update_revision: _Optional[int] = ..., etag: _Optional[str] = ..., create_time_micros: _Optional[int] = ..., update_time_micros: _Optional[int] = ...) -> None: ...

class Source(_message.Message):
    __slots__ = ["confidence", "derived_from_source_ids", "evidence", "excerpts", "id", "language", "published", "publisher", "title", "url"]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DERIVED_FROM_SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXCERPTS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    confidence: Confidence
    derived_from_source_ids: _containers.RepeatedScalarFieldContainer[str]
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    excerpts: _containers.RepeatedCompositeFieldContainer[Excerpt]
    id: str
    language: str
    published: PartialDate
    publisher: str
    title: str
    url: str
    def __init__(self, id: _Optional[str] = ..., publisher: _Optional[str] = ..., url: _Optional[str] = ..., title: _Optional[str] = ..., published: _Optional[_Union[PartialDate, _Mapping]] = ..., confidence: _Optional[_Union[Confidence, str]] = ..., language: _Optional[str] = ..., excerpts: _Optional[_Iterable[_Union[Excerpt, _Mapping]]] = ..., derived_from_source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ...) -> None: ...

class StrategicTerm(_message.Message):
    __slots__ = ["description", "evidence", "kind", "party_id", "since", "source_ids", "value"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PARTY_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    description: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    kind: StrategicTermKind
    party_id: str
    since: PartialDate
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    value: str
    def __init__(self, kind: _Optional[_Union[StrategicTermKind, str]] = ..., party_id: _Optional[str] = ..., value: _Optional[str] = ..., description: _Optional[str] = ..., since: _Optional[_Union[PartialDate, _Mapping]] = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ...) -> None: ...

class Tranche(_message.Message):
    __slots__ = ["amount", "amount_normalized", "condition", "due", "evidence", "id", "investor_id", "kind", "source_ids", "status"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INVESTOR_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    amount: Money
    amount_normalized: NormalizedMoney
    condition: str
    due: PartialDate
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    id: str
    investor_id: str
    kind: TrancheKind
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    status: TrancheStatus
    def __init__(self, id: _Optional[str] = ..., investor_id: _Optional[str] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., kind: _Optional[_Union[TrancheKind, str]] = ..., due: _Optional[_Union[PartialDate, _Mapping]] = ..., condition: _Optional[str] = ..., status: _Optional[_Union[TrancheStatus, str]] = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., amount_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ...) -> None: ...

class Valuation(_message.Message):
    __slots__ = ["amount", "amount_normalized", "approximate", "as_of", "evidence", "kind", "source_ids"]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    APPROXIMATE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDS_FIELD_NUMBER: _ClassVar[int]
    amount: Money
    amount_normalized: NormalizedMoney
    approximate: bool
    as_of: PartialDate
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    kind: ValuationKind
    source_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[_Union[ValuationKind, str]] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., as_of: _Optional[_Union[PartialDate, _Mapping]] = ..., approximate: bool = ..., source_ids: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., amount_normalized: _Optional[_Union[NormalizedMoney, _Mapping]] = ...) -> None: ...

class DatePrecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class OrganizationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DealType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DealStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InvestorRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TrancheKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TrancheStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ValuationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class StrategicTermKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Confidence(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ClaimStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class NormalizationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DealStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DealKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InstrumentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InvestorType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AffiliationRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
