"""Conversions between Python values and the protocol's enums, dates and amounts, for keyword arguments."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable
from typing import TypeVar, cast

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from dealstore import money
from dealstore._errors import DealStoreError, StatusCode
from dealstore.v1 import model_pb2

EnumArgument = int | str
"""An enum value: its number, its full name (``DEAL_STATUS_CLOSED``) or its short name (``closed``,
``corporate-strategic``)."""

DateArgument = model_pb2.PartialDate | datetime.date | int | str
"""A date: a PartialDate, a ``datetime.date``, a year, or text: ``2023``, ``2023-09``, ``2023-Q3``, ``2023-09-15``."""

E = TypeVar("E", bound=int)

AmountArgument = model_pb2.Money | decimal.Decimal | int | str
"""An amount: a Money, an exact number (USD), or a human form the CLI reads (``1B``, ``$4bn``, ``300 M€``)."""


def _invalid(message: str) -> DealStoreError:
    return DealStoreError.local(StatusCode.INVALID_ARGUMENT, message)


def _prefix(enum: EnumTypeWrapper) -> str:
    # "DEAL_STATUS_" from DEAL_STATUS_UNSPECIFIED: every enum of the protocol has one.
    names = [name for name in enum.keys() if name.endswith("_UNSPECIFIED")]
    return names[0][: -len("UNSPECIFIED")] if names else ""


def enum_value(enum_type: type[E], value: EnumArgument, argument: str) -> E:
    """The number of an enum value given as a number or a name; DealStoreError naming the choices otherwise."""
    # The generated classes (model_pb2.DealType...) are int subclasses whose metaclass is EnumTypeWrapper.
    enum = cast(EnumTypeWrapper, enum_type)
    if isinstance(value, int):
        if value not in enum.values():
            raise _invalid(f"{argument}={value} is not a value of {enum.DESCRIPTOR.name}")
        return cast(E, value)
    prefix = _prefix(enum)
    name = value.strip().upper().replace("-", "_").replace(" ", "_")
    for candidate in (name, prefix + name):
        if candidate in enum.keys() and not candidate.endswith("_UNSPECIFIED"):
            return cast(E, enum.Value(candidate))
    choices = ", ".join(enum_name(enum_type, number) for number in enum.values() if number != 0)
    raise _invalid(f'{argument}="{value}" is not one of: {choices}')


def enum_values(enum_type: type[E], values: EnumArgument | Iterable[EnumArgument], argument: str) -> list[E]:
    """``enum_value`` for one value or many."""
    if isinstance(values, (int, str)):
        return [enum_value(enum_type, values, argument)]
    return [enum_value(enum_type, value, argument) for value in values]


def enum_name(enum_type: type[int], number: int) -> str:
    """The short, CLI-style name of an enum value: ``corporate-strategic``; ``""`` for UNSPECIFIED (0)."""
    enum = cast(EnumTypeWrapper, enum_type)
    if number == 0:
        return ""
    try:
        full = enum.Name(number)
    except ValueError:
        return str(number)
    return full[len(_prefix(enum)) :].lower().replace("_", "-")


_DATE = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4]))(?:-(\d{1,2}))?)?$")


def partial_date(value: DateArgument, argument: str) -> model_pb2.PartialDate:
    """A PartialDate from a date argument; DealStoreError on text that is not one of the accepted forms."""
    if isinstance(value, model_pb2.PartialDate):
        return value
    if isinstance(value, datetime.date):
        return model_pb2.PartialDate(
            year=value.year, month=value.month, day=value.day, precision=model_pb2.DATE_PRECISION_DAY
        )
    if isinstance(value, int):
        return model_pb2.PartialDate(year=value, precision=model_pb2.DATE_PRECISION_YEAR)
    match = _DATE.match(value.strip())
    if match is None or (match.group(3) and match.group(4)):
        raise _invalid(f'{argument}="{value}" is not a date; use 2023, 2023-09, 2023-Q3 or 2023-09-15')
    year, month, quarter, day = match.groups()
    if quarter:  # QUARTER uses the quarter's last month (PROTOCOL.md section 16)
        return model_pb2.PartialDate(year=int(year), month=int(quarter) * 3, precision=model_pb2.DATE_PRECISION_QUARTER)
    if day:
        return model_pb2.PartialDate(
            year=int(year), month=int(month), day=int(day), precision=model_pb2.DATE_PRECISION_DAY
        )
    if month:
        return model_pb2.PartialDate(year=int(year), month=int(month), precision=model_pb2.DATE_PRECISION_MONTH)
    return model_pb2.PartialDate(year=int(year), precision=model_pb2.DATE_PRECISION_YEAR)


def date_text(date: model_pb2.PartialDate) -> str:
    """``2023``, ``2023-09``, ``2023-Q3`` or ``2023-09-15`` by precision; ``""`` for an unset date."""
    if date.year == 0:
        return ""
    precision = date.precision
    if precision == model_pb2.DATE_PRECISION_DAY or (precision == 0 and date.day):
        return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    if precision == model_pb2.DATE_PRECISION_QUARTER:
        return f"{date.year:04d}-Q{(date.month + 2) // 3}"
    if precision == model_pb2.DATE_PRECISION_MONTH or (precision == 0 and date.month):
        return f"{date.year:04d}-{date.month:02d}"
    return f"{date.year:04d}"


def amount(value: AmountArgument) -> model_pb2.Money:
    """A Money from an amount argument (text is read as the CLI reads it)."""
    if isinstance(value, model_pb2.Money):
        return value
    if isinstance(value, str):
        return money.parse(value)
    if isinstance(value, bool):
        raise _invalid(f"{value!r} is not an amount")
    return money.from_decimal(value)
