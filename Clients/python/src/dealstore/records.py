"""Plain rows from records, for ``pandas.DataFrame(rows)`` or ``csv.DictWriter`` (no pandas dependency).

Every row of one kind has the same keys in the same order, so ``csv.DictWriter(f, fieldnames=rows[0])`` works.
Amounts are exact ``decimal.Decimal`` (``None`` when unset) with their currency in a column of its own, dates
are text by precision (``2023``, ``2023-09``, ``2023-Q3``, ``2023-09-15``), enums are the CLI's short names.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable

from dealstore import money
from dealstore._values import date_text, enum_name
from dealstore.v1 import model_pb2, query_pb2

Row = dict[str, str | int | decimal.Decimal | None]
"""One record as a flat dict."""

__all__ = ["Row", "deal_to_dict", "deals_to_rows", "organization_to_dict", "summary_to_rows"]


def _amount(value: model_pb2.Money) -> decimal.Decimal | None:
    return money.to_decimal(value) if value.currency_code else None


def deal_to_dict(deal: model_pb2.Deal) -> Row:
    """The scalar fields of a deal and a summary of its lists (investors, tranches, sources)."""
    lead = [p.investor_id for p in deal.participations if p.role == model_pb2.INVESTOR_ROLE_LEAD]
    return {
        "id": deal.id,
        "title": deal.title,
        "target_id": deal.target_id,
        "investor_ids": ",".join(p.investor_id for p in deal.participations),
        "lead_investor_id": ",".join(lead),
        "type": enum_name(model_pb2.DealType, deal.type),
        "status": enum_name(model_pb2.DealStatus, deal.status),
        "announced": date_text(deal.announced),
        "closed": date_text(deal.closed),
        "amount": _amount(deal.amount),
        "amount_currency": deal.amount.currency_code or None,
        "commitment_cap": _amount(deal.commitment_cap),
        "commitment_cap_currency": deal.commitment_cap.currency_code or None,
        "tranche_count": len(deal.tranches),
        "source_count": len(deal.sources),
        "disputed_claim_count": len(deal.disputed_claims),
        "notes": deal.notes,
        "etag": deal.meta.etag,
        "create_revision": deal.meta.create_revision,
        "update_revision": deal.meta.update_revision,
    }


def deals_to_rows(deals: Iterable[model_pb2.Deal]) -> list[Row]:
    """``deal_to_dict`` of each deal: ``pandas.DataFrame(deals_to_rows(client.list_deals()))``."""
    return [deal_to_dict(deal) for deal in deals]


def organization_to_dict(organization: model_pb2.Organization) -> Row:
    """The fields of an organization (aliases comma-joined, external ids as ``key=value`` pairs)."""
    return {
        "id": organization.id,
        "name": organization.name,
        "kind": enum_name(model_pb2.OrganizationKind, organization.kind),
        "aliases": ",".join(organization.aliases),
        "external_ids": ",".join(f"{k}={v}" for k, v in sorted(organization.external_ids.items())),
        "description": organization.description,
        "website": organization.website,
        "etag": organization.meta.etag,
        "update_revision": organization.meta.update_revision,
    }


def summary_to_rows(groups: Iterable[query_pb2.SummaryGroup]) -> list[Row]:
    """One row per group and currency of a SummarizeDeals answer (``deals totals`` as data)."""
    rows: list[Row] = []
    for group in groups:
        for total in group.totals or [query_pb2.CurrencyTotal()]:
            rows.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "deal_count": group.deal_count,
                    "currency": total.currency_code or None,
                    "committed": _amount(total.committed),
                    "funded": _amount(total.funded),
                    "committed_saturated": int(total.committed_saturated),
                    "funded_saturated": int(total.funded_saturated),
                }
            )
    return rows
