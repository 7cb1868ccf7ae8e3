"""Money: exact conversions to and from :class:`decimal.Decimal`, and the human forms the ``deals`` CLI reads.

``parse("1.25B")``, ``parse("$4bn")``, ``parse("1,25 Md$")`` give the same Money as ``deals add --amount``;
``format_money`` prints ``$1.25B`` as ``deals list`` does. A mirror of
Sources/DealModel/Money/DealMoneyParser.swift
and DealMoneyFormatter.swift: exact decimal arithmetic, never floating point.
"""

from __future__ import annotations

import decimal

from dealstore._errors import DealStoreError, StatusCode
from dealstore.v1.model_pb2 import Money

__all__ = [
    "ACCEPTED_FORMS",
    "MAXIMUM_UNITS",
    "MoneyParseError",
    "format_money",
    "from_decimal",
    "parse",
    "plain_decimal",
    "to_decimal",
]

MAXIMUM_UNITS = 1_000_000_000_000_000
"""The largest amount the store accepts, in whole units (10^15; PROTOCOL.md section 16)."""

_INT64_MAX = 2**63 - 1
_NANOS = 1_000_000_000
_TOO_LARGE = "too large: the maximum is 1,000,000,000,000,000 (10^15, 1000T) units"

ACCEPTED_FORMS = (
    '1.25B, $4bn, 300M, 2.75 billion, 4 000 000, €2.5M, 1.5B CHF, "1,25 Md$", "10 milliards", '
    '"300 millions", "2 milliards de dollars"'
)
"""The forms ``parse`` accepts, for error messages and help texts."""


