"""/api/v1/capital-projects: schemes whose funding and yearly profile add up to the budget,
unique codes, versions, roles, tenant isolation, linked contracts, deletion and bad input."""

import uuid
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import AuditEvent, Tender
from tests.api.conftest import World, error_of, field_errors
from tests.capital_factories import awarded_tender, make_payments, project_body
from tests.factories import make_user, token_for

PATH = "/capital-projects"


async def add(world: World, actor: str = "finance", **changes: Any) -> dict[str, Any]:
    """A scheme created through the API."""
    return await world.create(PATH, actor, project_body(**changes))


async def contract(world: World, **options: Any) -> Tender:
    """A tender of the home organisation awarded to its supplier."""
    async with world.sessions() as session:
        return await awarded_tender(
            session, world.organisation, world.users["procurement"], world.supplier, **options
        )


@pytest.fixture
async def other_finance(world: World) -> str:
    """A finance officer of the other organisation, who keeps its own programme."""
    async with world.sessions() as session:
        user = await make_user(session, world.other_organisation, Role.FINANCE)
        world.tokens["other_finance"] = await token_for(session, user)
    return "other_finance"


async def test_a_new_scheme_is_stored_with_its_funding_and_profile(world: World) -> None:
    created = await add(world, code=" cap-001 ", approved_budget="100000")
    assert created["code"] == "CAP-001"
    assert created["organisation_id"] == str(world.organisation.id)
    assert created["approved_budget"] == "100000.00"
    assert created["forecast_outturn"] == "100000.00"  # the budget, when not given
    assert created["funding"] == [
        {"source": "borrowing", "amount": "60000.00"},
        {"source": "government_grants", "amount": "40000.00"},
    ]
    assert created["profile"] == [
        {"financial_year": 2026, "label": "2026/27", "amount": "70000.00"},
        {"financial_year": 2027, "label": "2027/28", "amount": "30000.00"},
    ]
    assert (created["status"], created["tender_ids"], created["version"]) == ("approved", [], 1)
    fetched = await world.get(f"{PATH}/{created['id']}", "procurement")
    assert fetched.json() == created


@pytest.mark.parametrize(
    ("funding", "message"),
    [
        (
            [{"source": "borrowing", "amount": "95000.00"}],
            "The funding sources add up to £95,000.00, £5,000.00 less than the approved budget "
            "of £100,000.00",
        ),
        (
            [
                {"source": "borrowing", "amount": "60000.00"},
                {"source": "other", "amount": "40000.01"},
            ],
            "The funding sources add up to £100,000.01, £0.01 more than the approved budget "
            "of £100,000.00",
        ),
        (
            [],
            "The funding sources add up to £0.00, £100,000.00 less than the approved budget "
            "of £100,000.00",
        ),
    ],
    ids=["short", "a penny over", "none"],
)
async def test_funding_must_add_up_to_the_budget_exactly(
    world: World, funding: list[dict[str, str]], message: str
) -> None:
    response = await world.post(PATH, "finance", project_body(funding=funding))
    assert field_errors(response) == {"funding": message}


async def test_the_yearly_profile_must_add_up_to_the_budget(world: World) -> None:
    profile = [{"financial_year": 2026, "amount": "99999.99"}]
    response = await world.post(PATH, "finance", project_body(profile=profile))
    assert field_errors(response) == {
        "profile": "The yearly budgets add up to £99,999.99, £0.01 less than the approved "
        "budget of £100,000.00"
    }


async def test_every_broken_rule_is_named_at_once(world: World) -> None:
    body = project_body(
        start_date="2027-04-01",
        end_date="2027-03-31",
        funding=[
            {"source": "borrowing", "amount": "50000.00"},
            {"source": "borrowing", "amount": "50000.00"},
        ],
        profile=[
            {"financial_year": 2026, "amount": "50000.00"},
            {"financial_year": 2026, "amount": "40000.00"},
        ],
    )
    errors = field_errors(await world.post(PATH, "finance", body))
    assert errors == {
        "end_date": "The end date must be on or after the start date",
        "funding.1.source": "Borrowing is listed twice; give each source once",
        "profile.1.financial_year": "2026/27 is listed twice; give each financial year once",
        "profile": "The yearly budgets add up to £90,000.00, £10,000.00 less than the approved "
        "budget of £100,000.00",
    }


async def test_a_zero_budget_proposal_needs_no_funding_or_profile(world: World) -> None:
    created = await add(
        world, status="proposed", approved_budget="0", funding=[], profile=[], start_date=None
    )
    assert (created["approved_budget"], created["funding"], created["profile"]) == ("0.00", [], [])


