"""Normalised money and the deal types of issue 18 as the Python package sees them."""

from dealstore._async_client import _deal_filter
from dealstore.v1 import model_pb2, query_pb2


def test_normalize_to_filter() -> None:
    result = _deal_filter({"normalize_to": "EUR", "min_amount": "€60M"})
    assert result.normalize_to == "EUR"
    assert (result.min_amount.units, result.min_amount.currency_code) == (60_000_000, "EUR")


def test_summary_group_carries_normalized_totals() -> None:
    group = query_pb2.SummaryGroup(key="alpha")
    group.normalized.currency_code = "USD"
    group.normalized.committed.units = 152_705_000
    group.normalized.rates.add(from_currency="EUR", to_currency="USD", rate="1.0541")
    back = query_pb2.SummaryGroup.FromString(group.SerializeToString())
    assert back.normalized.rates[0].rate == "1.0541"
    # An old reader's view: a group without the new field reads as before.
    assert not query_pb2.SummaryGroup(key="old").HasField("normalized")


def test_safe_can_be_recorded() -> None:
    deal = model_pb2.Deal(
        id="fx-safe",
        round_label="pre-seed SAFE",
        stage=model_pb2.DEAL_STAGE_PRE_SEED,
        kind=model_pb2.DEAL_KIND_PRIMARY,
        instrument=model_pb2.Instrument(
            kind=model_pb2.INSTRUMENT_KIND_SAFE,
            valuation_cap=model_pb2.Money(currency_code="USD", units=10_000_000),
            discount=model_pb2.Fraction(numerator=1, denominator=5),
            post_money=True,
        ),
    )
    assert model_pb2.Deal.FromString(deal.SerializeToString()).instrument.discount.denominator == 5
