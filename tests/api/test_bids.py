"""Bids: one per supplier, sealed from everyone but their supplier until the tender closes."""

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Bid, Tender
from tests.api.conftest import STAFF_ACTORS, World, error_of, field_errors
from tests.factories import make_evaluator

RECEIPT_FIELDS = {"id", "tender_id", "status", "received_at", "sealed"}


class Change(StrEnum):
    """The two ways a supplier changes its bid."""

    REPLACE = "replace"
    WITHDRAW = "withdraw"

    async def make(
        self, world: World, tender: Tender, bid: Bid, actor: str, version: int = 1
    ) -> httpx.Response:
        """Replace the bid (sending `version`) or withdraw it, as the actor."""
        path = bid_path(tender, bid)
        if self is Change.REPLACE:
            return await world.put(path, actor, {"price": "1.00", "version": version})
        return await world.post(path + "/withdraw", actor)


def bids_of(tender: Tender) -> str:
    """The bids path of a tender."""
    return f"/tenders/{tender.id}/bids"


def bid_path(tender: Tender, bid: Bid | dict[str, Any]) -> str:
    """The path of one bid."""
    bid_id = bid["id"] if isinstance(bid, dict) else bid.id
    return f"{bids_of(tender)}/{bid_id}"


@pytest.fixture
async def tender(world: World) -> Tender:
    """An open tender, two weeks from its deadline, whose evaluator has declared no interest
    (so bids are kept from them only by the seal)."""
    tender = await world.tender(TenderStatus.OPEN)
    async with world.sessions() as session:
        await make_evaluator(session, tender, world.users["evaluator"], submitted=False)
    return tender


@pytest.fixture
async def sealed(world: World, tender: Tender) -> tuple[Bid, Bid]:
    """The supplier's and the rival's bids on the open tender."""
    mine = await world.bid(tender, world.supplier, "95000.00")
    return mine, await world.bid(tender, world.rival, "87500.50")


async def close(world: World, tender: Tender) -> None:
    """Close the tender early, which unseals its bids."""
    response = await world.post(f"/tenders/{tender.id}/close", "procurement", {"reason": "Done"})
    assert response.status_code == 200, response.text


class TestSubmitting:
    """A supplier bids for itself; an officer records a bid received another way."""

    async def test_a_supplier_submits_its_own_sealed_bid(
        self, world: World, tender: Tender
    ) -> None:
        response = await world.post(bids_of(tender), "supplier", {"price": "95000"})
        assert response.status_code == 201
        bid = response.json()
        assert bid["price"] == "95000.00"
        assert (bid["supplier_id"], bid["supplier_name"]) == (
            str(world.supplier.id),
            "Acme Lighting Ltd",
        )
        assert (bid["status"], bid["channel"], bid["currency"]) == ("submitted", "portal", "GBP")
        assert (bid["sealed"], bid["version"], bid["withdrawn_at"]) == (True, 1, None)
        assert bid["received_at"] == bid["first_received_at"]

    async def test_a_supplier_bids_once(self, world: World, tender: Tender) -> None:
        first = await world.post(bids_of(tender), "supplier", {"price": "95000"})
        second = await world.post(bids_of(tender), "supplier", {"price": "90000"})
        body = error_of(second, 409, "bid_exists")
        assert body["extra"] == {"bid_id": first.json()["id"]}

    @pytest.mark.parametrize("whose", ["rival", "supplier"])
    async def test_a_supplier_cannot_name_the_supplier_it_bids_for(
        self, world: World, tender: Tender, whose: str
    ) -> None:
        named = getattr(world, whose)
        body = {"price": "1.00", "supplier_id": str(named.id)}
        error_of(await world.post(bids_of(tender), "supplier", body), 403, "role_forbidden")
        assert (await world.get(bids_of(tender), "procurement")).json()["total"] == 0

    async def test_an_officer_records_a_bid_for_a_supplier(
        self, world: World, tender: Tender
    ) -> None:
        body = {"supplier_id": str(world.rival.id), "price": "70000.00"}
        response = await world.post(bids_of(tender), "procurement", body)
        assert response.status_code == 201
        recorded = response.json()
        assert (recorded["supplier_id"], recorded["channel"]) == (str(world.rival.id), "recorded")
        # The supplier sees it as its own bid, and can change it.
        own = await world.get(bid_path(tender, recorded), "rival")
        assert (own.status_code, own.json()["price"]) == (200, "70000.00")
        again = await world.post(bids_of(tender), "rival", {"price": "1.00"})
        error_of(again, 409, "bid_exists")

    @pytest.mark.parametrize("which", ["other_supplier", "unknown"])
    async def test_an_officer_records_bids_only_for_the_organisations_suppliers(
        self, world: World, tender: Tender, which: str
    ) -> None:
        supplier_id = world.other_supplier.id if which == "other_supplier" else uuid.uuid4()
        body = {"supplier_id": str(supplier_id), "price": "70000.00"}
        response = await world.post(bids_of(tender), "procurement", body)
        assert set(field_errors(response)) == {"supplier_id"}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"price": "0"}, "price"),
            ({"price": "-5.00"}, "price"),
            ({"price": "12.345"}, "price"),
            ({"price": "a lot"}, "price"),
            ({}, "price"),
            ({"price": "1.00", "discount": "5%"}, "discount"),
        ],
        ids=["zero", "negative", "fractions of a penny", "not a number", "missing", "unknown"],
    )
    async def test_a_bad_bid_is_refused_naming_the_field(
        self, world: World, tender: Tender, body: dict[str, Any], field: str
    ) -> None:
        response = await world.post(bids_of(tender), "supplier", body)
        assert set(field_errors(response)) == {field}

    @pytest.mark.parametrize(
        "status",
        [TenderStatus.DRAFT, TenderStatus.CLOSED, TenderStatus.EVALUATING, TenderStatus.CANCELLED],
        ids=str,
    )
    async def test_bids_are_taken_only_while_a_tender_is_open(
        self, world: World, status: TenderStatus
    ) -> None:
        tender = await world.tender(status)
        body = {"supplier_id": str(world.supplier.id), "price": "1.00"}
        response = await world.post(bids_of(tender), "procurement", body)
        assert error_of(response, 409, "tender_not_open")["extra"] == {
            "current_status": status.value
        }

    async def test_a_supplier_cannot_bid_for_a_draft_it_cannot_see(self, world: World) -> None:
        tender = await world.tender(TenderStatus.DRAFT)
        error_of(await world.post(bids_of(tender), "supplier", {"price": "1"}), 404, "not_found")

    @pytest.mark.parametrize("actor", ["supplier", "procurement"])
    async def test_no_bid_is_taken_after_the_deadline(self, world: World, actor: str) -> None:
        tender = await world.tender(TenderStatus.OPEN, deadline_in=timedelta(seconds=-1))
        body = {"price": "1.00"}
        if actor == "procurement":
            body["supplier_id"] = str(world.supplier.id)
        error_of(await world.post(bids_of(tender), actor, body), 409, "deadline_passed")


