"""POST /api/v1/spend/import and the imports and payments it leaves: every rule on the file and
its rows, all or nothing, importing again, and who may do what."""

import hashlib
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.models import CapitalProject, SpendImport, SpendTransaction
from procurement.services.spend_import import MAX_FILE_BYTES, MAX_LISTED_PROBLEMS
from tests.api.conftest import API, World, error_of
from tests.capital_factories import SPEND_HEADER, make_capital_project, spend_csv, spend_row

IMPORT = "/spend/import"


async def upload(
    world: World, content: bytes, actor: str | None = "finance", name: str = "spend.csv"
) -> httpx.Response:
    """POST a spend file as a multipart form, as the web page and `curl -F` send it."""
    return await world.client.post(
        API + IMPORT, headers=world.auth(actor), files={"file": (name, content, "text/csv")}
    )


async def imported(world: World, content: bytes, name: str = "spend.csv") -> dict[str, Any]:
    """Upload a file as finance and assert it was imported."""
    response = await upload(world, content, name=name)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def scheme(world: World, code: str = "CAP-001", *, other: bool = False) -> CapitalProject:
    """A capital scheme of the home (or the other) organisation."""
    organisation = world.other_organisation if other else world.organisation
    async with world.sessions() as session:
        return await make_capital_project(session, organisation, code)


async def stored_payments(world: World) -> list[SpendTransaction]:
    """Every payment in the database, whoever imported it, by transaction number."""
    async with world.sessions() as session:
        found = await session.scalars(
            sa.select(SpendTransaction).order_by(col(SpendTransaction.transaction_number))
        )
        return list(found)


def row_problems(response: httpx.Response) -> dict[str, str]:
    """Assert the file was refused for its rows; return the problems by `rows.<n>.<column>`."""
    body = error_of(response, 422, "spend_import_invalid")
    return {error["field"]: error["message"] for error in body["errors"]}


async def test_a_good_file_is_imported_and_its_payments_are_listed_newest_first(
    world: World,
) -> None:
    library = await scheme(world, "CAP-001")
    await scheme(world, "CAP-002")
    content = spend_csv(
        spend_row("INV-1", paid_on="01/04/2026", amount="£1,250.00"),
        spend_row("INV-2", "cap-001", paid_on="2026-05-14", amount="98000"),  # any case
        spend_row("INV-3", "CAP-002", paid_on="3/6/2026", amount="  12,345.6 "),
    )

    body = await imported(world, content, "april.csv")

    assert body["status"] == "succeeded"
    assert (body["rows_total"], body["rows_added"], body["rows_unchanged"]) == (3, 3, 0)
    assert (body["rows_done"], body["percent_done"], body["errors"]) == (3, 100, [])
    assert body["file_name"] == "april.csv"
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["created_by_name"] == world.users["finance"].full_name
    listed = await world.get(f"/capital-projects/{library.id}/spend", "procurement")
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["total"] == 2
    assert [(p["transaction_number"], p["paid_on"], p["amount"]) for p in page["items"]] == [
        ("INV-2", "2026-05-14", "98000.00"),
        ("INV-1", "2026-04-01", "1250.00"),
    ]
    assert {p["import_id"] for p in page["items"]} == {body["id"]}
    third = (await stored_payments(world))[2]
    assert str(third.amount) == "12345.60"


async def test_headers_are_matched_in_any_case_and_by_common_other_names(world: World) -> None:
    await scheme(world)
    header = [
        "Body name",  # not one of ours: ignored
        "DATE",
        "Department",
        "Supplier Name",
        "Expense Type",
        "Net Amount (£)",
        "Transaction No.",
        "project_code",
    ]
    row = ["Test Borough Council", *spend_row("INV-9")]
    with_bom = b"\xef\xbb\xbf" + spend_csv(row, header=header)

    response = await world.client.post(
        API + IMPORT,
        headers={**world.auth("finance"), "Content-Type": "text/csv"},
        params={"file_name": "ledger export.csv"},
        content=with_bom,
    )

    assert response.status_code == 201, response.text
    assert response.json()["file_name"] == "ledger export.csv"
    [payment] = await stored_payments(world)
    assert (payment.service_area, payment.beneficiary, payment.purpose) == (
        "Highways",
        "Nene Valley Builders Ltd",
        "Carriageway resurfacing",
    )


async def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    await scheme(world)
    content = spend_csv(*(spend_row(f"INV-{n}") for n in range(1, 6)))
    first = await imported(world, content)
    before = [(p.id, p.import_id) for p in await stored_payments(world)]

    again = await imported(world, content)

    assert (again["rows_added"], again["rows_unchanged"]) == (0, 5)
    assert [(p.id, p.import_id) for p in await stored_payments(world)] == before
    assert {import_id for _, import_id in before} == {uuid.UUID(first["id"])}


