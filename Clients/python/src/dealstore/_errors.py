"""The one exception type of the package and the gRPC status codes it carries."""

from __future__ import annotations

import enum
from collections.abc import Mapping


class StatusCode(enum.IntEnum):
    """gRPC status codes, with gRPC's names and numbers (PROTOCOL.md section 11)."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def from_wire(cls, value: int) -> StatusCode:
        """The code for a number received from the server; numbers gRPC does not define become UNKNOWN."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


class DealStoreError(Exception):
    """Every failure of a call or a connection: a status ``code``, a ``message`` and ``details``.

    ``message`` says what was wrong and, where the server or the client knows it, what to do. ``details`` holds
    the trailer metadata the server sent with the status (for example ``resume-revision`` and
    ``oldest-revision`` when a watch ends with OUT_OF_RANGE) and, for errors the client decided itself,
    ``local: "true"``. ``retry_safe`` is true when the server is known not to have processed the call (it was
    refused by a GOAWAY or never sent), so that repeating it cannot apply a write twice. The original low-level
    exception, if any, is chained as ``__cause__``.
    """

    code: StatusCode
    message: str
    details: dict[str, str]
    retry_safe: bool

    def __init__(
        self,
        code: StatusCode,
        message: str,
        details: Mapping[str, str] | None = None,
        *,
        retry_safe: bool = False,
    ) -> None:
        super().__init__(f"{code.name} ({int(code)}): {message}")
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.retry_safe = retry_safe

    @classmethod
    def local(cls, code: StatusCode, message: str, *, retry_safe: bool = False) -> DealStoreError:
        """An error decided by this client (a timer, a closed connection, bad arguments), not by TRAILERS."""
        return cls(code, message, {"local": "true"}, retry_safe=retry_safe)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (int(self.code), self.message, self.details, self.retry_safe))


def _rebuild(code: int, message: str, details: dict[str, str], retry_safe: bool) -> DealStoreError:
    return DealStoreError(StatusCode.from_wire(code), message, details, retry_safe=retry_safe)
