"""`procurement summaries REF -o DIR`: one assessment summary PDF per bid, with progress."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from tests.cli.conftest import Cli
from tests.factories import make_bid, make_organisation, make_supplier, make_tender, make_user


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database (both backends)."""
    return Cli(any_database_url, tmp_path)


async def _closed_tender_with_bids(session: AsyncSession, reference: str) -> None:
    organisation = await make_organisation(session, "Summary Borough Council")
    officer = await make_user(session, organisation, Role.PROCUREMENT)
    tender = await make_tender(session, organisation, officer, TenderStatus.CLOSED, reference)
    for name, price in (
        ("Alder Works Ltd", "90000"),
        ("Birch & Co", "95000"),
        ("Cedar plc", "99000"),
    ):
        await make_bid(
            session, tender, await make_supplier(session, organisation, name), officer, price
        )


async def test_a_pdf_per_bid_is_written_into_a_new_directory(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    await _closed_tender_with_bids(session, "SB/2026/7")
    output = tmp_path / "summaries" / "sb-7"
    printed = await asyncio.to_thread(cli.succeeds, "summaries", "SB/2026/7", "-o", str(output))
    names = sorted(path.name for path in output.iterdir())
    assert names == [
        "assessment-summary-sb-2026-7-alder-works-ltd.pdf",
        "assessment-summary-sb-2026-7-birch-co.pdf",
        "assessment-summary-sb-2026-7-cedar-plc.pdf",
    ]
    assert all((output / name).read_bytes().startswith(b"%PDF-") for name in names)
    assert "Rendering assessment summaries" in printed  # the progress bar's label
    assert f"3 assessment summaries for SB/2026/7 written to {output.resolve()}" in printed
    assert all(f"  {name}" in printed for name in names)


async def test_an_unknown_reference_is_refused(cli: Cli, tmp_path: Path) -> None:
    message = await asyncio.to_thread(cli.refuses, "summaries", "NOPE/1", "-o", str(tmp_path))
    assert "No tender with reference NOPE/1" in message


async def test_an_open_tender_has_no_summaries_yet(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    organisation = await make_organisation(session, "Open Borough Council")
    officer = await make_user(session, organisation, Role.PROCUREMENT)
    await make_tender(session, organisation, officer, TenderStatus.OPEN, "OB/1")
    message = await asyncio.to_thread(cli.refuses, "summaries", "OB/1", "-o", str(tmp_path))
    assert "Bids are sealed until the tender closes" in message
