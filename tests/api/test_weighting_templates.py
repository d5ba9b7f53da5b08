"""Weighting templates: saved while incomplete, with every read saying what is still wrong."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of, field_errors
from tests.factories import criterion, group, price_and_locality, tree

TEMPLATES = "/weighting-templates"
# Started, not finished: the price group has its criterion, the quality group has none yet.
HALF_BUILT = tree(
    group("price", "price", "60", criterion("price", "100")),
    group("quality", "quality", "30"),
)


def issues_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    """A read's issues, as (path, message) pairs in order."""
    return [(issue["path"], issue["message"]) for issue in body["issues"]]


@pytest.fixture
async def template(world: World) -> dict[str, Any]:
    """A half-built template, saved by the procurement officer."""
    body = {"name": "Works over £1m", "description": "For big builds", "tree": HALF_BUILT}
    return await world.create(TEMPLATES, "procurement", body)


async def test_a_half_built_tree_is_saved_with_what_is_still_wrong(
    template: dict[str, Any],
) -> None:
    assert (template["name"], template["description"], template["version"]) == (
        "Works over £1m",
        "For big builds",
        1,
    )
    assert [g["key"] for g in template["tree"]["groups"]] == ["price", "quality"]
    assert template["rules"]["tie_break"][0] == "higher_quality"  # the default rules
    assert issues_of(template) == [
        ("groups", "Group weights add up to 90%; they must add up to 100%"),
        ("groups.quality.criteria", "Add a criterion to 'Quality'"),
        (
            "groups",
            "Social value, localism and environment together weigh 0%; the policy minimum is 10%",
        ),
    ]
    assert {issue["severity"] for issue in template["issues"]} == {"error"}


async def test_finishing_the_tree_clears_its_issues(world: World, template: dict[str, Any]) -> None:
    path = f"{TEMPLATES}/{template['id']}"
    response = await world.patch(path, "admin", {"version": 1, "tree": price_and_locality()})
    assert response.status_code == 200
    assert (response.json()["issues"], response.json()["version"]) == ([], 2)
    read = (await world.get(path, "evaluator")).json()
    assert read["tree"] == response.json()["tree"]
    assert read["issues"] == []


async def test_every_read_lists_the_issues(world: World, template: dict[str, Any]) -> None:
    listed = (await world.get(TEMPLATES, "finance")).json()["items"]
    one = (await world.get(f"{TEMPLATES}/{template['id']}", "finance")).json()
    assert listed == [one]
    assert issues_of(one) == issues_of(template) != []


async def test_a_tree_asking_for_a_measure_the_catalogue_lacks_is_flagged(world: World) -> None:
    asking = tree(
        group("price", "price", "80", criterion("price", "100")),
        group(
            "social",
            "social_value",
            "20",
            criterion("sv", "100", "social_value_measures", measures=["NO-SUCH"]),
        ),
    )
    created = await world.create(TEMPLATES, "admin", {"name": "Asks", "tree": asking})
    assert "NO-SUCH" in dict(issues_of(created))["groups.social.criteria.sv.measures"]


async def test_names_are_unique_within_the_organisation(
    world: World, template: dict[str, Any]
) -> None:
    errors = field_errors(await world.post(TEMPLATES, "admin", {"name": "Works over £1m"}))
    assert errors == {"name": "Another template already has this name"}
    # Another organisation may use the same name.
    assert (
        await world.post(TEMPLATES, "other_admin", {"name": "Works over £1m"})
    ).status_code == 201


async def test_an_edit_from_a_stale_read_is_refused(world: World, template: dict[str, Any]) -> None:
    path = f"{TEMPLATES}/{template['id']}"
    assert (await world.patch(path, "procurement", {"version": 1, "name": "A"})).status_code == 200
    body = error_of(
        await world.patch(path, "admin", {"version": 1, "name": "B"}), 409, "stale_version"
    )
    assert body["extra"] == {"current_version": 2}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "A", "tree": {"groups": [{"key": "Bad Key"}]}}, "tree.groups.0.key"),
        ({"name": "A", "tree": tree(group("g", "price", "101"))}, "tree.groups.0.weight"),
        ({"name": "A", "rules": {"tie_break": ["coin_toss"]}}, "rules.tie_break.0"),
    ],
    ids=["blank name", "bad key", "weight over 100", "unknown tie-break"],
)
async def test_malformed_templates_are_refused_naming_the_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    assert field in field_errors(await world.post(TEMPLATES, "procurement", body))


async def test_removing_a_template_leaves_the_tenders_copied_from_it(
    world: World, template: dict[str, Any]
) -> None:
    draft = await world.tender(TenderStatus.DRAFT)
    copy = {"template_id": template["id"], "version": draft.version}
    copied = await world.post(f"/tenders/{draft.id}/criteria/copy-template", "procurement", copy)
    assert copied.json()["template_id"] == template["id"]
    response = await world.delete(f"{TEMPLATES}/{template['id']}", "procurement")
    assert response.status_code == 204
    error_of(await world.get(f"{TEMPLATES}/{template['id']}", "procurement"), 404, "not_found")
    kept = (await world.get(f"/tenders/{draft.id}/criteria", "procurement")).json()
    assert (kept["template_id"], kept["tree"]) == (None, copied.json()["tree"])
