"""dealstore.money against the examples of the CLI's DealMoneyParserTests and DealMoneyFormatterTests."""

from __future__ import annotations

import decimal

import pytest

from dealstore import DealStoreError, Money, StatusCode, money

ACCEPTED = [
    ("1.25B", 1_250_000_000, 0, "USD"),
    ("$4bn", 4_000_000_000, 0, "USD"),
    ("300M", 300_000_000, 0, "USD"),
    ("2.75 billion", 2_750_000_000, 0, "USD"),
    ("4 000 000", 4_000_000, 0, "USD"),
    ("4\u202f000\u202f000 €", 4_000_000, 0, "EUR"),
    ("4,000,000", 4_000_000, 0, "USD"),
    ("1,25 Md$", 1_250_000_000, 0, "USD"),
    ("10 milliards", 10_000_000_000, 0, "USD"),
    ("300 millions", 300_000_000, 0, "USD"),
    ("2 milliards de dollars", 2_000_000_000, 0, "USD"),
    ("10 milliards d'euros", 10_000_000_000, 0, "EUR"),
    ("€2.5M", 2_500_000, 0, "EUR"),
    ("1.5B CHF", 1_500_000_000, 0, "CHF"),
    ("£12.50", 12, 500_000_000, "GBP"),
    ("¥1000", 1000, 0, "JPY"),
    ("US$ 500K", 500_000, 0, "USD"),
    ("1,250.50", 1250, 500_000_000, "USD"),
    ("0.000000001", 0, 1, "USD"),
    ("1.234567891B", 1_234_567_891, 0, "USD"),
    ("2.75 billion EUR", 2_750_000_000, 0, "EUR"),
    ("  42 usd  ", 42, 0, "USD"),
    ("10 Mrd. €", 10_000_000_000, 0, "EUR"),
    ("2,5 M€", 2_500_000, 0, "EUR"),
    ("USD 1.25 BN", 1_250_000_000, 0, "USD"),
]


@pytest.mark.parametrize(("text", "units", "nanos", "currency"), ACCEPTED)
def test_parses_exactly(text: str, units: int, nanos: int, currency: str) -> None:
    parsed = money.parse(text)
    assert (parsed.units, parsed.nanos, parsed.currency_code) == (units, nanos, currency)


def test_default_currency_applies() -> None:
    parsed = money.parse("3M", default_currency="EUR")
    assert (parsed.units, parsed.currency_code) == (3_000_000, "EUR")


REJECTED = [
    ("garbage", "no number"),
    ("12 abc", 'unknown word "abc"'),
    ("1.2.3", 'malformed number "1.2.3"'),
    ("4 00 0", 'malformed number "4 00 0"'),
    ("-5M", 'unexpected "-"'),
    ("5M B", "more than one scale"),
    ("$5 EUR", "two currencies (USD and EUR)"),
    ("0.0000000001", "more precision than a billionth of a unit"),
    ("99999999999T", "too large: the maximum is 1,000,000,000,000,000 (10^15, 1000T) units"),
    ("", "no number"),
]


@pytest.mark.parametrize(("text", "reason"), REJECTED)
def test_rejects_garbage_with_the_cli_message(text: str, reason: str) -> None:
    with pytest.raises(money.MoneyParseError) as caught:
        money.parse(text)
    error = caught.value
    assert isinstance(error, DealStoreError)
    assert error.code == StatusCode.INVALID_ARGUMENT
    assert (error.input, error.reason) == (text, reason)
    assert error.message.startswith(f'invalid amount "{text}" ({reason}); expected forms like 1.25B')
    assert '"2 milliards de dollars"' in error.message


def test_a_huge_number_of_digits_is_refused_not_computed() -> None:
    with pytest.raises(money.MoneyParseError, match="too large"):
        money.parse("9" * 100_000)


def m(units: int, nanos: int = 0, currency: str = "USD") -> Money:
    return Money(units=units, nanos=nanos, currency_code=currency)


FORMATTED = [
    (m(1_250_000_000), "$1.25B"),
    (m(300_000_000), "$300M"),
    (m(2_500_000, 0, "EUR"), "€2.5M"),
    (m(1_500_000_000, 0, "CHF"), "1.5B CHF"),
    (m(10_000_000_000), "$10B"),
    (m(4_000_000_000, 0, "GBP"), "£4B"),
    (m(7_000_000, 0, "JPY"), "¥7M"),
    (m(1_234_567_890), "$1.23B"),
    (m(1_235_000_000), "$1.24B"),
    (m(1_999_000_000), "$2B"),
    (m(1_050_000_000), "$1.05B"),
    (m(250_000), "$250K"),
    (m(12, 500_000_000), "$12.5"),
    (m(999), "$999"),
    (m(2_000_000_000_000), "$2T"),
    (m(5, 0, ""), "5"),
]


@pytest.mark.parametrize(("value", "expected"), FORMATTED)
def test_formats_for_people(value: Money, expected: str) -> None:
    assert money.format_money(value) == expected


def test_plain_decimal_is_exact() -> None:
    assert money.plain_decimal(m(1_250_000_000)) == "1250000000"
    assert money.plain_decimal(m(12, 500_000_000)) == "12.5"
    assert money.plain_decimal(m(0, 1)) == "0.000000001"


@pytest.mark.parametrize("text", ["$1.25B", "$300M", "€2.5M", "1.5B CHF", "£4B"])
def test_formatting_round_trips_through_the_parser(text: str) -> None:
    assert money.format_money(money.parse(text)) == text


def test_decimal_conversions_are_exact() -> None:
    assert money.to_decimal(m(1_250_000_000, 500_000_000)) == decimal.Decimal("1250000000.5")
    assert money.to_decimal(m(0, 1)) == decimal.Decimal("0.000000001")
    assert money.to_decimal(m(0)) == 0
    back = money.from_decimal(decimal.Decimal("2750000000.000000001"), "EUR")
    assert (back.units, back.nanos, back.currency_code) == (2_750_000_000, 1, "EUR")
    assert money.from_decimal(12).units == 12
    assert money.from_decimal("0.1").nanos == 100_000_000


@pytest.mark.parametrize("bad", ["-1", "0.0000000001", "NaN", "Infinity", "1e30", "abc"])
def test_from_decimal_refuses_what_money_cannot_hold(bad: str) -> None:
    with pytest.raises(DealStoreError) as caught:
        money.from_decimal(bad)
    assert caught.value.code == StatusCode.INVALID_ARGUMENT