class MoneyParseError(DealStoreError):
    """An amount ``parse`` cannot read (code INVALID_ARGUMENT); ``input`` and ``reason`` say which and why."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(
            StatusCode.INVALID_ARGUMENT,
            f'invalid amount "{input}" ({reason}); expected forms like {ACCEPTED_FORMS}',
            {"local": "true"},
        )
        self.input = input
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (MoneyParseError, (self.input, self.reason))


# --- Decimal ---------------------------------------------------------------------------------------------------


def to_decimal(money: Money) -> decimal.Decimal:
    """The exact amount of ``money`` (units + nanos / 10^9) as a Decimal; the currency is ``money.currency_code``."""
    value = decimal.Decimal(money.units) + decimal.Decimal(money.nanos).scaleb(-9)
    return value.normalize() if value != 0 else decimal.Decimal(0)


def from_decimal(amount: decimal.Decimal | int | str, currency_code: str = "USD") -> Money:
    """An exact Money for ``amount``; refuses (DealStoreError INVALID_ARGUMENT) what Money cannot hold.

    Negative amounts, more than nine fractional digits and amounts beyond int64 units are refused rather than
    rounded or wrapped. (The store's own maximum, 10^15 units, is checked by the server.)
    """
    try:
        value = decimal.Decimal(amount)
    except decimal.InvalidOperation as error:
        raise DealStoreError.local(StatusCode.INVALID_ARGUMENT, f"not a decimal amount: {amount!r}") from error
    if not value.is_finite():
        raise DealStoreError.local(StatusCode.INVALID_ARGUMENT, f"not a finite amount: {amount!r}")
    if value < 0:
        raise DealStoreError.local(StatusCode.INVALID_ARGUMENT, f"amounts are never negative: {amount!r}")
    nanos_total = value.scaleb(9)
    if nanos_total != nanos_total.to_integral_value():
        raise DealStoreError.local(
            StatusCode.INVALID_ARGUMENT, f"{amount!r} has more precision than a billionth of a unit"
        )
    units, nanos = divmod(int(nanos_total), _NANOS)
    if units > _INT64_MAX:
        raise DealStoreError.local(StatusCode.INVALID_ARGUMENT, f"{amount!r} is too large for a Money")
    return Money(currency_code=currency_code, units=units, nanos=nanos)


# --- parsing ---------------------------------------------------------------------------------------------------

_SCALE_WORDS = {
    "k": 3, "thousand": 3, "thousands": 3, "mille": 3,
    "m": 6, "mn": 6, "mm": 6, "mio": 6, "million": 6, "millions": 6,
    "b": 9, "bn": 9, "bln": 9, "billion": 9, "billions": 9,
    "md": 9, "mds": 9, "mrd": 9, "mrds": 9, "milliard": 9, "milliards": 9,
    "t": 12, "tn": 12, "trillion": 12, "trillions": 12,
}  # fmt: skip

_CURRENCY_WORDS = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR",
    "pound": "GBP", "pounds": "GBP", "livre": "GBP", "livres": "GBP",
    "yen": "JPY", "yens": "JPY",
}  # fmt: skip

_COMMON_CODES = frozenset(
    ["usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "cny", "inr", "krw", "sek", "nok", "dkk", "hkd", "sgd"]
)
_FILLER_WORDS = frozenset(["de", "d'", "of", "d"])  # "2 milliards de dollars", "10 milliards d'euros"
_SYMBOLS = "$€£¥"


def _is_digit(character: str) -> bool:
    return "0" <= character <= "9"


def _is_number_character(character: str) -> bool:
    return _is_digit(character) or character in ".,'_ "


def _normalize(text: str) -> str:
    # No-break and narrow no-break spaces group thousands in French typography.
    table = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "\u2019": "'"}
    return "".join(table.get(character, character) for character in text).strip()


def parse(text: str, default_currency: str = "USD") -> Money:
    """Parses an amount the way people write it (``1.25B``, ``$4bn``, ``1,25 Md$``) into an exact Money.

    Accepted: a number with optional grouping (``4 000 000``, ``4,000,000``, ``4'000'000``), a decimal point or a
    French decimal comma, an optional scale (K, M, mn, B, bn, Md, T, thousand, million(s), billion, milliard(s),
    trillion) and an optional currency before or after ($, US$, €, £, ¥, an ISO 4217 code, dollars, euros...). A
    single comma followed by exactly three digits groups thousands (``1,250`` is 1250). Raises MoneyParseError.
    """
    characters = _normalize(text)
    number_start = next((i for i, c in enumerate(characters) if _is_digit(c)), None)
    if number_start is None:
        raise MoneyParseError(text, "no number")
    number_end = number_start
    while number_end < len(characters) and _is_number_character(characters[number_end]):
        number_end += 1
    # The run may have swallowed a separator that belongs to the words after it ("300 millions").
    while number_end > number_start and not _is_digit(characters[number_end - 1]):
        number_end -= 1
    prefix = characters[:number_start]
    number_text = characters[number_start:number_end]
    suffix = characters[number_end:]

    mantissa, exponent = _parse_number(number_text, text)
    scale: int | None = None
    currency: str | None = None
    for kind, value in _tokens(prefix + " " + suffix, text):
        if kind == "scale":
            if scale is not None:
                raise MoneyParseError(text, "more than one scale")
            scale = int(value)
        else:
            if currency is not None and currency != value:
                raise MoneyParseError(text, f"two currencies ({currency} and {value})")
            currency = str(value)
    return _money(mantissa, exponent + (scale or 0), currency or default_currency, text)


def _parse_number(text: str, input: str) -> tuple[str, int]:
    """Splits a number into integer digits and a power of ten: "1,25" is ("125", -2)."""
    dots = text.count(".")
    commas = text.count(",")
    separator: str | None = None
    if dots > 0 and commas > 0:
        # Both present: the last one is the decimal separator ("1,250.50" or "1.250,50").
        separator = "." if text.rindex(".") > text.rindex(",") else ","
    elif dots == 1:
        separator = "."
    elif commas == 1:
        after = text[text.index(",") + 1 :]
        separator = None if len(after) == 3 and all(_is_digit(c) for c in after) else ","
    integer_part = text
    fraction_part = ""
    if separator is not None:
        if text.count(separator) != 1:
            raise MoneyParseError(input, f'malformed number "{text}"')
        index = text.rindex(separator)
        integer_part = text[:index]
        fraction_part = text[index + 1 :]
    groups = [""]
    for character in integer_part:
        if character in " ,.'_":
            groups.append("")
        else:
            groups[-1] += character
    # Grouped digits come in threes after the first group: "4 000 000", not "4 00 0".
    for position, group in enumerate(groups):
        if position == 0:
            valid = len(group) >= 1 and (len(groups) == 1 or len(group) <= 3)
        else:
            valid = len(group) == 3
        if not valid or not all(_is_digit(c) for c in group):
            raise MoneyParseError(input, f'malformed number "{text}"')
    if not all(_is_digit(c) for c in fraction_part) or (separator is not None and not fraction_part):
        raise MoneyParseError(input, f'malformed number "{text}"')
    return "".join(groups) + fraction_part, -len(fraction_part)


def _tokens(text: str, input: str) -> list[tuple[str, str | int]]:
    words: list[str] = []
    current = ""
    for character in text:
        if character == " ":
            if current:
                words.append(current)
            current = ""
        elif character in _SYMBOLS:
            # "US$" is one currency; any other symbol ends the word before it ("Md$" is "Md" and "$").
            if current.lower() == "us" and character == "$":
                current = ""
                words.append("us$")
            else:
                if current:
                    words.append(current)
                current = ""
                words.append(character)
        elif character == "." and current:
            # An abbreviation's period: "10 Mrd. €", "5 mln.".
            words.append(current)
            current = ""
        elif character == "'":
            words.append(current + character)
            current = ""
        elif character.isalpha():
            current += character
        else:
            raise MoneyParseError(input, f'unexpected "{character}"')
    if current:
        words.append(current)

    tokens: list[tuple[str, str | int]] = []
    for word in words:
        lowered = word.lower()
        if lowered in _FILLER_WORDS:
            continue
        if lowered in _SCALE_WORDS:
            tokens.append(("scale", _SCALE_WORDS[lowered]))
        elif lowered in _CURRENCY_WORDS:
            tokens.append(("currency", _CURRENCY_WORDS[lowered]))
        elif lowered in _COMMON_CODES or (len(word) == 3 and word.isascii() and word.isupper()):
            # Any upper-case three-letter word is an ISO 4217 code; lower case only for common ones,
            # so "12 abc" is refused rather than read as 12 ABC.
            tokens.append(("currency", word.upper()))
        else:
            raise MoneyParseError(input, f'unknown word "{word}"')
    return tokens


def _money(mantissa: str, exponent: int, currency: str, input: str) -> Money:
    if exponent >= 0:
        integer_digits, fraction_digits = mantissa + "0" * exponent, ""
    else:
        count = -exponent
        mantissa = mantissa.rjust(count, "0")
        integer_digits, fraction_digits = mantissa[: len(mantissa) - count], mantissa[len(mantissa) - count :]
    fraction_digits = fraction_digits.rstrip("0")
    if len(fraction_digits) > 9:
        raise MoneyParseError(input, "more precision than a billionth of a unit")
    # Checked digit by digit against the store's maximum, so no input (however long) builds a huge integer.
    units = 0
    for digit in integer_digits:
        units = units * 10 + int(digit)
        if units > MAXIMUM_UNITS:
            raise MoneyParseError(input, _TOO_LARGE)
    return Money(currency_code=currency, units=units, nanos=int(fraction_digits.ljust(9, "0")))


# --- formatting ------------------------------------------------------------------------------------------------

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
"""The currencies written with a symbol before the number; others get their code after it."""


def format_money(money: Money) -> str:
    """``$1.25B``, ``$300M``, ``€2.5M``, ``1.5B CHF``: scaled (K, M, B, T), at most two decimals, rounded half up."""
    number = _scaled_number(money.units, money.nanos)
    code = money.currency_code
    if code in SYMBOLS:
        return SYMBOLS[code] + number
    return number + " " + code if code else number


def plain_decimal(money: Money) -> str:
    """The exact amount as a plain decimal (``1250000000``, ``12.5``), for CSV and scripts."""
    negative = money.units < 0 or money.nanos < 0
    text = str(abs(money.units))
    if money.nanos:
        text += "." + str(abs(money.nanos)).rjust(9, "0").rstrip("0")
    return "-" + text if negative else text


def _scaled_number(units: int, nanos: int) -> str:
    negative = units < 0 or nanos < 0
    magnitude = abs(units)
    for divisor, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if magnitude >= divisor:
            whole, remainder = divmod(magnitude, divisor)
            hundredths, leftover = divmod(remainder * 100, divisor)
            if leftover * 2 >= divisor:
                hundredths += 1
                if hundredths == 100:
                    hundredths = 0
                    whole += 1
            text = str(whole) + _fraction(hundredths) + suffix
            break
    else:
        cents = (abs(nanos) + 5_000_000) // 10_000_000
        text = str(magnitude + cents // 100) + _fraction(cents % 100)
    return "-" + text if negative else text


def _fraction(hundredths: int) -> str:
    if hundredths == 0:
        return ""
    if hundredths % 10 == 0:
        return "." + str(hundredths // 10)
    return ".0" + str(hundredths) if hundredths < 10 else "." + str(hundredths)
