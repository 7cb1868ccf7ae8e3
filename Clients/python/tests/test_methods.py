"""Every method of the service through the blocking and the async faces, against the shared real dealsd."""

from __future__ import annotations

import asyncio
import csv
import decimal
import io
from collections.abc import Callable, Iterator

import pytest
from conftest import Daemon

import dealstore
from dealstore import DealStoreError, StatusCode, money, records
from dealstore.v1 import model_pb2, query_pb2

SEED_DEALS = {
    "amazon-anthropic-2023",
    "google-anthropic-2023-02",
    "google-anthropic-2023-10",
    "microsoft-openai-2019",
    "microsoft-openai-2023",
}


def make_organization(client: dealstore.Client, unique: Callable[[str], str]) -> str:
    created = client.create_organization(
        model_pb2.Organization(id=unique("org"), name=unique("Org"), kind=model_pb2.ORGANIZATION_KIND_COMPANY)
    )
    return created.id


def test_get_deal_and_not_found(client: dealstore.Client) -> None:
    deal = client.get_deal("amazon-anthropic-2023")
    assert deal.target_id == "anthropic"
    assert money.format_money(deal.amount) == "$1.25B"
    with pytest.raises(DealStoreError) as caught:
        client.get_deal("nope")
    assert caught.value.code == StatusCode.NOT_FOUND
    assert "nope" in caught.value.message
    assert "local" not in caught.value.details  # the server's answer, not the client's


def test_list_deals_walks_every_page_with_filters_and_order(client: dealstore.Client) -> None:
    assert SEED_DEALS <= {deal.id for deal in client.list_deals(page_size=2)}
    # `deals list --investor Amazon --since 2023 --min 1B --sort -amount`
    found = list(client.list_deals(investor="Amazon", announced_from="2023", min_amount="1B", order_by="amount desc"))
    assert [deal.id for deal in found] == ["amazon-anthropic-2023"]
    google = list(client.list_deals(investor=["google"], status="closed", order_by="announced"))
    assert [deal.id for deal in google] == ["google-anthropic-2023-02"]


def test_bad_filter_values_are_refused_before_sending(client: dealstore.Client) -> None:
    with pytest.raises(DealStoreError) as caught:
        list(client.list_deals(status="finished"))
    assert caught.value.code == StatusCode.INVALID_ARGUMENT
    assert "rumored, announced, closed, cancelled" in caught.value.message
    with pytest.raises(DealStoreError, match="is not a date"):
        list(client.list_deals(announced_from="last year"))


def test_summarize_deals_reproduces_deals_totals_by_investor(client: dealstore.Client) -> None:
    groups = client.summarize_deals(group_by="investor", investor=["amazon", "google", "microsoft"]).groups
    table = {
        g.label: (g.deal_count, money.format_money(g.totals[0].committed), money.format_money(g.totals[0].funded))
        for g in groups
    }
    assert table["Microsoft"] == (2, "$11B", "$0")
    assert table["Amazon"] == (1, "$4B", "$4B")
    assert table["Google"] == (2, "$2.3B", "$800M")
    rows = records.summary_to_rows(groups)
    assert {row["label"] for row in rows} >= {"Microsoft", "Amazon", "Google"}


def test_read_only_queries(client: dealstore.Client) -> None:
    top = client.top_deals(2, target="openai")
    assert [deal.id for deal in top] == ["microsoft-openai-2023", "microsoft-openai-2019"]
    co = client.list_co_investors("google")
    assert [c.organization_id for c in co.co_investors] == ["amazon"]
    timeline = client.get_timeline("Anthropic")
    assert timeline.organization_id == "anthropic" and len(timeline.events) >= 6
    conflicts = client.list_conflicts(page_size=1)
    assert {c.deal_id for c in conflicts} >= {"amazon-anthropic-2023", "microsoft-openai-2023"}
    assert [c.deal_id for c in client.list_conflicts("microsoft-openai-2023")] == ["microsoft-openai-2023"]
    assert client.health().status == 1  # SERVING
    info = client.server_info()
    assert info.caller_role == "admin" and "/dealstore.v1.Deals/GetDeal" in info.methods