class TestSealing:
    """Until the tender closes, only a bid's own supplier may see what it offers."""

    @pytest.mark.parametrize("actor", STAFF_ACTORS)
    async def test_staff_cannot_open_a_bid_before_the_tender_closes(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], actor: str
    ) -> None:
        body = error_of(await world.get(bid_path(tender, sealed[0]), actor), 403, "bid_sealed")
        assert "95000" not in str(body)

    async def test_another_supplier_cannot_even_find_a_bid(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        error_of(await world.get(bid_path(tender, sealed[0]), "rival"), 404, "not_found")

    async def test_another_organisation_cannot_find_a_bid(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        response = await world.get(bid_path(tender, sealed[0]), "other_procurement")
        error_of(response, 404, "not_found")

    async def test_a_supplier_reads_its_own_bid(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        response = await world.get(bid_path(tender, sealed[1]), "rival")
        assert response.status_code == 200
        assert (response.json()["price"], response.json()["sealed"]) == ("87500.50", True)

    @pytest.mark.parametrize("actor", STAFF_ACTORS)
    async def test_staff_see_only_receipts_while_sealed(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], actor: str
    ) -> None:
        page = (await world.get(bids_of(tender), actor)).json()
        assert (page["total"], page["receipts_only"]) == (2, True)
        assert [item["id"] for item in page["items"]] == [str(bid.id) for bid in sealed]
        for receipt in page["items"]:
            assert set(receipt) == RECEIPT_FIELDS  # no price, no supplier
            assert (receipt["status"], receipt["sealed"]) == ("submitted", True)

    @pytest.mark.parametrize("closed", [False, True], ids=["sealed", "closed"])
    async def test_a_supplier_lists_only_its_own_bid(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], closed: bool
    ) -> None:
        if closed:
            await close(world, tender)
        page = (await world.get(bids_of(tender), "supplier")).json()
        assert page["total"] == 1
        assert [(b["id"], b["price"]) for b in page["items"]] == [(str(sealed[0].id), "95000.00")]
        if closed:
            error_of(await world.get(bid_path(tender, sealed[1]), "supplier"), 404, "not_found")

    @pytest.mark.parametrize("actor", STAFF_ACTORS)
    async def test_closing_the_tender_unseals_every_bid_for_staff(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], actor: str
    ) -> None:
        await close(world, tender)
        page = (await world.get(bids_of(tender), actor)).json()
        assert page["receipts_only"] is False
        prices = {b["supplier_name"]: (b["price"], b["sealed"]) for b in page["items"]}
        assert prices == {
            "Acme Lighting Ltd": ("95000.00", False),
            "Borough Builders Ltd": ("87500.50", False),
        }
        one = await world.get(bid_path(tender, sealed[1]), actor)
        assert (one.status_code, one.json()["price"]) == (200, "87500.50")

    async def test_bids_of_a_cancelled_tender_stay_sealed(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        cancel = await world.post(f"/tenders/{tender.id}/cancel", "procurement", {"reason": "No"})
        assert cancel.status_code == 200
        error_of(await world.get(bid_path(tender, sealed[0]), "procurement"), 403, "bid_sealed")

    async def test_an_unknown_bid_or_a_bid_under_another_tender_is_not_found(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        elsewhere = await world.tender(TenderStatus.OPEN)
        await close(world, tender)
        for path in [f"{bids_of(tender)}/{uuid.uuid4()}", bid_path(elsewhere, sealed[0])]:
            error_of(await world.get(path, "procurement"), 404, "not_found")


class TestChanging:
    """Before the deadline a supplier may replace or withdraw its own bid."""

    async def test_a_replacement_takes_the_new_price_and_arrival_time(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        path = bid_path(tender, sealed[0])
        response = await world.put(path, "supplier", {"price": "93000.00", "version": 1})
        assert response.status_code == 200
        bid = response.json()
        assert (bid["price"], bid["version"], bid["status"]) == ("93000.00", 2, "submitted")
        received = datetime.fromisoformat(bid["received_at"])
        assert received > datetime.fromisoformat(bid["first_received_at"])

    async def test_a_replacement_based_on_an_old_version_is_refused(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        path = bid_path(tender, sealed[0])
        assert (await world.put(path, "supplier", {"price": "1", "version": 1})).status_code == 200
        stale = await world.put(path, "supplier", {"price": "2", "version": 1})
        assert error_of(stale, 409, "stale_version")["extra"] == {"current_version": 2}
        assert (await world.get(path, "supplier")).json()["price"] == "1.00"

    @pytest.mark.parametrize("change", Change)
    async def test_a_supplier_cannot_change_another_suppliers_bid(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], change: Change
    ) -> None:
        error_of(await change.make(world, tender, sealed[0], "rival"), 404, "not_found")
        own = await world.get(bid_path(tender, sealed[0]), "supplier")
        assert (own.json()["price"], own.json()["status"]) == ("95000.00", "submitted")

    @pytest.mark.parametrize("change", Change)
    @pytest.mark.parametrize(
        ("deadline_in", "closed", "code"),
        [
            (timedelta(seconds=-1), False, "deadline_passed"),
            (timedelta(days=1), True, "tender_not_open"),
        ],
        ids=["deadline passed", "closed"],
    )
    async def test_a_bid_is_fixed_once_the_deadline_passes_or_the_tender_closes(
        self, world: World, change: Change, deadline_in: timedelta, closed: bool, code: str
    ) -> None:
        tender = await world.tender(TenderStatus.OPEN, deadline_in=deadline_in)
        bid = await world.bid(tender, world.supplier)
        if closed:
            await close(world, tender)
        error_of(await change.make(world, tender, bid, "supplier"), 409, code)

    async def test_a_withdrawn_bid_stays_on_record_and_no_longer_counts(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        response = await world.post(bid_path(tender, sealed[0]) + "/withdraw", "supplier")
        assert response.status_code == 200
        bid = response.json()
        assert (bid["status"], bid["version"]) == ("withdrawn", 2)
        assert bid["withdrawn_at"] is not None
        receipts = (await world.get(bids_of(tender), "procurement")).json()["items"]
        assert [r["status"] for r in receipts] == ["withdrawn", "submitted"]
        assert (await world.get(f"/tenders/{tender.id}", "procurement")).json()["bid_count"] == 1

    @pytest.mark.parametrize("change", Change)
    async def test_a_withdrawn_bid_cannot_be_changed(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid], change: Change
    ) -> None:
        withdrawn = await Change.WITHDRAW.make(world, tender, sealed[0], "supplier")
        assert withdrawn.status_code == 200
        response = await change.make(world, tender, sealed[0], "supplier", version=2)
        error_of(response, 409, "bid_withdrawn")

    async def test_a_supplier_may_bid_again_after_withdrawing(
        self, world: World, tender: Tender, sealed: tuple[Bid, Bid]
    ) -> None:
        path = bid_path(tender, sealed[0])
        assert (await world.post(path + "/withdraw", "supplier")).status_code == 200
        response = await world.post(bids_of(tender), "supplier", {"price": "99000.00"})
        assert response.status_code == 201
        bid = response.json()
        assert bid["id"] == str(sealed[0].id)  # still one bid per supplier
        assert (bid["status"], bid["price"], bid["withdrawn_at"]) == ("submitted", "99000.00", None)
