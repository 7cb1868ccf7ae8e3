from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CallHeaders(_message.Message):
    __slots__ = ["metadata", "method", "timeout_micros"]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MICROS_FIELD_NUMBER: _ClassVar[int]
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    method: str
    timeout_micros: int
    def __init__(self, method: _Optional[str] = ..., timeout_micros: _Optional[int] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ...) -> None: ...

class Cancel(_message.Message):
    __slots__ = ["reason"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class GoAway(_message.Message):
    __slots__ = ["code", "last_stream_id", "reason"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    code: int
    last_stream_id: int
    reason: str
    def __init__(self, last_stream_id: _Optional[int] = ..., code: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ["agent", "idle_timeout_millis", "initial_window_size", "max_concurrent_streams", "max_frame_size", "max_version", "min_ping_interval_millis", "min_version"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MILLIS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_STREAMS_FIELD_NUMBER: _ClassVar[int]
    MAX_FRAME_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_VERSION_FIELD_NUMBER: _ClassVar[int]
    MIN_PING_INTERVAL_MILLIS_FIELD_NUMBER: _ClassVar[int]
    MIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    agent: str
    idle_timeout_millis: int
    initial_window_size: int
    max_concurrent_streams: int
    max_frame_size: int
    max_version: int
    min_ping_interval_millis: int
    min_version: int
    def __init__(self, min_version: _Optional[int] = ..., max_version: _Optional[int] = ..., agent: _Optional[str] = ..., max_frame_size: _Optional[int] = ..., max_concurrent_streams: _Optional[int] = ..., initial_window_size: _Optional[int] = ..., min_ping_interval_millis: _Optional[int] = ..., idle_timeout_millis: _Optional[int] = ...) -> None: ...

class MetadataEntry(_message.Message):
    __slots__ = ["key", "value"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: bytes
    def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class Ping(_message.Message):
    __slots__ = ["opaque"]
    OPAQUE_FIELD_NUMBER: _ClassVar[int]
    opaque: int
    def __init__(self, opaque: _Optional[int] = ...) -> None: ...

class Trailers(_message.Message):
    __slots__ = ["code", "message", "metadata"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ...) -> None: ...

class WindowUpdate(_message.Message):
    __slots__ = ["increment"]
    INCREMENT_FIELD_NUMBER: _ClassVar[int]
    increment: int
    def __init__(self, increment: _Optional[int] = ...) -> None: ...