def test_deal_lifecycle_with_update_mask_and_etag(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    target = make_organization(client, unique)
    deal = model_pb2.Deal(
        id=unique("deal"),
        target_id=target,
        title="Seed round",
        type=model_pb2.DEAL_TYPE_SEED,
        status=model_pb2.DEAL_STATUS_ANNOUNCED,
        amount=money.parse("2.5M"),
        participations=[model_pb2.Participation(investor_id="google")],
    )
    assert client.create_deal(deal, validate_only=True).id == deal.id
    with pytest.raises(DealStoreError) as missing:
        client.get_deal(deal.id)
    assert missing.value.code == StatusCode.NOT_FOUND  # validate_only stored nothing
    created = client.create_deal(deal)
    with pytest.raises(DealStoreError) as twice:
        client.create_deal(deal)
    assert twice.value.code == StatusCode.ALREADY_EXISTS

    change = model_pb2.Deal(id=deal.id, status=model_pb2.DEAL_STATUS_CLOSED, title="ignored: not in the mask")
    updated = client.update_deal(change, ["status"], etag=created.meta.etag)
    assert updated.status == model_pb2.DEAL_STATUS_CLOSED and updated.title == "Seed round"
    with pytest.raises(DealStoreError) as stale:
        client.update_deal(change, ["status"], etag=created.meta.etag)
    assert stale.value.code == StatusCode.ABORTED
    with pytest.raises(DealStoreError) as referenced:
        client.delete_organization(target)
    assert referenced.value.code == StatusCode.FAILED_PRECONDITION

    revision = client.delete_deal(deal.id, etag=updated.meta.etag)
    assert revision > updated.meta.update_revision
    client.delete_organization(target)


def test_organization_methods(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    name = unique("Acme Labs")
    created = client.create_organization(model_pb2.Organization(name=name, kind=model_pb2.ORGANIZATION_KIND_AI_LAB))
    assert created.id.startswith("acme-labs")
    assert client.get_organization(name).id == created.id  # by name, case-insensitively
    renamed = client.update_organization(
        model_pb2.Organization(id=created.id, aliases=["acme"]), ["aliases"], etag=created.meta.etag
    )
    assert list(renamed.aliases) == ["acme"] and renamed.name == name
    listed = [org.id for org in client.list_organizations(kind="ai-lab", page_size=1)]
    assert created.id in listed and "anthropic" in listed
    assert client.delete_organization(created.id, etag=renamed.meta.etag) > 0
    with pytest.raises(DealStoreError) as gone:
        client.get_organization(created.id)
    assert gone.value.code == StatusCode.NOT_FOUND


def test_records_become_plain_rows(client: dealstore.Client) -> None:
    rows = records.deals_to_rows(client.list_deals(investor="amazon"))
    assert rows[0]["id"] == "amazon-anthropic-2023"
    assert rows[0]["amount"] == decimal.Decimal("1250000000")
    assert rows[0]["type"] == "corporate-strategic" and rows[0]["announced"] == "2023-09"
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert "amazon-anthropic-2023" in output.getvalue()
    org = records.organization_to_dict(client.get_organization("anthropic"))
    assert org["name"] == "Anthropic"


def test_import_then_export_stream_both_ways_past_the_flow_control_windows(
    daemon: Daemon, unique: Callable[[str], str]
) -> None:
    """480 KB each way: past the server's 128 KiB window (import) and this client's 64 KiB one (export), so both
    sides must grant credit with WINDOW_UPDATE or the calls stall."""
    with daemon.connect(timeout=20, receive_window=65536, max_frame_size=65536) as client:
        target = make_organization(client, unique)
        tag = unique("bulk")
        notes = "x" * 40_000

        def generate() -> Iterator[model_pb2.Deal]:
            for index in range(12):
                yield model_pb2.Deal(id=f"{tag}-{index}", target_id=target, title=tag, notes=notes)

        result = client.import_deals(generate())  # streamed as produced, the last held back for END_STREAM
        assert (result.created, result.skipped, len(result.rejected)) == (12, 0, 0)
        connection = client.connection
        assert connection is not None and connection.window_updates_received > 0
        again = client.import_deals([model_pb2.Deal(id=f"{tag}-0", target_id=target, title="other")])
        assert (again.created, again.skipped) == (0, 1)
        replaced = client.import_deals(
            [model_pb2.Deal(id=f"{tag}-0", target_id=target, title=tag, notes=notes)], replace=True
        )
        assert replaced.updated == 1

        exported = [
            record for record in client.export_deals(query=tag, timeout=20) if record.WhichOneof("record") == "deal"
        ]
        assert len(exported) == 12
        assert sum(len(record.deal.notes) for record in exported) == 12 * 40_000
        assert connection.window_updates_sent > 0 and connection.open_streams == 0


def test_a_response_larger_than_this_clients_frame_limit_ends_that_call_only(
    daemon: Daemon, client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    big = client.create_deal(model_pb2.Deal(id=unique("big"), target_id="anthropic", notes="y" * 20_000))
    with daemon.connect(max_frame_size=16_384, receive_window=16_384) as small:
        with pytest.raises(DealStoreError) as caught:
            small.get_deal(big.id)
        assert caught.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert small.get_deal("amazon-anthropic-2023").id == "amazon-anthropic-2023"


def test_invalid_import_records_are_reported_not_raised(client: dealstore.Client, unique: Callable[[str], str]) -> None:
    result = client.import_deals([model_pb2.Deal(id=unique("bad"), target_id="no-such-organization")])
    assert result.created == 0 and len(result.rejected) == 1 and result.rejected[0].index == 0
    with pytest.raises(DealStoreError, match="takes Deal, Organization or DealRecord"):
        client.import_deals(["not a record"])  # type: ignore[list-item]


def test_empty_import_ends_with_headers_alone(client: dealstore.Client) -> None:
    assert client.import_deals([]).created == 0


def test_a_request_larger_than_the_servers_frame_is_refused_locally(
    client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    with pytest.raises(DealStoreError) as caught:
        client.create_deal(model_pb2.Deal(id=unique("huge"), target_id="anthropic", notes="x" * 70_000))
    assert caught.value.code == StatusCode.RESOURCE_EXHAUSTED and "max_frame_size" in caught.value.message
    assert client.get_deal("amazon-anthropic-2023").id  # the connection is fine


def test_watch_replays_then_streams_live_changes(
    daemon: Daemon, client: dealstore.Client, unique: Callable[[str], str]
) -> None:
    start = client.server_info().store_revision
    first = make_organization(client, unique)
    with client.watch_deals(start, include_organizations=True, timeout=20) as watch:
        replayed = next(watch)
        assert replayed.kind == query_pb2.CHANGE_KIND_CREATED and replayed.record.organization.id == first
        second = make_organization(client, unique)
        live = next(watch)
        assert live.record.organization.id == second and live.revision > replayed.revision


def test_watch_health_streams_the_status(client: dealstore.Client) -> None:
    with client.watch_health(timeout=20) as stream:
        assert next(stream).status == 1


def test_many_concurrent_calls_share_one_connection_beyond_the_stream_limit(daemon: Daemon) -> None:
    async def main() -> None:
        async with await daemon.connect_async() as client:
            deals = await asyncio.gather(*(client.get_deal("microsoft-openai-2019") for _ in range(300)))
            assert {deal.id for deal in deals} == {"microsoft-openai-2019"}
            connection = client.connection
            assert connection is not None and connection.max_streams == 100  # 300 calls queued through 100 slots
            ids = [deal.id async for deal in client.list_deals(page_size=1, target="openai")]
            assert ids == ["microsoft-openai-2019", "microsoft-openai-2023"]
            exported = [r async for r in client.export_deals(target="openai", timeout=20)]
            assert len([r for r in exported if r.WhichOneof("record") == "deal"]) == 2
            assert connection is client.connection  # still the one connection

    asyncio.run(main())


def test_a_paused_stream_does_not_block_other_calls(daemon: Daemon, client: dealstore.Client) -> None:
    with client.export_deals(timeout=20) as export:
        next(export)  # read one record, then leave the rest waiting
        assert client.get_deal("amazon-anthropic-2023").id == "amazon-anthropic-2023"
        assert len(list(client.list_deals(investor="amazon"))) == 1
