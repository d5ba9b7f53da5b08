"""/publications: finance publishes a period's capital programme summary as files that never
change, corrects it with a new version, and nobody can edit or delete one.

The programme is the one in tests/publication_support.py: for 2026/27 Q2 its budget is
£1,700,000, its spend £660,000 and one scheme (CAP-001) is 12% over budget.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from procurement.domain.capital import FundingSource
from procurement.models import CapitalProject
from procurement.schemas.publication import PublicationFileKind
from procurement.services.publications import file_url
from scoring.presentation import money
from tests.api.conftest import World, error_of, field_errors
from tests.capital_factories import make_capital_project, make_payments
from tests.publication_support import (
    BUDGET,
    FORECAST,
    LOCAL_SPEND,
    PERIOD,
    SOCIAL_VALUE,
    SPEND,
    Programme,
    archive_attachments,
    checked_pdf_text,
    make_programme,
    make_publication,
    sha256_of,
)

TITLE = f"Capital programme summary {PERIOD}"
KINDS = [kind.value for kind in PublicationFileKind]
TOTALS = ["approved_budget", "forecast_outturn", "spend_to_date", "variance", "slippage"]
TOTALS += ["local_spend", "social_value_committed"]


async def programme(world: World, *, explained: bool = True) -> Programme:
    """The known programme, in the home organisation."""
    async with world.sessions() as session:
        return await make_programme(
            session,
            world.organisation,
            world.users["procurement"],
            world.supplier,  # local
            world.rival,  # not local
            explained=explained,
        )


async def stored(world: World) -> dict[str, Any]:
    """A publication stored straight in the home organisation's books, as the API reads it."""
    async with world.sessions() as session:
        publication = await make_publication(session, world.organisation)
    response = await world.get(f"/publications/{publication.id}", "finance")
    assert response.status_code == 200, response.text
    read: dict[str, Any] = response.json()
    return read


async def publish(world: World, period: str = PERIOD) -> dict[str, Any]:
    """Publish the period's summary as the finance officer; return the publication."""
    return await world.create("/publications", "finance", {"period": period})


async def download(world: World, url: str, actor: str = "finance") -> httpx.Response:
    """GET a file by its URL (as the API gives it) and check its digest headers."""
    response = await world.client.get(url, headers=world.auth(actor))
    assert response.status_code == 200, response.text
    digest = sha256_of(response.content)
    assert response.headers["etag"] == f'"{digest}"'
    return response


def files_of(publication: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A publication's files by kind."""
    return {file["kind"]: file for file in publication["files"]}


async def test_a_finance_officer_publishes_a_quarters_summary_as_five_files(
    world: World,
) -> None:
    await programme(world)
    published = await publish(world, "2026/27 q2")
    assert published["period"] == PERIOD
    assert (published["period_start"], published["period_end"]) == ("2026-07-01", "2026-09-30")
    assert published["version"] == 1 and published["is_latest"]
    assert published["title"] == TITLE
    assert published["supersedes_id"] is None and published["superseded_by_id"] is None
    assert published["published_by_name"] == world.users["finance"].full_name
    totals = published["totals"]
    assert totals["project_count"] == 3
    assert totals["approved_budget"] == str(BUDGET)
    assert totals["forecast_outturn"] == str(FORECAST)
    assert totals["spend_to_date"] == str(SPEND)  # the October payment is after the period
    assert totals["local_spend"] == str(LOCAL_SPEND)
    assert totals["local_share"] == "27.27"
    assert totals["slippage"] == "940000.00"
    assert totals["social_value_committed"] == str(SOCIAL_VALUE)
    files = files_of(published)
    assert list(files) == KINDS
    for kind, file in files.items():
        response = await download(world, file["url"])
        assert file["url"] == file_url(
            "/api/v1/publications", published["id"], PublicationFileKind(kind)
        )
        assert sha256_of(response.content) == file["sha256"]
        assert len(response.content) == file["size"]
        assert response.headers["content-type"].split(";")[0] == file["media_type"]
        assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert files["pdf"]["url"].endswith(".pdf") and files["archive_pdf"]["url"].endswith(
        "/archive.pdf"
    )


async def test_the_pdfs_are_tagged_titled_and_show_the_totals_the_api_gives(
    world: World, tmp_path: Path
) -> None:
    await programme(world)
    published = await publish(world)
    files = files_of(published)
    title = f"{TITLE}, version 1"
    for kind in ("pdf", "archive_pdf"):
        pdf = (await download(world, files[kind]["url"])).content
        text = checked_pdf_text(pdf, tmp_path, title)
        for name in TOTALS:
            assert money(Decimal(published["totals"][name])) in text, name
        assert f"Local share of spend {published['totals']['local_share']}%" in text
        assert "Page 2 of" in text
    archive = (await download(world, files["archive_pdf"]["url"])).content
    attached = archive_attachments(archive, tmp_path)
    data = (await download(world, files["json"]["url"])).content
    assert list(attached.values()) == [data]


async def test_the_csv_lists_every_scheme_and_the_json_holds_the_snapshot(world: World) -> None:
    built = await programme(world)
    published = await publish(world)
    files = files_of(published)
    table = (await download(world, files["csv"]["url"])).content.decode()
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(table))}
    assert list(rows) == ["CAP-001", "CAP-002", "CAP-003"]
    assert rows["CAP-001"]["approved_budget"] == "500000.00"
    assert rows["CAP-001"]["spend_to_date"] == "200000.00"
    assert rows["CAP-001"]["variance_flag"] == "adverse"
    assert rows["CAP-001"]["funding_government_grants"] == "200000.00"
    assert rows["CAP-001"]["contracts"] == built.tender.reference
    assert rows["CAP-002"]["funding_borrowing"] == ""
    snapshot = json.loads(await json_of(world, files))
    assert {k: snapshot["totals"][k] for k in TOTALS} == {k: published["totals"][k] for k in TOTALS}
    assert [v["code"] for v in snapshot["variances"]] == ["CAP-001"]
    assert snapshot["by_funding_source"][0] == {
        "source": FundingSource.BORROWING.value,
        "name": "Borrowing",
        "amount": "900000.00",
        "share": "52.94",
    }
    assert [row["name"] for row in snapshot["by_service_area"]] == [
        "Highways",
        "Libraries",
        "Parks",
    ]
    (contract,) = snapshot["social_value"]["contracts"]
    assert (contract["supplier"], contract["social_value"]) == ("Acme Lighting Ltd", "2000.00")
    assert contract["schemes"] == ["CAP-001"]


