from dealstore.v1 import model_pb2 as _model_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateOrganizationRequest(_message.Message):
    __slots__ = ["organization", "validate_only"]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    organization: _model_pb2.Organization
    validate_only: bool
    def __init__(self, organization: _Optional[_Union[_model_pb2.Organization, _Mapping]] = ..., validate_only: bool = ...) -> None: ...

class DeleteOrganizationRequest(_message.Message):
    __slots__ = ["etag", "id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteOrganizationResponse(_message.Message):
    __slots__ = ["revision"]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    revision: int
    def __init__(self, revision: _Optional[int] = ...) -> None: ...

class GetOrganizationRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListOrganizationsRequest(_message.Message):
    __slots__ = ["kind", "page_size", "page_token", "query"]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    kind: _model_pb2.OrganizationKind
    page_size: int
    page_token: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., kind: _Optional[_Union[_model_pb2.OrganizationKind, str]] = ...) -> None: ...

class ListOrganizationsResponse(_message.Message):
    __slots__ = ["next_page_token", "organizations", "total_size"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATIONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    organizations: _containers.RepeatedCompositeFieldContainer[_model_pb2.Organization]
    total_size: int
    def __init__(self, organizations: _Optional[_Iterable[_Union[_model_pb2.Organization, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class MergeOrganizationsRequest(_message.Message):
    __slots__ = ["source_etag", "source_id", "target_etag", "target_id", "validate_only"]
    SOURCE_ETAG_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_ETAG_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    source_etag: str
    source_id: str
    target_etag: str
    target_id: str
    validate_only: bool
    def __init__(self, source_id: _Optional[str] = ..., target_id: _Optional[str] = ..., source_etag: _Optional[str] = ..., target_etag: _Optional[str] = ..., validate_only: bool = ...) -> None: ...

class MergeOrganizationsResponse(_message.Message):
    __slots__ = ["organization", "revision", "updated_deal_ids", "updated_organization_ids"]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_DEAL_IDS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_ORGANIZATION_IDS_FIELD_NUMBER: _ClassVar[int]
    organization: _model_pb2.Organization
    revision: int
    updated_deal_ids: _containers.RepeatedScalarFieldContainer[str]
    updated_organization_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, organization: _Optional[_Union[_model_pb2.Organization, _Mapping]] = ..., updated_deal_ids: _Optional[_Iterable[str]] = ..., updated_organization_ids: _Optional[_Iterable[str]] = ..., revision: _Optional[int] = ...) -> None: ...

class UpdateOrganizationRequest(_message.Message):
    __slots__ = ["etag", "organization", "update_mask"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    etag: str
    organization: _model_pb2.Organization
    update_mask: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, organization: _Optional[_Union[_model_pb2.Organization, _Mapping]] = ..., update_mask: _Optional[_Iterable[str]] = ..., etag: _Optional[str] = ...) -> None: ...
