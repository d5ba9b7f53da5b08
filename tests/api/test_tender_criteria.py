"""A tender's criteria: copied from a template, edited as a draft, checked, frozen on publishing."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from procurement.models.base import utc_now
from tests.api.conftest import World, error_of
from tests.factories import criterion, group, price_and_locality, tree

EMPTY: dict[str, Any] = {"groups": []}


def criteria_of(tender: Tender) -> str:
    """The criteria path of a tender."""
    return f"/tenders/{tender.id}/criteria"


async def save(world: World, tender: Tender, criteria: dict[str, Any], version: int = 1) -> Any:
    """PUT a tree on the tender as the procurement officer."""
    return await world.put(
        criteria_of(tender), "procurement", {"tree": criteria, "version": version}
    )


async def publish(world: World, tender: Tender) -> Any:
    """Try to publish the tender as the procurement officer."""
    return await world.post(f"/tenders/{tender.id}/publish", "procurement")


def refusals(response: Any) -> list[tuple[str, str]]:
    """The (field, message) pairs of a 422 criteria_invalid refusal."""
    body = error_of(response, 422, "criteria_invalid")
    return [(error["field"], error["message"]) for error in body["errors"]]


@pytest.fixture
async def draft(world: World) -> Tender:
    """A draft tender whose criteria are still empty."""
    return await world.tender(TenderStatus.DRAFT, criteria=EMPTY)


@pytest.fixture
async def template(world: World) -> dict[str, Any]:
    """A complete template with its own evaluation rules."""
    body = {
        "name": "Care services",
        "tree": price_and_locality(80),
        "rules": {"abnormally_low_percent": "15", "tie_break": ["lower_price"]},
    }
    return await world.create("/weighting-templates", "admin", body)


async def test_a_new_draft_has_no_criteria_and_says_so(world: World, draft: Tender) -> None:
    read = (await world.get(criteria_of(draft), "procurement")).json()
    assert (read["tree"], read["frozen"], read["template_id"], read["version"]) == (
        EMPTY,
        False,
        None,
        1,
    )
    assert read["issues"] == [
        {"path": "groups", "message": "Add at least one group of criteria", "severity": "error"}
    ]


async def test_copying_a_template_gives_the_draft_its_tree_and_rules(
    world: World, draft: Tender, template: dict[str, Any]
) -> None:
    body = {"template_id": template["id"], "version": 1}
    response = await world.post(f"{criteria_of(draft)}/copy-template", "procurement", body)
    assert response.status_code == 200
    copied = response.json()
    assert (copied["tree"], copied["template_id"], copied["version"]) == (
        template["tree"],
        template["id"],
        2,
    )
    assert (copied["rules"]["abnormally_low_percent"], copied["rules"]["tie_break"]) == (
        "15",
        ["lower_price"],
    )
    assert copied["issues"] == []
    # A copy, not a link: changing the template later leaves the tender as it was.
    changed = {"version": 1, "tree": price_and_locality(70)}
    await world.patch(f"/weighting-templates/{template['id']}", "admin", changed)
    assert (await world.get(criteria_of(draft), "evaluator")).json()["tree"] == copied["tree"]


async def test_a_draft_saves_its_tree_as_often_as_needed(world: World, draft: Tender) -> None:
    first = await save(world, draft, tree(group("price", "price", "50", criterion("price", "100"))))
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert "Group weights add up to 50%" in first.json()["issues"][0]["message"]
    second = await save(world, draft, price_and_locality(), version=2)
    assert (second.json()["issues"], second.json()["version"]) == ([], 3)
    assert (await world.get(f"/tenders/{draft.id}", "procurement")).json()["version"] == 3


async def test_saving_from_a_stale_read_is_refused(world: World, draft: Tender) -> None:
    assert (await save(world, draft, price_and_locality())).status_code == 200
    body = error_of(await save(world, draft, EMPTY), 409, "stale_version")
    assert body["extra"] == {"current_version": 2}


async def test_the_rules_stay_unless_sent(world: World, draft: Tender) -> None:
    rules = {"tie_tolerance": "0.5"}
    sent = {"tree": EMPTY, "rules": rules, "version": 1}
    assert (await world.put(criteria_of(draft), "procurement", sent)).status_code == 200
    kept = await save(world, draft, price_and_locality(), version=2)
    assert kept.json()["rules"]["tie_tolerance"] == "0.5"


@pytest.mark.parametrize("status", [s for s in TenderStatus if s is not TenderStatus.DRAFT])
async def test_criteria_are_frozen_once_published(
    world: World, template: dict[str, Any], status: TenderStatus
) -> None:
    tender = await world.tender(status)
    read = (await world.get(criteria_of(tender), "procurement")).json()
    assert read["frozen"] is True
    copy = {"template_id": template["id"], "version": 1}
    for response in [
        await save(world, tender, EMPTY),
        await world.post(f"{criteria_of(tender)}/copy-template", "procurement", copy),
    ]:
        body = error_of(response, 409, "criteria_frozen")
        assert body["extra"] == {"current_status": status.value}
    assert (await world.get(criteria_of(tender), "procurement")).json() == read


async def test_publishing_fixes_the_date_catalogue_values_are_taken_from(
    world: World, draft: Tender
) -> None:
    await save(world, draft, price_and_locality())
    published = (await publish(world, draft)).json()
    assert (published["status"], published["measure_values_on"]) == (
        "open",
        utc_now().date().isoformat(),
    )
    assert (await world.get(criteria_of(draft), "supplier")).json()["frozen"] is True


BAD_TREES = {
    "no criteria at all": (EMPTY, [("criteria.groups", "Add at least one group of criteria")]),
    "groups adding up to 95%": (
        tree(
            group("price", "price", "85", criterion("price", "100")),
            group("local", "localism", "10", criterion("local", "100", "local_supplier")),
        ),
        [("criteria.groups", "Group weights add up to 95%; they must add up to 100%")],
    ),
    "criteria adding up to 90%": (
        tree(
            group("price", "price", "70", criterion("price", "100")),
            group(
                "quality",
                "quality",
                "20",
                criterion("method", "60", "pass_fail"),
                criterion("safety", "30", "pass_fail"),
            ),
            group("local", "localism", "10", criterion("local", "100", "local_supplier")),
        ),
        [
            (
                "criteria.groups.quality.criteria",
                "'Quality' criteria weights add up to 90%; they must add up to 100%",
            )
        ],
    ),
}


@pytest.mark.parametrize(("criteria", "expected"), BAD_TREES.values(), ids=BAD_TREES.keys())
async def test_a_wrong_tree_cannot_be_published_and_each_problem_is_named(
    world: World, draft: Tender, criteria: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    await save(world, draft, criteria)
    assert refusals(await publish(world, draft)) == expected
    assert (await world.get(f"/tenders/{draft.id}", "procurement")).json()["status"] == "draft"


SHORT_OF_SOCIAL_VALUE = price_and_locality(95)  # 5% local, under the 10% minimum
SHORTFALL = "Social value, localism and environment together weigh 5%; the policy minimum is 10%"


async def set_policy(world: World, **policy: Any) -> dict[str, Any]:
    """Change the organisation's social value policy as its administrator."""
    path = f"/organisations/{world.organisation.id}"
    response = await world.patch(path, "admin", {"version": 1, **policy})
    assert response.status_code == 200, response.text
    organisation: dict[str, Any] = response.json()
    return organisation