async def test_a_file_overlapping_one_already_imported_adds_only_its_new_rows(
    world: World,
) -> None:
    await scheme(world)
    await imported(world, spend_csv(spend_row("INV-1"), spend_row("INV-2")))

    body = await imported(world, spend_csv(spend_row("INV-2"), spend_row("INV-3")))

    assert (body["rows_added"], body["rows_unchanged"]) == (1, 1)
    assert [p.transaction_number for p in await stored_payments(world)] == [
        "INV-1",
        "INV-2",
        "INV-3",
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"paid_on": "31/02/2026"}, ("date", 'Date "31/02/2026" is not a real date')),
        (
            {"paid_on": "2026/04/01"},
            ("date", 'Date "2026/04/01" is not written DD/MM/YYYY or YYYY-MM-DD'),
        ),
        ({"paid_on": ""}, ("date", "Enter the date")),
        (
            {"amount": "-25.00"},
            ("amount", 'Amount "-25.00" is negative; refunds and credit notes are not imported'),
        ),
        (
            {"amount": "£(25.00)"},
            ("amount", 'Amount "£(25.00)" is negative; refunds and credit notes are not imported'),
        ),
        (
            {"amount": "twelve pounds"},
            (
                "amount",
                'Amount "twelve pounds" is not a sum of money, such as 1234.56 or £1,234.56',
            ),
        ),
        ({"amount": "12.345"}, ("amount", 'Amount "12.345" has more than 2 decimal places')),
        ({"amount": "0.00"}, ("amount", 'Amount "0.00" is zero; give the sum paid')),
        ({"amount": "99999999999999"}, ("amount", 'Amount "99999999999999" is too large')),
        ({"beneficiary": "  "}, ("beneficiary", "Enter the beneficiary")),
        ({"purpose": "x" * 501}, ("purpose", "Purpose is longer than 500 characters")),
        (
            {"service_area": "High\x00ways"},
            (
                "service_area",
                "Service area contains the NUL character (code 0), which cannot be stored",
            ),
        ),
    ],
    ids=lambda value: str(value)[:30] if isinstance(value, dict) else "",
)
async def test_a_bad_value_is_reported_with_its_row_and_nothing_is_stored(
    world: World, changes: dict[str, str], problem: tuple[str, str]
) -> None:
    await scheme(world)
    content = spend_csv(spend_row("INV-1"), spend_row("INV-2", **changes))

    response = await upload(world, content)

    column, message = problem
    assert row_problems(response) == {f"rows.3.{column}": message}
    assert await stored_payments(world) == []


async def test_every_bad_row_is_listed_by_its_row_number(world: World) -> None:
    await scheme(world)
    content = spend_csv(
        spend_row("INV-1"),  # row 2: good
        spend_row("INV-2", amount="abc"),
        spend_row("INV-3", "CAP-999"),
        spend_row("INV-1"),  # a second INV-1
        ["", "", "", "", "", "", ""],  # a blank row: skipped, but it keeps its number
        spend_row("", paid_on="1 April 2026"),
        [*spend_row("INV-7"), "extra"],
    )

    response = await upload(world, content)

    assert row_problems(response) == {
        "rows.3.amount": 'Amount "abc" is not a sum of money, such as 1234.56 or £1,234.56',
        "rows.4.project_code": 'No capital project has the code "CAP-999"',
        "rows.5.transaction_number": 'Transaction number "INV-1" is also on row 2',
        "rows.7.date": 'Date "1 April 2026" is not written DD/MM/YYYY or YYYY-MM-DD',
        "rows.7.transaction_number": "Enter the transaction number",
        "rows.8.row": "The row has 8 values but the header names 7 columns: put a value with "
        "a comma in it, such as 1,234.56, in double quotes",
    }
    extra = response.json()["extra"]
    assert (extra["rows_total"], extra["bad_rows"], extra["problems"]) == (6, 5, 6)
    assert await stored_payments(world) == []
    recorded = await world.get(f"/spend/imports/{extra['import_id']}", "finance")
    assert recorded.json()["status"] == "failed"
    assert [(e["row"], e["field"]) for e in recorded.json()["errors"]] == [
        (3, "amount"),
        (4, "project_code"),
        (5, "transaction_number"),
        (7, "date"),
        (7, "transaction_number"),
        (8, "row"),
    ]


async def test_a_payment_stored_with_other_values_cannot_be_changed_by_an_import(
    world: World,
) -> None:
    await scheme(world)
    await scheme(world, "CAP-002")
    await imported(world, spend_csv(spend_row("INV-1", amount="100.00")))

    response = await upload(
        world, spend_csv(spend_row("INV-1", "CAP-002", amount="100.01"), spend_row("INV-2"))
    )

    assert row_problems(response) == {
        "rows.2.transaction_number": 'Transaction number "INV-1" is already stored with a '
        "different project code and amount; a stored payment cannot be changed by an import"
    }
    assert [(p.transaction_number, str(p.amount)) for p in await stored_payments(world)] == [
        ("INV-1", "100.00")
    ]