async def test_a_code_is_used_once_per_organisation(world: World, other_finance: str) -> None:
    await add(world, code="CAP-001")
    clash = await world.post(PATH, "finance", project_body(code="cap-001"))
    assert field_errors(clash) == {"code": "Another scheme already has this code"}
    # Another council keeps its own programme.
    assert (await add(world, other_finance, code="CAP-001"))["code"] == "CAP-001"
    second = await add(world, code="CAP-002")
    renamed = await world.patch(
        f"{PATH}/{second['id']}", "finance", {"version": 1, "code": "CAP-001"}
    )
    assert field_errors(renamed) == {"code": "Another scheme already has this code"}


async def test_a_change_needs_the_version_read_and_bumps_it(world: World) -> None:
    created = await add(world)
    path = f"{PATH}/{created['id']}"
    changed = await world.patch(path, "finance", {"version": 1, "forecast_outturn": "112000"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["forecast_outturn"], changed.json()["version"]) == ("112000.00", 2)
    assert changed.json()["funding"] == created["funding"]  # lists not sent are kept
    stale = await world.patch(path, "finance", {"version": 1, "name": "Lost update"})
    assert error_of(stale, 409, "stale_version")["extra"] == {"current_version": 2}
    assert (await world.get(path, "finance")).json()["name"] == created["name"]


async def test_a_new_budget_must_come_with_funding_and_profile_that_match_it(
    world: World,
) -> None:
    path = f"{PATH}/{(await add(world))['id']}"
    alone = await world.patch(path, "finance", {"version": 1, "approved_budget": "120000"})
    assert set(field_errors(alone)) == {"funding", "profile"}
    together = await world.patch(
        path,
        "finance",
        {
            "version": 1,
            "approved_budget": "120000",
            "funding": [{"source": "capital_receipts", "amount": "120000"}],
            "profile": [{"financial_year": 2028, "amount": "120000"}],
        },
    )
    assert together.status_code == 200, together.text
    body = together.json()
    assert body["funding"] == [{"source": "capital_receipts", "amount": "120000.00"}]
    assert [(p["label"], p["amount"]) for p in body["profile"]] == [("2028/29", "120000.00")]


@pytest.mark.parametrize(
    "change",
    [{"name": None}, {"approved_budget": None}, {"funding": None}, {"status": None}],
    ids=["name", "budget", "funding", "status"],
)
async def test_a_required_field_cannot_be_cleared(world: World, change: dict[str, Any]) -> None:
    path = f"{PATH}/{(await add(world))['id']}"
    response = await world.patch(path, "finance", {"version": 1, **change})
    assert set(field_errors(response)) == set(change)


async def test_dates_can_be_cleared(world: World) -> None:
    path = f"{PATH}/{(await add(world))['id']}"
    response = await world.patch(path, "finance", {"version": 1, "start_date": None})
    assert response.status_code == 200, response.text
    assert (response.json()["start_date"], response.json()["end_date"]) == (None, "2028-03-31")


@pytest.mark.parametrize("reader", ["finance", "procurement", "admin"])
async def test_finance_procurement_and_administrators_read_schemes(
    world: World, reader: str
) -> None:
    created = await add(world)
    assert (await world.get(PATH, reader)).json()["total"] == 1
    assert (await world.get(f"{PATH}/{created['id']}", reader)).status_code == 200
    assert (await world.get(f"{PATH}/{created['id']}/figures", reader)).status_code == 200
    assert (await world.get("/capital-programme/figures", reader)).status_code == 200


@pytest.mark.parametrize("outsider", ["evaluator", "supplier"])
async def test_other_roles_cannot_read_schemes(world: World, outsider: str) -> None:
    created = await add(world)
    for path in (
        PATH,
        f"{PATH}/{created['id']}",
        f"{PATH}/{created['id']}/figures",
        "/capital-programme/figures",
    ):
        error_of(await world.get(path, outsider), 403, "role_forbidden")


@pytest.mark.parametrize("actor", ["procurement", "admin", "evaluator", "supplier"])
async def test_only_finance_changes_schemes(world: World, actor: str) -> None:
    created = await add(world)
    path = f"{PATH}/{created['id']}"
    error_of(await world.post(PATH, actor, project_body(code="CAP-009")), 403, "role_forbidden")
    error_of(await world.patch(path, actor, {"version": 1, "name": "X"}), 403, "role_forbidden")
    error_of(await world.delete(path, actor), 403, "role_forbidden")


async def test_signing_in_is_required(world: World) -> None:
    error_of(await world.get(PATH, None), 401, "not_authenticated")
    error_of(await world.get("/capital-programme/figures", None), 401, "not_authenticated")


async def test_another_organisations_schemes_are_not_found(
    world: World, other_finance: str
) -> None:
    theirs = await add(world, other_finance, code="THEIRS-1")
    path = f"{PATH}/{theirs['id']}"
    for response in (
        await world.get(path, "finance"),
        await world.get(f"{path}/figures", "finance"),
        await world.patch(path, "finance", {"version": 1, "name": "Taken over"}),
        await world.delete(path, "finance"),
    ):
        error_of(response, 404, "not_found")
    assert (await world.get(PATH, "finance")).json()["items"] == []
    programme = (await world.get("/capital-programme/figures", "finance")).json()
    assert programme["projects"] == []


async def test_awarded_tenders_of_the_organisation_are_linked(world: World) -> None:
    first = await contract(world, reference="NBC/2026/002")
    second = await contract(world, reference="NBC/2026/001")
    ids = [str(first.id), str(second.id), str(first.id)]
    created = await add(world, tender_ids=ids)
    assert created["tender_ids"] == [str(second.id), str(first.id)]  # once each, by reference
    unlinked = await world.patch(
        f"{PATH}/{created['id']}", "finance", {"version": 1, "tender_ids": [str(second.id)]}
    )
    assert unlinked.json()["tender_ids"] == [str(second.id)]


@pytest.mark.parametrize(
    "status",
    [TenderStatus.DRAFT, TenderStatus.OPEN, TenderStatus.EVALUATING, TenderStatus.CANCELLED],
)
async def test_a_tender_not_yet_awarded_cannot_be_linked(
    world: World, status: TenderStatus
) -> None:
    tender = await world.tender(status, reference="NBC/2026/007")
    response = await world.post(PATH, "finance", project_body(tender_ids=[str(tender.id)]))
    body = error_of(response, 409, "tender_not_awarded")
    assert body["detail"] == (
        f"Tender NBC/2026/007 is {status.value}; only an awarded tender's contract can deliver "
        "a scheme"
    )
    assert body["extra"] == {"tender_id": str(tender.id), "current_status": status.value}
    assert (await world.get(PATH, "finance")).json()["total"] == 0  # nothing half-saved


async def test_unknown_and_other_organisations_tenders_cannot_be_linked(world: World) -> None:
    mine = await contract(world)
    async with world.sessions() as session:
        theirs = await awarded_tender(
            session,
            world.other_organisation,
            world.users["other_procurement"],
            world.other_supplier,
        )
    body = project_body(tender_ids=[str(mine.id), str(theirs.id)])
    assert field_errors(await world.post(PATH, "finance", body)) == {
        "tender_ids.1": "There is no tender with this id"
    }


async def test_a_scheme_without_spend_or_contracts_is_deleted(world: World) -> None:
    created = await add(world)
    path = f"{PATH}/{created['id']}"
    assert (await world.delete(path, "finance")).status_code == 204
    error_of(await world.get(path, "finance"), 404, "not_found")


async def test_a_scheme_with_spend_is_kept(world: World) -> None:
    created = await add(world)
    async with world.sessions() as session:
        await make_payments(
            session, world.organisation, uuid.UUID(created["id"]), [(date(2026, 6, 1), "A", "10")]
        )
    response = await world.delete(f"{PATH}/{created['id']}", "finance")
    body = error_of(response, 409, "project_has_spend")
    assert body["extra"] == {"payments": 1}


async def test_a_scheme_with_linked_contracts_is_kept_until_they_are_unlinked(
    world: World,
) -> None:
    created = await add(world, tender_ids=[str((await contract(world)).id)])
    path = f"{PATH}/{created['id']}"
    error_of(await world.delete(path, "finance"), 409, "project_has_linked_tenders")
    await world.patch(path, "finance", {"version": 1, "tender_ids": []})
    assert (await world.delete(path, "finance")).status_code == 204


async def test_changes_are_recorded_in_the_audit_trail(world: World) -> None:
    created = await add(world)
    path = f"{PATH}/{created['id']}"
    await world.patch(path, "finance", {"version": 1, "variance_explanation": "Asbestos found"})
    await world.delete(path, "finance")
    async with world.sessions() as session:
        events = (
            await session.scalars(sa.select(AuditEvent).order_by(col(AuditEvent.position)))
        ).all()
    assert [(e.entity_type, e.entity_id, e.action, e.summary) for e in events] == [
        ("capital_project", created["id"], "create", "Created capital scheme CAP-001"),
        ("capital_project", created["id"], "update", "Edited capital scheme CAP-001"),
        ("capital_project", created["id"], "delete", "Deleted capital scheme CAP-001"),
    ]
    created_event, edited, deleted = events
    assert created_event.after is not None and created_event.after["funding"] == {
        "borrowing": "60000.00",
        "government_grants": "40000.00",
    }
    assert edited.before is not None and edited.after is not None
    assert (edited.before["variance_explanation"], edited.after["variance_explanation"]) == (
        "",
        "Asbestos found",
    )
    assert deleted.after is None and deleted.before is not None
    assert deleted.before["profile"] == {"2026": "70000.00", "2027": "30000.00"}


async def test_the_list_is_paged_and_filtered(world: World) -> None:
    await add(world, code="CAP-003", name="Riverside bridge", service_area="Highways")
    await add(world, code="CAP-001", status="complete")
    await add(world, code="CAP-002", name="Market square paving", service_area="Highways")

    async def codes(**params: Any) -> list[str]:
        page = (await world.get(PATH, "procurement", **params)).json()
        return [p["code"] for p in page["items"]]

    assert await codes() == ["CAP-001", "CAP-002", "CAP-003"]
    assert await codes(limit=1, offset=1) == ["CAP-002"]
    assert await codes(service_area="Highways") == ["CAP-002", "CAP-003"]
    assert await codes(status="complete") == ["CAP-001"]
    assert await codes(q="bridge") == ["CAP-003"]
    assert await codes(q="cap-00") == ["CAP-001", "CAP-002", "CAP-003"]


async def test_figures_of_a_scheme_and_of_the_programme(world: World) -> None:
    """The API serves the figures of capital_figures (worked through in
    tests/integration/test_capital_figures.py); this checks their shape and their date.

    Acme Lighting Ltd (local) is paid £30,000 in 2026/27 and Z £5,000 in 2098/99, of a
    £100,000 budget with a £115,000 forecast: as at 2099, £35,000 spent (35.00%), 85.71% of
    it local; as at today, only the first payment has been made.
    """
    created = await add(world, forecast_outturn="115000")
    async with world.sessions() as session:
        await make_payments(
            session,
            world.organisation,
            uuid.UUID(created["id"]),
            [(date(2026, 6, 1), "Acme Lighting Ltd", "30000"), (date(2099, 1, 1), "Z", "5000")],
        )
    path = f"{PATH}/{created['id']}/figures"
    figures = (await world.get(path, "procurement", as_at="2099-12-31")).json()
    assert {k: figures[k] for k in ("spend_to_date", "percent_spent", "variance_flag")} == {
        "spend_to_date": "35000.00",
        "percent_spent": "35.00",
        "variance_flag": "adverse",
    }
    assert (figures["needs_explanation"], figures["local_share"]) == (True, "85.71")
    assert [(y["label"], y["budget"], y["spend"]) for y in figures["years"]] == [
        ("2026/27", "70000.00", "30000.00"),
        ("2027/28", "30000.00", "0.00"),
        ("2098/99", "0.00", "5000.00"),
    ]
    programme = (await world.get("/capital-programme/figures", "finance")).json()
    assert programme["totals"]["spend_to_date"] == "30000.00"
    assert programme["unexplained"] == ["CAP-001"]
    assert [p["code"] for p in programme["projects"]] == ["CAP-001"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"approved_budget": "lots"}, "approved_budget"),
        ({"approved_budget": "-1"}, "approved_budget"),
        ({"approved_budget": "10.001"}, "approved_budget"),
        ({"approved_budget": "1" * 16}, "approved_budget"),
        ({"approved_budget": "NaN"}, "approved_budget"),
        ({"approved_budget": "Infinity"}, "approved_budget"),
        ({"forecast_outturn": 1e300}, "forecast_outturn"),
        ({"code": "CAP 001"}, "code"),
        ({"code": "x" * 31}, "code"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"service_area": "x" * 101}, "service_area"),
        ({"ward": "  "}, "ward"),
        ({"status": "finished"}, "status"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"funding": [{"source": "lottery", "amount": "1"}]}, "funding.0.source"),
        ({"funding": [{"source": "other", "amount": "0"}]}, "funding.0.amount"),
        ({"funding": "all of it"}, "funding"),
        ({"profile": [{"financial_year": 26, "amount": "1"}]}, "profile.0.financial_year"),
        ({"profile": [{"financial_year": "2026/27", "amount": "1"}]}, "profile.0.financial_year"),
        ({"tender_ids": ["not-a-uuid"]}, "tender_ids.0"),
    ],
)
async def test_bad_input_is_named_never_a_server_error(
    world: World, changes: dict[str, Any], field: str
) -> None:
    response = await world.post(PATH, "finance", project_body(**changes))
    assert field in field_errors(response)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (PATH, {"status": "finished"}),
        (PATH, {"service_area": "x" * 101}),
        (PATH, {"q": "\x00"}),
        (f"{PATH}/00000000-0000-0000-0000-000000000000/figures", {"as_at": "2026-13-01"}),
        ("/capital-programme/figures", {"as_at": "yesterday"}),
    ],
    ids=["status", "service area", "nul", "month 13", "words"],
)
async def test_bad_query_parameters_are_refused(
    world: World, path: str, params: dict[str, str]
) -> None:
    response = await world.get(path, "finance", **params)
    assert response.status_code in {400, 422}, response.text
