"""The OpenAPI document says what the server does: decimals are strings with a pattern, answers
keyed by criterion are objects, files are documented as files, documented limits are the
enforced ones, and the server refuses every value its document does not allow."""

import functools
import re
from collections.abc import Iterator
from typing import Any

import pytest

from procurement.app import create_app
from procurement.config import Settings
from tests.api.conftest import World, field_errors, tender_body
from tests.capital_factories import project_body
from tests.conftest import TEST_SECRET

BIDI_AND_CONTROLS = ["\x00", "\x07", "\x1b", "\x85", "\u202e", "\u2066", "\u2069"]
NOT_ASCII_DIGITS = ["1_000", " 5 ", "\uff15", "\u0665", "1e3", "5.", "-5", "0.00", "1.005"]


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document the app serves."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key=TEST_SECRET)
    schema: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    return schema


def component(name: str) -> dict[str, Any]:
    """One schema of the document's components."""
    schema: dict[str, Any] = document()["components"]["schemas"][name]
    return schema


def subschemas(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object nested in a part of the document, with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from subschemas(value, f"{where}/{index}")


def test_no_value_is_documented_as_a_json_number() -> None:
    # Decimals travel as strings both ways; the only numbers left are whole ones.
    numbers = [
        where
        for where, schema in subschemas(document())
        if schema.get("type") == "number" or "number" in (schema.get("type") or [])
    ]
    assert numbers == []


@pytest.mark.parametrize(
    ("shape", "field", "good", "bad"),
    [
        ("CapitalProjectCreate", "approved_budget", "640000.00", "640000.001"),
        ("TenderCreate", "estimated_value", "250000", "0"),
        ("CriterionSchema", "weight", "100.00", "100.01"),
        ("MeasureCreate", "value_per_unit", "0.01", "0.00"),
        ("ScaleSchema", "maximum", "1000", "1000.5"),
    ],
)
def test_decimals_are_documented_as_strings_with_their_range_as_a_pattern(
    shape: str, field: str, good: str, bad: str
) -> None:
    documented = component(shape)["properties"][field]
    assert documented["type"] == "string"
    assert re.search(documented["pattern"], good)
    assert not re.search(documented["pattern"], bad)


@pytest.mark.parametrize(
    ("value", "accepted"), [(25, True), ("25.5", True), (101, False), (2.5, False)]
)
async def test_a_policy_percentage_may_also_be_a_whole_json_number(
    world: World, value: object, accepted: bool
) -> None:
    documented = component("OrganisationUpdate")["properties"]["social_value_minimum_percent"]
    assert documented["oneOf"][0]["type"] == ["string", "integer"]
    assert (documented["oneOf"][0]["minimum"], documented["oneOf"][0]["maximum"]) == (0, 100)
    path = f"/organisations/{world.organisation.id}"
    change = {"version": 1, "social_value_minimum_percent": value}
    response = await world.patch(path, "admin", change)
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert "social_value_minimum_percent" in field_errors(response)


@pytest.mark.parametrize("field", ["metric_answers", "pass_fail_answers", "quality_responses"])
def test_answers_keyed_by_criterion_are_documented_as_objects(field: str) -> None:
    documented = component("BidPost")["properties"][field]
    assert documented["type"] == "object"
    assert "items" not in documented
    assert documented["propertyNames"]["pattern"] == r"^[a-z0-9][a-z0-9_-]{0,39}$"
    assert documented["maxProperties"] == 100


@pytest.mark.parametrize(
    ("path", "media_types"),
    [
        ("/api/v1/tenders/{tender_id}/report.pdf", {"application/pdf"}),
        (
            "/api/v1/tenders/{tender_id}/bids/{bid_id}/assessment-summary.pdf",
            {"application/pdf"},
        ),
        ("/api/v1/tenders/{tender_id}/assessment-summaries.zip", {"application/zip"}),
        ("/api/v1/publications/{publication_id}/archive.pdf", {"application/pdf"}),
        (
            "/api/v1/publications/{reference}",
            {"application/json", "application/pdf", "text/html", "text/csv"},
        ),
    ],
)
def test_files_are_documented_with_their_media_types(path: str, media_types: set[str]) -> None:
    content = document()["paths"][path]["get"]["responses"]["200"]["content"]
    assert set(content) == media_types
    for media_type in media_types - {"application/json"}:
        expected_format = None if media_type.startswith("text/") else "binary"
        assert content[media_type]["schema"]["type"] == "string"
        assert content[media_type]["schema"].get("format") == expected_format


@pytest.mark.parametrize("field", ["service_area", "ward"])
async def test_a_place_is_documented_and_refused_at_the_same_length(
    world: World, field: str
) -> None:
    limit = component("CapitalProjectCreate")["properties"][field]["maxLength"]
    assert limit == 100
    longest = await world.post("/capital-projects", "finance", project_body(**{field: "W" * 100}))
    assert longest.status_code == 201, longest.text
    too_long = project_body(code="CAP-002", **{field: "W" * 101})
    assert field in field_errors(await world.post("/capital-projects", "finance", too_long))


@pytest.mark.parametrize("value", NOT_ASCII_DIGITS)
async def test_money_is_only_ascii_digits_in_the_documented_form(world: World, value: str) -> None:
    response = await world.post("/tenders", "procurement", tender_body(estimated_value=value))
    assert "estimated_value" in field_errors(response)


@pytest.mark.parametrize("value", [0, 5, 5.5, True])
async def test_money_sent_as_a_json_number_is_refused(world: World, value: object) -> None:
    body = project_body(forecast_outturn=value)
    errors = field_errors(await world.post("/capital-projects", "finance", body))
    assert "forecast_outturn" in errors


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
async def test_a_flag_must_be_a_json_boolean(world: World, value: object) -> None:
    path = f"/users/{world.users['finance'].id}"
    response = await world.patch(path, "admin", {"version": 1, "is_active": value})
    if value is None:  # null leaves the flag as it is
        assert response.status_code == 200, response.text
    else:
        assert "is_active" in field_errors(response)


@pytest.mark.parametrize("value", ["1", 1.5, True])
async def test_a_version_must_be_a_json_whole_number(world: World, value: object) -> None:
    path = f"/users/{world.users['finance'].id}"
    response = await world.patch(path, "admin", {"version": value, "full_name": "Pat"})
    assert "version" in field_errors(response)


@pytest.mark.parametrize(
    "moment", ["0.5", "1700000000", "2026-03-01", "2026-03-01T09:00:00", "2026-03-01 09:00Z"]
)
async def test_audit_times_are_iso_8601_with_a_timezone(world: World, moment: str) -> None:
    response = await world.get("/audit", "admin", until=moment)
    assert "until" in field_errors(response)
    documented = {p["name"]: p for p in document()["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert not re.search(documented["until"]["schema"]["pattern"], moment)


async def test_an_audit_time_in_the_documented_form_is_taken(world: World) -> None:
    response = await world.get("/audit", "admin", since="2026-03-01T09:00:00.5+01:00")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("character", BIDI_AND_CONTROLS)
async def test_text_refuses_control_and_direction_override_characters(
    world: World, character: str
) -> None:
    body = tender_body(title=f"Street{character}lighting", description=f"A{character}B")
    errors = field_errors(await world.post("/tenders", "procurement", body))
    assert {"title", "description"} <= set(errors)
    documented = component("TenderCreate")["properties"]
    assert not re.search(documented["title"]["pattern"], f"Street{character}lighting")
    assert not re.search(documented["description"]["pattern"], f"A{character}B")


async def test_multi_line_text_keeps_its_line_breaks_and_tabs(world: World) -> None:
    body = tender_body(description="Lamps:\n\t- LED\r\n\t- sodium")
    response = await world.post("/tenders", "procurement", body)
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "Lamps:\n\t- LED\r\n\t- sodium"
    refused = await world.post("/tenders", "procurement", tender_body(title="Street\nlighting"))
    assert "title" in field_errors(refused)


async def test_a_name_of_only_spaces_is_refused_as_its_pattern_says(world: World) -> None:
    errors = field_errors(
        await world.post("/tenders", "procurement", tender_body(title=" \u3000 "))
    )
    assert errors["title"] == "Enter a name"
    assert not re.search(component("TenderCreate")["properties"]["title"]["pattern"], " \u3000 ")


async def test_answers_keyed_by_criterion_must_be_objects(world: World) -> None:
    tender = await world.tender()
    body = {"price": "95000.00", "metric_answers": [["local-spend", "62.5"]]}
    errors = field_errors(await world.post(f"/tenders/{tender.id}/bids", "supplier", body))
    assert "metric_answers" in errors


async def test_money_comes_back_as_a_string_matching_its_documented_pattern(
    world: World,
) -> None:
    created = await world.create("/capital-projects", "finance", project_body())
    documented = component("CapitalProjectRead")["properties"]["approved_budget"]
    assert documented["type"] == "string"
    assert created["approved_budget"] == "100000.00"
    assert re.search(documented["pattern"], created["approved_budget"])