async def test_problems_past_the_first_thousand_are_counted_not_listed(world: World) -> None:
    await scheme(world)
    bad = [spend_row(f"INV-{n}", amount="n/a") for n in range(MAX_LISTED_PROBLEMS + 200)]

    response = await upload(world, spend_csv(*bad))

    body = error_of(response, 422, "spend_import_invalid")
    assert len(body["errors"]) == MAX_LISTED_PROBLEMS
    assert body["extra"]["problems"] == body["extra"]["bad_rows"] == MAX_LISTED_PROBLEMS + 200
    recorded = (await world.get(f"/spend/imports/{body['extra']['import_id']}", "finance")).json()
    assert recorded["errors"][0] == {
        "row": None,
        "field": "file",
        "message": "There are 1,200 problems in 1,200 rows; the first 1,000 are listed",
    }


@pytest.mark.parametrize(
    ("content", "status", "code", "detail"),
    [
        (b"", 422, "spend_file_empty", "The file is empty (0 bytes)"),
        (
            spend_csv(),
            422,
            "spend_file_no_rows",
            "The file has a header row but no payments under it",
        ),
        (
            spend_csv(["01/04/2026", "Highways", "Acme"], header=["Date", "Department", "Payee"]),
            422,
            "spend_columns_invalid",
            "The header row has no Purpose, Amount, Transaction number or Project code column. "
            "The first row must name the columns: Date, Service area, Beneficiary, Purpose, "
            "Amount, Transaction number, Project code.",
        ),
        (
            spend_csv(header=["Date;Service area;Beneficiary;Purpose;Amount"]),
            422,
            "spend_columns_invalid",
            "The header row has no Date, Service area, Beneficiary, Purpose, Amount, "
            "Transaction number or Project code column. Separate the columns with commas, not "
            "semicolons or tabs. The first row must name the columns: Date, Service area, "
            "Beneficiary, Purpose, Amount, Transaction number, Project code.",
        ),
        (
            spend_csv(header=["Department", "Service Area", *SPEND_HEADER[2:]]),
            422,
            "spend_columns_invalid",
            'The header row has no Date column. "Department" and "Service Area" both give the '
            "service area: keep one. The first row must name the columns: Date, Service area, "
            "Beneficiary, Purpose, Amount, Transaction number, Project code.",
        ),
        (
            spend_csv(spend_row("INV-1")).replace(b"Nene", "N\u00eane".encode("cp1252")),
            422,
            "spend_file_encoding",
            "The file is not UTF-8 text: byte 0xEA on line 2 cannot be read. Save it as "
            '"CSV UTF-8 (comma delimited)" and import it again.',
        ),
        (
            spend_csv(spend_row("INV-1")).decode().encode("utf-16"),
            422,
            "spend_file_encoding",
            'The file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8 (comma '
            'delimited)" and import it again.',
        ),
        (
            spend_csv(spend_row("INV-1", purpose="x" * 5000)),
            422,
            "spend_field_too_long",
            'Row 2 has a value of 5,000 characters in column "Purpose"; no value may be longer '
            'than 1,000. A double quote (") that is never closed makes the rest of the file '
            "one value: check that row.",
        ),
        (
            spend_csv(spend_row("INV-1")) + b'01/04/2026,"Highways,' + b"x" * 200_000,
            422,
            "spend_field_too_long",
            "Row 3 cannot be read (field larger than field limit (131072)). A double quote "
            '(") that is never closed makes the rest of the file one value: check that row.',
        ),
    ],
    ids=[
        "0-byte",
        "header-only",
        "wrong-columns",
        "semicolons",
        "doubled-column",
        "cp1252",
        "utf-16",
        "huge-field",
        "unclosed-quote",
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_whole_and_recorded(
    world: World, content: bytes, status: int, code: str, detail: str
) -> None:
    await scheme(world)

    response = await upload(world, content)

    body = error_of(response, status, code)
    assert body["detail"] == detail
    recorded = (await world.get(f"/spend/imports/{body['extra']['import_id']}", "finance")).json()
    assert recorded["status"] == "failed"
    assert recorded["errors"] == [{"row": None, "field": "file", "message": detail}]
    assert await stored_payments(world) == []


async def test_the_columns_error_names_what_is_missing_and_what_is_accepted(
    world: World,
) -> None:
    response = await upload(world, spend_csv(header=["When", "Who"]))

    extra = error_of(response, 422, "spend_columns_invalid")["extra"]
    assert extra["missing"] == [
        "Date",
        "Service area",
        "Beneficiary",
        "Purpose",
        "Amount",
        "Transaction number",
        "Project code",
    ]
    assert extra["found"] == ["When", "Who"]
    assert "net amount" in extra["accepted"]["Amount"]


async def test_a_file_over_50_mb_is_refused(world: World) -> None:
    just_over = b"x" * (MAX_FILE_BYTES + 1)
    csv_body = {**world.auth("finance"), "Content-Type": "text/csv"}

    checked = await world.client.post(API + IMPORT, headers=csv_body, content=just_over)
    far_over = await world.client.post(
        API + IMPORT, headers=csv_body, content=just_over + b"x" * 100_000
    )

    assert error_of(checked, 413, "spend_file_too_large")["detail"].startswith(
        "The file is 50.0 MB; the most that can be imported at once is 50 MB."
    )
    error_of(far_over, 413, "payload_too_large")


async def test_the_file_must_come_as_a_form_field_or_a_csv_body(world: World) -> None:
    as_json = await world.post(IMPORT, "finance", {"file": "Date,Amount"})
    no_file = await world.client.post(
        API + IMPORT, headers=world.auth("finance"), files={"notes": (None, b"no file here")}
    )

    error_of(as_json, 415, "unsupported_media_type")
    assert error_of(no_file, 422, "validation_error")["errors"] == [
        {"field": "file", "message": "Attach the spend file in a form field named file"}
    ]


@pytest.mark.parametrize("actor", ["admin", "procurement", "evaluator", "supplier"])
async def test_only_finance_may_import_spend(world: World, actor: str) -> None:
    await scheme(world)

    response = await upload(world, spend_csv(spend_row("INV-1")), actor)

    error_of(response, 403, "role_forbidden")
    async with world.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(SpendImport)) == 0


async def test_an_anonymous_import_is_refused(world: World) -> None:
    error_of(await upload(world, spend_csv(spend_row("INV-1")), None), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("actor", "status"),
    [("finance", 200), ("procurement", 200), ("admin", 200), ("evaluator", 403), ("supplier", 403)],
)
async def test_readers_of_the_capital_programme_see_imports_and_payments(
    world: World, actor: str, status: int
) -> None:
    project = await scheme(world)
    body = await imported(world, spend_csv(spend_row("INV-1")))

    answers = [
        await world.get("/spend/imports", actor),
        await world.get(f"/spend/imports/{body['id']}", actor),
        await world.get(f"/capital-projects/{project.id}/spend", actor),
    ]

    assert [a.status_code for a in answers] == [status] * 3


async def test_imports_are_listed_newest_first_with_their_outcome(world: World) -> None:
    await scheme(world)
    await imported(world, spend_csv(spend_row("INV-1")), "first.csv")
    await upload(world, b"", name="second.csv")

    listed = await world.get("/spend/imports", "finance")

    page = listed.json()
    assert page["total"] == 2
    assert [(i["file_name"], i["status"], i["rows_added"]) for i in page["items"]] == [
        ("second.csv", "failed", 0),
        ("first.csv", "succeeded", 1),
    ]
    assert "errors" not in page["items"][0]


async def test_another_councils_schemes_imports_and_payments_are_out_of_reach(
    world: World,
) -> None:
    theirs = await scheme(world, "CAP-001", other=True)
    ours = await scheme(world, "CAP-002")
    body = await imported(world, spend_csv(spend_row("INV-1", "CAP-002")))

    unknown = await upload(world, spend_csv(spend_row("INV-2", "CAP-001")))

    assert row_problems(unknown) == {
        "rows.2.project_code": 'No capital project has the code "CAP-001"'
    }
    assert (await world.get(f"/capital-projects/{theirs.id}/spend", "other_admin")).json()[
        "total"
    ] == 0
    error_of(await world.get(f"/capital-projects/{ours.id}/spend", "other_admin"), 404, "not_found")
    error_of(await world.get(f"/spend/imports/{body['id']}", "other_admin"), 404, "not_found")
    assert (await world.get("/spend/imports", "other_admin")).json()["total"] == 0


async def test_each_import_is_in_the_audit_trail(world: World) -> None:
    await scheme(world)
    body = await imported(world, spend_csv(spend_row("INV-1")), "may.csv")
    await upload(world, spend_csv(spend_row("INV-2", amount="-1")), name="june.csv")

    trail = (await world.get("/audit", "procurement")).json()["items"]

    events = [(e["entity_type"], e["action"], e["summary"]) for e in trail]
    assert events == [
        ("spend_import", "import", "Imported spend file may.csv: 1 payment added, 0 unchanged"),
        (
            "spend_import",
            "import_refused",
            "Spend file june.csv was not imported: 1 row with problems",
        ),
    ]
    assert trail[0]["entity_id"] == body["id"]
    assert trail[0]["actor_name"].startswith(world.users["finance"].full_name)
    assert trail[0]["after"]["sha256"] == body["sha256"]
