"""Issue 18 parts 3 and 5 through the Python package: company context, persons, merges and duplicates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2


def test_summaries_by_industry_and_country(client: dealstore.Client) -> None:
    by_industry = client.summarize_deals("industry", target="anthropic")
    assert [group.key for group in by_industry.groups] == ["artificial-intelligence"]
    by_country = client.summarize_deals("country", target="anthropic")
    assert [group.key for group in by_country.groups] == ["US"]


def test_angel_merge_and_duplicates(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    angel = client.create_organization(
        model_pb2.Organization(
            id=unique("angel"),
            name=unique("Angel"),
            kind=model_pb2.ORGANIZATION_KIND_PERSON,
            investor_types=[model_pb2.INVESTOR_TYPE_ANGEL],
        )
    )
    copy = client.create_organization(model_pb2.Organization(id=unique("dup"), name=unique("Dup")))
    target = client.create_organization(model_pb2.Organization(id=unique("target"), name=unique("Target")))
    for suffix in ("", "-2"):
        deal = model_pb2.Deal(id=unique("deal") + suffix, target_id=copy.id, title="Seed round")
        deal.announced.year = 2024
        deal.announced.month = 3
        deal.announced.precision = model_pb2.DATE_PRECISION_MONTH
        deal.participations.add(investor_id=angel.id, role=model_pb2.INVESTOR_ROLE_LEAD)
        client.create_deal(deal)
    found = client.find_duplicate_deals(target=copy.id)
    assert len(found.candidates) == 1
    assert "same investors" in found.candidates[0].reasons

    merged = client.merge_organizations(copy.id, target.id)
    assert list(merged.organization.merged_ids) == [copy.id]
    assert len(merged.updated_deal_ids) == 2
    assert client.get_organization(copy.id).id == target.id
    assert {deal.target_id for deal in client.list_deals(target=copy.id)} == {target.id}
    with pytest.raises(DealStoreError) as caught:
        client.merge_organizations(angel.id, target.id)
    assert caught.value.code == StatusCode.FAILED_PRECONDITION