async def json_of(world: World, files: dict[str, dict[str, Any]]) -> bytes:
    """The publication's JSON file."""
    return (await download(world, files["json"]["url"])).content


async def test_an_unexplained_variance_over_ten_percent_stops_publication(world: World) -> None:
    await programme(world, explained=False)
    response = await world.post("/publications", "finance", {"period": PERIOD})
    body = error_of(response, 409, "variance_unexplained")
    assert "CAP-001 Castle library refurbishment (12.00%)" in body["detail"]
    assert [p["code"] for p in body["extra"]["projects"]] == ["CAP-001"]
    assert body["extra"]["projects"][0]["variance_percent"] == "12.00"
    listed = (await world.get("/publications", "finance")).json()
    assert listed["total"] == 0  # nothing half-published


async def test_a_publication_and_its_files_can_never_be_changed_or_removed(
    world: World,
) -> None:
    published = await stored(world)
    for method in ("PUT", "PATCH", "DELETE"):
        for suffix in ("", ".pdf", ".csv"):
            path = f"/publications/{published['id']}{suffix}"
            response = await world.call(method, path, "finance", {"title": "Something else"})
            error_of(response, 409, "publication_immutable")
    again = (await world.get(f"/publications/{published['id']}", "finance")).json()
    assert again == published
    pdf = await download(world, files_of(published)["pdf"]["url"])
    assert sha256_of(pdf.content) == files_of(published)["pdf"]["sha256"]


async def test_a_correction_is_a_new_version_and_the_old_one_stays_as_it_was(
    world: World,
) -> None:
    built = await programme(world)
    first = await publish(world)
    async with world.sessions() as session:  # a payment that was missed in the first import
        await make_payments(
            session,
            world.organisation,
            built.projects["CAP-002"].id,
            [(date(2026, 9, 1), "Acme Lighting Ltd", "5000.00")],
        )
    note = "A payment of £5,000 to Acme Lighting Ltd on 1 September 2026 was missing"
    response = await world.post(
        f"/publications/{first['id']}/corrections", "finance", {"correction_note": note}
    )
    assert response.status_code == 201, response.text
    second = response.json()
    assert (second["version"], second["supersedes_id"], second["is_latest"]) == (
        2,
        first["id"],
        True,
    )
    assert second["correction_note"] == note and second["period"] == PERIOD
    assert second["totals"]["spend_to_date"] == "665000.00"
    old = (await world.get(f"/publications/{first['id']}", "finance")).json()
    assert (old["superseded_by_id"], old["superseded_by_version"]) == (second["id"], 2)
    assert not old["is_latest"]
    assert old["totals"] == first["totals"] and old["files"] == first["files"]
    listed = (await world.get("/publications", "finance", period="2026/27 q2")).json()
    assert [p["version"] for p in listed["items"]] == [2, 1]
    elsewhere = (await world.get("/publications", "finance", period="2026/27 Q1")).json()
    assert elsewhere["total"] == 0
    assert "period" in field_errors(await world.get("/publications", "finance", period="Q1"))

    stale = await world.post(
        f"/publications/{first['id']}/corrections", "finance", {"correction_note": "Again"}
    )
    body = error_of(stale, 409, "publication_superseded")
    assert body["extra"]["latest_version"] == 2
    error_of(
        await world.post("/publications", "finance", {"period": PERIOD}),
        409,
        "period_already_published",
    )


