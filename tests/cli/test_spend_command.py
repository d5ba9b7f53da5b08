"""`procurement spend import FILE`: a spend file imported from the command line, all or
nothing, with a progress bar."""

import asyncio
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.models import Organisation, SpendImport, SpendTransaction
from tests.capital_factories import make_capital_project, spend_csv, spend_row
from tests.cli.conftest import Cli, cli_in
from tests.factories import make_organisation

# Spend files for the demo council's schemes, as the README suggests trying.
EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "spend"


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database (both backends)."""
    return Cli(any_database_url, tmp_path)


async def council(session: AsyncSession, name: str = "Test Borough Council") -> Organisation:
    """A council with the capital scheme CAP-001."""
    organisation = await make_organisation(session, name)
    await make_capital_project(session, organisation, "CAP-001")
    return organisation


def spend_file(directory: Path, name: str, *rows: list[str]) -> str:
    """A spend file written into the directory; its path."""
    path = directory / name
    path.write_bytes(spend_csv(*rows))
    return str(path)


async def stored(session: AsyncSession) -> list[tuple[str, uuid.UUID]]:
    """Every payment's number and organisation."""
    found = await session.execute(
        sa.select(
            col(SpendTransaction.transaction_number), col(SpendTransaction.organisation_id)
        ).order_by(col(SpendTransaction.transaction_number))
    )
    rows = list(found.tuples())
    await session.commit()
    return rows


async def test_a_file_is_imported_with_a_progress_bar_and_again_changes_nothing(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    organisation = await council(session)
    path = spend_file(tmp_path, "april.csv", spend_row("INV-1"), spend_row("INV-2"))

    printed = await asyncio.to_thread(cli.succeeds, "spend", "import", path)
    again = await asyncio.to_thread(cli.succeeds, "spend", "import", path)

    assert "Checking rows" in printed and "Saving new payments" in printed
    assert "Imported april.csv: 2 new payments added, 0 already stored and unchanged" in printed
    assert "Imported april.csv: 0 new payments added, 2 already stored and unchanged" in again
    assert "Saving new payments" not in again
    assert await stored(session) == [("INV-1", organisation.id), ("INV-2", organisation.id)]
    imports = await session.scalars(sa.select(col(SpendImport.created_by_id)))
    assert list(imports) == [None, None]  # the command line, as the audit trail names it


async def test_with_several_councils_the_organisation_must_be_named(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    await council(session, "First Council")
    chosen = await council(session, "Second Council")
    path = spend_file(tmp_path, "may.csv", spend_row("INV-1"))

    refused = await asyncio.to_thread(cli.refuses, "spend", "import", path)
    await asyncio.to_thread(cli.succeeds, "spend", "import", path, "--organisation", str(chosen.id))

    assert "Pass --organisation-id" in refused
    assert await stored(session) == [("INV-1", chosen.id)]


async def test_a_file_with_bad_rows_lists_them_and_imports_nothing(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    await council(session)
    path = spend_file(
        tmp_path,
        "june.csv",
        spend_row("INV-1"),
        spend_row("INV-2", amount="-5"),
        spend_row("INV-3", "CAP-404", paid_on="31/06/2026"),
    )

    refused = await asyncio.to_thread(cli.refuses, "spend", "import", path)

    assert "2 rows of the 3 in june.csv have problems, so nothing was imported." in refused
    assert 'Row 3, amount: Amount "-5" is negative' in refused
    assert 'Row 4, date: Date "31/06/2026" is not a real date' in refused
    assert 'Row 4, project_code: No capital project has the code "CAP-404"' in refused
    assert await stored(session) == []


async def test_a_file_that_cannot_be_read_says_why(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    await council(session)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    refused = await asyncio.to_thread(cli.refuses, "spend", "import", str(empty))

    assert "The file is empty (0 bytes)" in refused


def test_the_example_files_import_into_the_demo_council(tmp_path: Path) -> None:
    demo = cli_in(tmp_path)
    demo.succeeds("db", "upgrade")
    demo.succeeds("seed-demo")

    imported = demo.succeeds("spend", "import", str(EXAMPLES / "example.csv"))
    refused = demo.refuses("spend", "import", str(EXAMPLES / "example-with-errors.csv"))

    assert "Imported example.csv: 10 new payments added" in imported
    assert "4 rows of the 10 in example-with-errors.csv have problems" in refused
    assert 'Row 4, amount: Amount "-£31,870.00" is negative' in refused
    assert 'Row 9, project_code: No capital project has the code "CAP-XX-999"' in refused
