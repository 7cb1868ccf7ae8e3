from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetServerInfoRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ServerInfo(_message.Message):
    __slots__ = ["caller_role", "compacted_revision", "deal_count", "max_protocol_version", "methods", "min_protocol_version", "organization_count", "server_version", "store_revision", "tls_library_version", "uptime_seconds"]
    CALLER_ROLE_FIELD_NUMBER: _ClassVar[int]
    COMPACTED_REVISION_FIELD_NUMBER: _ClassVar[int]
    DEAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    MIN_PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    STORE_REVISION_FIELD_NUMBER: _ClassVar[int]
    TLS_LIBRARY_VERSION_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    caller_role: str
    compacted_revision: int
    deal_count: int
    max_protocol_version: int
    methods: _containers.RepeatedScalarFieldContainer[str]
    min_protocol_version: int
    organization_count: int
    server_version: str
    store_revision: int
    tls_library_version: str
    uptime_seconds: int
    def __init__(self, server_version: _Optional[str] = ..., min_protocol_version: _Optional[int] = ..., max_protocol_version: _Optional[int] = ..., tls_library_version: _Optional[str] = ..., store_revision: _Optional[int] = ..., uptime_seconds: _Optional[int] = ..., methods: _Optional[_Iterable[str]] = ..., deal_count: _Optional[int] = ..., organization_count: _Optional[int] = ..., compacted_revision: _Optional[int] = ..., caller_role: _Optional[str] = ...) -> None: ...