async def test_by_default_too_little_social_value_stops_publication(
    world: World, draft: Tender
) -> None:
    organisation = (await world.get(f"/organisations/{world.organisation.id}", "admin")).json()
    assert (organisation["social_value_minimum_percent"], organisation["social_value_policy"]) == (
        "10.00",
        "error",
    )
    await save(world, draft, SHORT_OF_SOCIAL_VALUE)
    assert refusals(await publish(world, draft)) == [("criteria.groups", SHORTFALL)]


async def test_as_a_warning_too_little_social_value_is_shown_but_publishable(
    world: World, draft: Tender
) -> None:
    organisation = await set_policy(world, social_value_policy="warning")
    assert organisation["social_value_policy"] == "warning"
    saved = (await save(world, draft, SHORT_OF_SOCIAL_VALUE)).json()
    assert saved["issues"] == [{"path": "groups", "message": SHORTFALL, "severity": "warning"}]
    assert (await publish(world, draft)).json()["status"] == "open"


async def test_the_minimum_is_the_organisations_own(world: World, draft: Tender) -> None:
    organisation = await set_policy(world, social_value_minimum_percent=25)
    assert organisation["social_value_minimum_percent"] == "25.00"
    await save(world, draft, price_and_locality(80))
    assert refusals(await publish(world, draft)) == [
        (
            "criteria.groups",
            "Social value, localism and environment together weigh 20%; the policy minimum is 25%",
        )
    ]


async def test_checking_a_tree_gives_running_sums_and_saves_nothing(
    world: World, draft: Tender
) -> None:
    being_typed = tree(
        group("price", "price", "60", criterion("price", "100")),
        group("quality", "quality", "30", criterion("a", "50", "pass_fail")),
    )
    response = await world.post(f"{criteria_of(draft)}/check", "procurement", {"tree": being_typed})
    assert response.status_code == 200
    check = response.json()
    assert (check["group_total"], check["criteria_totals"]) == (
        "90",
        {"price": "100", "quality": "50"},
    )
    assert [issue["path"] for issue in check["issues"]] == [
        "groups",
        "groups.quality.criteria",
        "groups",
    ]
    unchanged = (await world.get(criteria_of(draft), "procurement")).json()
    assert (unchanged["tree"], unchanged["version"]) == (EMPTY, 1)
