"""Issue 18 through the Python package: the source catalog (ListSources, GetSource, ListSourceReports by
catalog id) and the FX table (GetFXTable, ImportFXRates)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2

from conftest import Daemon


def test_one_article_cited_by_two_deals_is_one_catalog_source(
    client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    target = client.create_organization(model_pb2.Organization(id=unique("target"), name=unique("Target")))
    publisher = unique("Gazette")
    url = f"https://news.example/{unique('article')}"
    ids = []
    for local, excerpt in (("a", "raised 5 million"), ("b", "led by")):
        deal = model_pb2.Deal(id=unique("deal"), target_id=target.id, title="Seed")
        source = deal.sources.add(id=local, publisher=publisher, url=url, title="Seed round")
        source.excerpts.add(id=local + "-1", text=excerpt)
        ids.append(client.create_deal(deal).id)
    sources = client.list_sources(publisher.lower())
    assert len(sources) == 1
    assert sources[0].citation_count == 2 and sources[0].url == url
    assert client.get_source(sources[0].id) == sources[0]
    reports = client.list_source_reports(catalog_id=sources[0].id)
    assert [report.deal_id for report in reports] == sorted(ids)
    assert {report.catalog_id for report in reports} == {sources[0].id}
    with pytest.raises(DealStoreError) as caught:
        client.get_source("src-0000000000000000")
    assert caught.value.code == StatusCode.NOT_FOUND


CSV = "Date,USD,JPY,\n2024-01-03,2.0000,150.5,\n2024-01-02,1.5,N/A,\n"


def test_fx_import_is_used_at_once_and_survives_a_restart(fresh_daemon: Callable[..., Daemon]) -> None:
    daemon = fresh_daemon()
    with daemon.connect(timeout=10) as client:
        assert client.get_fx_table().origin == "bundled"
        checked = client.import_fx_rates(CSV, source="test desk", validate_only=True)
        assert (checked.first_date, checked.last_date, checked.day_count) == ("2024-01-02", "2024-01-03", 2)
        assert client.get_fx_table().origin == "bundled"
        info = client.import_fx_rates(CSV, source="test desk", label="Desk rates", retrieved="2024-01-04")
        assert info.origin == "file" and info.label == "Desk rates, retrieved 2024-01-04"
        assert list(info.currencies) == ["EUR", "JPY", "USD"]
        # A EUR deal on 2024-01-03 totals USD 2 per EUR now.
        target = client.create_organization(model_pb2.Organization(id="fx-target", name="FX Target"))
        investor = client.create_organization(model_pb2.Organization(id="fx-investor", name="FX Investor"))
        deal = model_pb2.Deal(id="fx-deal", target_id=target.id, title="EUR round")
        deal.announced.year, deal.announced.month, deal.announced.day = 2024, 1, 3
        deal.announced.precision = model_pb2.DATE_PRECISION_DAY
        deal.amount.currency_code = "EUR"
        deal.amount.units = 10
        participation = deal.participations.add(investor_id=investor.id, role=model_pb2.INVESTOR_ROLE_LEAD)
        participation.committed.currency_code = "EUR"
        participation.committed.units = 10
        client.create_deal(deal)
        summary = client.summarize_deals("investor", normalize_to="USD", investor=investor.id)
        group = next(group for group in summary.groups if group.key == investor.id)
        assert group.normalized.committed.units == 20
        assert Decimal(group.normalized.rates[0].rate) == 2
        with pytest.raises(DealStoreError) as caught:
            client.import_fx_rates("Date,USD\n2024-01-02,1,09\n", source="test desk")
        assert caught.value.code == StatusCode.INVALID_ARGUMENT
        assert "line 2" in str(caught.value)
        with pytest.raises(DealStoreError) as caught:
            client.import_fx_rates("Date,USD\n2024-01-02,abc\n", source="test desk")
        assert "line 2, column 2 (USD)" in str(caught.value)
    daemon.stop()
    daemon.start()
    with daemon.connect(timeout=10) as client:
        after = client.get_fx_table()
        assert (after.origin, after.label) == ("file", "Desk rates, retrieved 2024-01-04")
