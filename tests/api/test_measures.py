"""The measure catalogue: administrators keep it, values are versioned by date, staff read it."""

from datetime import date, timedelta
from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.models.base import utc_now
from tests.api.conftest import World, error_of, field_errors

TODAY = utc_now().date()


def measure_body(**changes: Any) -> dict[str, Any]:
    """A valid request body for a new measure, with any fields replaced."""
    body: dict[str, Any] = {
        "code": " vol-hour ",
        "theme": "social",
        "description": "An hour of staff volunteering in the borough",
        "unit": "hour",
        "value_per_unit": "15",
        "effective_from": "2024-04-01",
    }
    return {**body, **changes}


async def add_value(world: World, measure: dict[str, Any], value: str, start: date) -> Any:
    """Give the measure a new value from `start`, as the administrator."""
    body = {"value_per_unit": value, "effective_from": start.isoformat()}
    return await world.post(f"/measures/{measure['id']}/values", "admin", body)


@pytest.fixture
async def measure(world: World) -> dict[str, Any]:
    """A measure worth £15.00 an hour from 1 April 2024."""
    return await world.create("/measures", "admin", measure_body())


async def test_a_new_measure_has_its_first_value_in_force(measure: dict[str, Any]) -> None:
    assert (measure["code"], measure["theme"], measure["unit"]) == ("VOL-HOUR", "social", "hour")
    assert (measure["current_value"], measure["current_effective_from"]) == ("15.00", "2024-04-01")
    assert [v["value_per_unit"] for v in measure["values"]] == ["15.00"]
    assert measure["version"] == 1


async def test_the_value_in_force_is_the_latest_that_has_started(
    world: World, measure: dict[str, Any]
) -> None:
    assert (await add_value(world, measure, "16.50", date(2025, 4, 1))).status_code == 201
    response = await add_value(world, measure, "99.00", TODAY + timedelta(days=1))
    assert response.status_code == 201
    revalued = response.json()
    # Tomorrow's value is recorded but not yet in force.
    assert (revalued["current_value"], revalued["current_effective_from"]) == (
        "16.50",
        "2025-04-01",
    )
    assert [(v["value_per_unit"], v["effective_from"]) for v in revalued["values"]] == [
        ("99.00", (TODAY + timedelta(days=1)).isoformat()),
        ("16.50", "2025-04-01"),
        ("15.00", "2024-04-01"),
    ]
    assert revalued["version"] == 3  # each new value is an edit of the measure
    assert (await world.get(f"/measures/{measure['id']}", "finance")).json() == revalued


async def test_a_measure_whose_values_all_start_later_has_no_value_today(world: World) -> None:
    later = (TODAY + timedelta(days=30)).isoformat()
    created = await world.create("/measures", "admin", measure_body(effective_from=later))
    assert (created["current_value"], created["current_effective_from"]) == (None, None)


async def test_two_values_cannot_start_on_the_same_day(
    world: World, measure: dict[str, Any]
) -> None:
    errors = field_errors(await add_value(world, measure, "20.00", date(2024, 4, 1)))
    assert errors == {"effective_from": "This measure already has a value from 01 April 2024"}


async def test_no_new_value_may_reach_back_to_a_published_tenders_valuation(
    world: World, measure: dict[str, Any]
) -> None:
    await world.tender(TenderStatus.OPEN)  # valued with the catalogue as it stands today
    errors = field_errors(await add_value(world, measure, "20.00", TODAY))
    assert set(errors) == {"effective_from"}
    assert "uses the values then in force" in errors["effective_from"]
    assert (await add_value(world, measure, "20.00", TODAY + timedelta(days=1))).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value_per_unit": "0"}, "value_per_unit"),
        ({"value_per_unit": "1.005"}, "value_per_unit"),
        ({"code": "no spaces"}, "code"),
        ({"theme": "sport"}, "theme"),
        ({"description": "  "}, "description"),
        ({"unit": "u" * 41}, "unit"),
        ({"effective_from": "1 April"}, "effective_from"),
    ],
    ids=["zero value", "fractions of a penny", "bad code", "unknown theme", "blank", "long unit",
         "bad date"],
)  # fmt: skip
async def test_a_bad_measure_is_refused_naming_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    assert set(field_errors(await world.post("/measures", "admin", measure_body(**changes)))) == {
        field
    }


async def test_codes_are_unique_within_the_organisation(
    world: World, measure: dict[str, Any]
) -> None:
    errors = field_errors(await world.post("/measures", "admin", measure_body(code="VOL-HOUR")))
    assert errors == {"code": "Another measure already has this code"}


async def test_an_administrator_rewords_a_measure_but_not_from_a_stale_read(
    world: World, measure: dict[str, Any]
) -> None:
    path = f"/measures/{measure['id']}"
    changes = {"version": 1, "theme": "jobs", "unit": "volunteer-hour"}
    edited = await world.patch(path, "admin", changes)
    assert edited.status_code == 200
    assert (edited.json()["theme"], edited.json()["unit"], edited.json()["version"]) == (
        "jobs",
        "volunteer-hour",
        2,
    )
    assert edited.json()["code"] == "VOL-HOUR"  # the code bids refer to never changes
    body = error_of(await world.patch(path, "admin", changes), 409, "stale_version")
    assert body["extra"] == {"current_version": 2}


async def test_the_list_is_by_code_and_searches_codes_and_descriptions(world: World) -> None:
    for code, description in [("JOB-LOCAL", "A local job"), ("CO2E", "A tonne of carbon")]:
        await world.create("/measures", "admin", measure_body(code=code, description=description))
    everything = (await world.get("/measures", "evaluator")).json()
    assert [m["code"] for m in everything["items"]] == ["CO2E", "JOB-LOCAL"]
    found = (await world.get("/measures", "procurement", q="carbon")).json()
    assert [m["code"] for m in found["items"]] == ["CO2E"]
    other = (await world.get("/measures", "other_admin")).json()
    assert other["total"] == 0
