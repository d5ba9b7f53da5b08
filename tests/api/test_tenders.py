"""The tender register: drafting, validation, visibility, and the list's filters and sorting."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of, field_errors, tender_body


async def draft(world: World, actor: str = "procurement", **changes: Any) -> dict[str, Any]:
    """A draft tender created through the API."""
    return await world.create("/tenders", actor, tender_body(**changes))


async def test_a_new_tender_is_a_draft_in_canonical_form(world: World) -> None:
    deadline = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)
    created = await draft(
        world,
        reference=" nbc/2031/007 ",
        cpv_codes=["45000000-7", "45000000-7", "50232100-1"],
        currency="gbp",
        submission_deadline="2031-03-01T13:00:00+01:00",
    )
    assert created["reference"] == "NBC/2031/007"
    assert created["cpv_codes"] == ["45000000-7", "50232100-1"]
    assert created["currency"] == "GBP"
    assert datetime.fromisoformat(created["submission_deadline"]) == deadline
    assert created["estimated_value"] == "250000.00"
    assert (created["status"], created["bid_count"], created["version"]) == ("draft", 0, 1)
    assert created["published_at"] is None
    assert created["organisation_id"] == str(world.organisation.id)
    fetched = await world.get(f"/tenders/{created['id']}", "finance")
    assert fetched.json() == created


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cpv_codes": ["4500000-7"]}, "cpv_codes.0"),
        ({"cpv_codes": ["45000000-7", "45000000"]}, "cpv_codes.1"),
        ({"estimated_value": "0"}, "estimated_value"),
        ({"estimated_value": "-100.00"}, "estimated_value"),
        ({"estimated_value": "10.005"}, "estimated_value"),
        ({"submission_deadline": "2031-03-01T12:00:00"}, "submission_deadline"),
        ({"submission_deadline": "next Tuesday"}, "submission_deadline"),
        ({"reference": "no spaces allowed"}, "reference"),
        ({"currency": "pounds"}, "currency"),
        ({"title": " "}, "title"),
    ],
    ids=[
        "short cpv",
        "cpv without check digit",
        "zero value",
        "negative value",
        "fractions of a penny",
        "naive deadline",
        "unreadable deadline",
        "bad reference",
        "bad currency",
        "blank title",
    ],
)
async def test_a_bad_field_is_named(world: World, changes: dict[str, Any], field: str) -> None:
    response = await world.post("/tenders", "procurement", tender_body(**changes))
    assert set(field_errors(response)) == {field}


async def test_required_fields_are_named_when_missing(world: World) -> None:
    response = await world.post("/tenders", "procurement", {"description": "Only this"})
    assert set(field_errors(response)) == {
        "reference",
        "title",
        "estimated_value",
        "submission_deadline",
    }


async def test_a_reference_is_unique_within_an_organisation_only(world: World) -> None:
    await draft(world, reference="NBC/2026/001")
    clash = await world.post("/tenders", "procurement", tender_body(reference="nbc/2026/001"))
    assert set(field_errors(clash)) == {"reference"}
    assert (await draft(world, "other_procurement", reference="NBC/2026/001"))["id"]


@pytest.mark.parametrize(
    ("status", "own_bid", "visible"),
    [
        (TenderStatus.DRAFT, False, False),
        (TenderStatus.OPEN, False, True),
        (TenderStatus.CLOSED, False, False),
        (TenderStatus.CLOSED, True, True),
        (TenderStatus.CANCELLED, False, False),
    ],
    ids=["draft", "open", "closed", "closed with own bid", "cancelled"],
)
async def test_suppliers_see_open_tenders_and_those_they_bid_for(
    world: World, status: TenderStatus, own_bid: bool, visible: bool
) -> None:
    tender = await world.tender(status)
    if own_bid:
        await world.bid(tender, world.supplier)
    response = await world.get(f"/tenders/{tender.id}", "supplier")
    listed = (await world.get("/tenders", "supplier")).json()["items"]
    if visible:
        assert response.status_code == 200
        assert [t["id"] for t in listed] == [str(tender.id)]
    else:
        error_of(response, 404, "not_found")
        assert listed == []


async def test_editing_a_draft_bumps_its_version(world: World) -> None:
    created = await draft(world)
    path = f"/tenders/{created['id']}"
    response = await world.patch(
        path, "procurement", {"version": 1, "title": "Lighting", "estimated_value": "1.5"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["estimated_value"], body["version"]) == ("Lighting", "1.50", 2)
    assert body["reference"] == created["reference"]


async def test_an_edit_based_on_an_old_version_is_refused(world: World) -> None:
    path = f"/tenders/{(await draft(world))['id']}"
    assert (await world.patch(path, "procurement", {"version": 1, "title": "A"})).status_code == 200
    response = await world.patch(path, "procurement", {"version": 1, "title": "B"})
    assert error_of(response, 409, "stale_version")["extra"] == {"current_version": 2}
    assert (await world.get(path, "procurement")).json()["title"] == "A"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"reference": "TAKEN/1"}, "reference"), ({"title": None}, "title")],
    ids=["reference in use", "emptied title"],
)
async def test_an_edit_is_validated_like_a_new_tender(
    world: World, changes: dict[str, Any], field: str
) -> None:
    await draft(world, reference="TAKEN/1")
    path = f"/tenders/{(await draft(world, reference='MINE/1'))['id']}"
    response = await world.patch(path, "procurement", {"version": 1, **changes})
    assert set(field_errors(response)) == {field}


async def test_keeping_a_drafts_own_reference_is_no_clash(world: World) -> None:
    path = f"/tenders/{(await draft(world, reference='MINE/1'))['id']}"
    response = await world.patch(path, "procurement", {"version": 1, "reference": "mine/1"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "status", [s for s in TenderStatus if s is not TenderStatus.DRAFT], ids=str
)
@pytest.mark.parametrize(
    ("method", "body"), [("PATCH", {"version": 1, "title": "Changed"}), ("DELETE", None)]
)
async def test_only_a_draft_can_be_edited_or_discarded(
    world: World, status: TenderStatus, method: str, body: dict[str, Any] | None
) -> None:
    tender = await world.tender(status)
    response = await world.call(method, f"/tenders/{tender.id}", "procurement", body)
    assert error_of(response, 409, "tender_not_editable")["extra"] == {
        "current_status": status.value
    }


async def test_a_discarded_draft_is_gone(world: World) -> None:
    path = f"/tenders/{(await draft(world))['id']}"
    assert (await world.delete(path, "procurement")).status_code == 204
    error_of(await world.get(path, "procurement"), 404, "not_found")


async def test_the_bid_count_shows_live_bids_but_nothing_of_their_contents(world: World) -> None:
    tender = await world.tender(TenderStatus.OPEN)
    await world.bid(tender, world.supplier)
    bid = await world.bid(tender, world.rival)
    withdrawn = await world.post(f"/tenders/{tender.id}/bids/{bid.id}/withdraw", "rival")
    assert withdrawn.status_code == 200
    body = (await world.get(f"/tenders/{tender.id}", "evaluator")).json()
    assert body["bid_count"] == 1
    assert not {"bids", "price", "prices"} & set(body)


class TestTheList:
    """Paging, the status filter, text search and sorting."""

    @pytest.fixture
    async def register(self, world: World) -> dict[str, str]:
        """Five tenders in several states, plus one of another organisation; ids by reference."""
        made = {}
        for reference, title, status, days in [
            ("NBC/001", "Library roof repairs", TenderStatus.OPEN, 20),
            ("NBC/002", "Street lighting", TenderStatus.DRAFT, 10),
            ("NBC/003", "Parks maintenance", TenderStatus.OPEN, 30),
            ("LIB/004", "School meals", TenderStatus.CLOSED, 40),
            ("NBC/005", "Adult social care", TenderStatus.CANCELLED, 5),
        ]:
            tender = await world.tender(
                status, reference=reference, title=title, deadline_in=timedelta(days=days)
            )
            made[reference] = str(tender.id)
        await world.tender(TenderStatus.OPEN, other=True, reference="NBC/001")
        return made

    async def references(self, world: World, **params: Any) -> list[str]:
        """The references an officer's list shows, in order."""
        response = await world.get("/tenders", "procurement", **params)
        assert response.status_code == 200, response.text
        return [t["reference"] for t in response.json()["items"]]

    async def test_by_default_it_holds_the_organisations_tenders_newest_first(
        self, world: World, register: dict[str, str]
    ) -> None:
        page = (await world.get("/tenders", "procurement")).json()
        assert (page["total"], page["limit"], page["offset"]) == (5, 50, 0)
        assert [t["reference"] for t in page["items"]] == [
            "NBC/005",
            "LIB/004",
            "NBC/003",
            "NBC/002",
            "NBC/001",
        ]
        assert {t["id"] for t in page["items"]} == set(register.values())

    async def test_pages_are_slices_of_the_whole(
        self, world: World, register: dict[str, str]
    ) -> None:
        whole = await self.references(world, sort="reference")
        pages = [
            await self.references(world, sort="reference", limit=2, offset=n) for n in (0, 2, 4)
        ]
        assert [len(p) for p in pages] == [2, 2, 1]
        assert [reference for page in pages for reference in page] == whole
        beyond = (await world.get("/tenders", "procurement", offset=10)).json()
        assert (beyond["items"], beyond["total"]) == ([], 5)

    @pytest.mark.parametrize(
        ("status", "expected"),
        [("open", {"NBC/001", "NBC/003"}), ("draft", {"NBC/002"}), ("awarded", set())],
    )
    async def test_it_filters_by_status(
        self, world: World, register: dict[str, str], status: str, expected: set[str]
    ) -> None:
        page = (await world.get("/tenders", "procurement", status=status)).json()
        assert {t["reference"] for t in page["items"]} == expected
        assert page["total"] == len(expected)

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("lib", {"NBC/001", "LIB/004"}),  # title for one, reference for the other
            ("nbc/00", {"NBC/001", "NBC/002", "NBC/003", "NBC/005"}),
            ("STREET", {"NBC/002"}),
            ("zzz", set()),
        ],
    )
    async def test_it_searches_reference_and_title(
        self, world: World, register: dict[str, str], q: str, expected: set[str]
    ) -> None:
        assert set(await self.references(world, q=q)) == expected

    async def test_filters_combine(self, world: World, register: dict[str, str]) -> None:
        assert await self.references(world, q="nbc", status="open", sort="-reference") == [
            "NBC/003",
            "NBC/001",
        ]

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("reference", ["LIB/004", "NBC/001", "NBC/002", "NBC/003", "NBC/005"]),
            ("-reference", ["NBC/005", "NBC/003", "NBC/002", "NBC/001", "LIB/004"]),
            ("title", ["NBC/005", "NBC/001", "NBC/003", "LIB/004", "NBC/002"]),
            ("-title", ["NBC/002", "LIB/004", "NBC/003", "NBC/001", "NBC/005"]),
            ("submission_deadline", ["NBC/005", "NBC/002", "NBC/001", "NBC/003", "LIB/004"]),
            ("-submission_deadline", ["LIB/004", "NBC/003", "NBC/001", "NBC/002", "NBC/005"]),
            ("created_at", ["NBC/001", "NBC/002", "NBC/003", "LIB/004", "NBC/005"]),
            ("-created_at", ["NBC/005", "LIB/004", "NBC/003", "NBC/002", "NBC/001"]),
        ],
    )
    async def test_it_sorts(
        self, world: World, register: dict[str, str], sort: str, expected: list[str]
    ) -> None:
        assert await self.references(world, sort=sort) == expected

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"sort": "price"}, "sort"), ({"status": "lost"}, "status"), ({"q": "x" * 201}, "q")],
    )
    async def test_unknown_filters_are_named(
        self, world: World, params: dict[str, str], field: str
    ) -> None:
        response = await world.get("/tenders", "procurement", **params)
        assert set(field_errors(response)) == {field}