async def test_a_correction_is_refused_while_a_variance_is_unexplained(world: World) -> None:
    await programme(world)
    first = await publish(world)
    async with world.sessions() as session:
        await make_capital_project(
            session, world.organisation, "CAP-004", budget="1000.00", forecast="2000.00"
        )
    response = await world.post(
        f"/publications/{first['id']}/corrections", "finance", {"correction_note": "New scheme"}
    )
    body = error_of(response, 409, "variance_unexplained")
    assert [p["code"] for p in body["extra"]["projects"]] == ["CAP-004"]
    assert (await world.get(f"/publications/{first['id']}", "finance")).json()["is_latest"]


async def test_staff_who_read_the_programme_may_read_publications_but_only_finance_publishes(
    world: World,
) -> None:
    published = await stored(world)
    for reader in ("procurement", "admin"):
        listed = (await world.get("/publications", reader)).json()
        assert [p["id"] for p in listed["items"]] == [published["id"]]
        await download(world, files_of(published)["csv"]["url"], reader)
    for outsider in ("supplier", "evaluator"):
        error_of(
            await world.get(f"/publications/{published['id']}", outsider), 403, "role_forbidden"
        )
    error_of(
        await world.post("/publications", "procurement", {"period": "2026/27 Q1"}),
        403,
        "role_forbidden",
    )
    other = await world.get(f"/publications/{published['id']}.pdf", "other_admin")
    error_of(other, 404, "not_found")  # another council's publications do not exist for it


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"period": "Q2 2026"}, "period", "2026/27 Q2"),
        ({"period": "2026/28 Q2"}, "period", "2026/27 Q2"),
        ({"period": "2040/41 Q1"}, "period", "has not started yet"),
        ({}, "period", "required"),
        ({"period": PERIOD, "title": ""}, "title", "at least 1 character"),
    ],
    ids=["words", "years-apart", "future", "missing", "blank-title"],
)
async def test_a_bad_period_or_title_is_named(
    world: World, body: dict[str, Any], field: str, message: str
) -> None:
    errors = field_errors(await world.post("/publications", "finance", body))
    assert message in errors[field]


async def test_a_correction_needs_a_note(world: World) -> None:
    await programme(world)
    published = await publish(world)
    path = f"/publications/{published['id']}/corrections"
    for body in ({}, {"correction_note": "   "}):
        assert "correction_note" in field_errors(await world.post(path, "finance", body))


async def test_an_unknown_publication_or_file_is_not_found(world: World) -> None:
    published = await stored(world)
    unknown = "6f1c2b0e-2c11-4f55-9a4b-2f1e0a9b8c7d"
    for path in ("not-an-id", f"{published['id']}.exe", f"{published['id']}.", unknown):
        error_of(await world.get(f"/publications/{path}", "finance"), 404, "not_found")
    error_of(await world.get(f"/publications/{unknown}.pdf", "finance"), 404, "not_found")
    error_of(await world.get(f"/publications/{unknown}/archive.pdf", "finance"), 404, "not_found")
    error_of(await world.delete(f"/publications/{unknown}", "finance"), 404, "not_found")


async def test_a_scheme_added_after_publication_is_not_in_it(world: World) -> None:
    built = await programme(world)
    published = await publish(world)
    async with world.sessions() as session:
        await make_capital_project(session, world.organisation, "CAP-900", name="Depot rebuild")
        library = await session.get(CapitalProject, built.projects["CAP-001"].id)
        assert library is not None
        library.approved_budget = library.approved_budget * 2
        await session.commit()
    snapshot = json.loads(await json_of(world, files_of(published)))
    assert "CAP-900" not in {s["code"] for s in snapshot["schemes"]}
    assert snapshot["totals"]["approved_budget"] == str(BUDGET)
