"""Issue 18 part 6 through the Python package: typed claims, claims on organizations, and the sources query."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2


def test_typed_claim_is_checked_against_the_record(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    target = client.create_organization(model_pb2.Organization(id=unique("target"), name=unique("Target")))
    investor = client.create_organization(model_pb2.Organization(id=unique("investor"), name=unique("Investor")))
    deal = model_pb2.Deal(id=unique("deal"), target_id=target.id, title="Series A")
    deal.amount.currency_code = "USD"
    deal.amount.units = 1000
    deal.participations.add(investor_id=investor.id, role=model_pb2.INVESTOR_ROLE_LEAD)
    deal.sources.add(id="ft", publisher=unique("Publisher"))
    claim = deal.disputed_claims.add(id="c1", field="amount", source_id="ft")
    claim.claimed.money.currency_code = "USD"
    claim.claimed.money.units = 2000
    stored = client.create_deal(deal)
    assert stored.participations[0].id == investor.id
    assert stored.disputed_claims[0].status == model_pb2.CLAIM_STATUS_OPEN
    assert stored.disputed_claims[0].accepted.money.units == 1000
    assert stored.disputed_claims[0].accepted_value == "USD 1000"

    stale = model_pb2.Deal()
    stale.CopyFrom(deal)
    stale.id = unique("stale")
    stale.disputed_claims[0].accepted.money.currency_code = "USD"
    stale.disputed_claims[0].accepted.money.units = 1500
    with pytest.raises(DealStoreError) as caught:
        client.create_deal(stale)
    assert caught.value.code == StatusCode.INVALID_ARGUMENT
    assert "disagrees with the record" in str(caught.value)

    wrong = model_pb2.Deal()
    wrong.CopyFrom(deal)
    wrong.id = unique("wrong")
    wrong.disputed_claims[0].field = "participations.committed"
    with pytest.raises(DealStoreError) as caught:
        client.create_deal(wrong)
    assert "does not say which element" in str(caught.value)

    reports = client.list_source_reports(deal.sources[0].publisher.upper())
    assert [report.deal_id for report in reports] == [deal.id]
    assert list(reports[0].claim_ids) == ["c1"]
    open_claims = client.list_conflicts(deal.id, status="open")
    assert [conflict.claim.id for conflict in open_claims] == ["c1"]
    assert client.list_conflicts(deal.id, status="resolved") == []


def test_claim_on_an_organization(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    organization = model_pb2.Organization(id=unique("org"), name=unique("Org"))
    organization.founded.year = 2015
    organization.founded.precision = model_pb2.DATE_PRECISION_YEAR
    organization.sources.add(id="ft", publisher="Financial Times")
    claim = organization.disputed_claims.add(id="founded-2014", field="founded", source_id="ft")
    claim.claimed.date.year = 2014
    claim.claimed.date.precision = model_pb2.DATE_PRECISION_YEAR
    claim.status = model_pb2.CLAIM_STATUS_RESOLVED
    claim.resolved_by = "analyst"
    stored = client.create_organization(organization)
    assert stored.disputed_claims[0].resolved_time_micros > 0
    conflicts = client.list_conflicts(organization_id=organization.id)
    assert [conflict.organization_id for conflict in conflicts] == [organization.id]
    assert conflicts[0].claim.accepted.date.year == 2015
