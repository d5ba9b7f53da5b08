"""`procurement report REF -o FILE`: the evaluation report of a closed tender, by reference."""

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Organisation, Tender
from tests.cli.conftest import Cli
from tests.factories import make_bid, make_organisation, make_supplier, make_tender, make_user


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database (both backends)."""
    return Cli(any_database_url, tmp_path)


def _reference() -> str:
    return f"RPT/{uuid.uuid4().hex[:8]}"


async def _tender(
    session: AsyncSession, reference: str, status: TenderStatus = TenderStatus.CLOSED
) -> tuple[Organisation, Tender]:
    """A council's tender with one supplier's bid."""
    organisation = await make_organisation(session, f"Council {reference}")
    officer = await make_user(session, organisation, Role.PROCUREMENT)
    tender = await make_tender(session, organisation, officer, status, reference)
    supplier = await make_supplier(session, organisation, "Nene Valley Builders Ltd")
    await make_bid(session, tender, supplier, officer)
    return organisation, tender


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


async def test_the_report_is_written_where_asked_and_the_command_says_where(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    reference = _reference()
    await _tender(session, reference)
    output = tmp_path / "report.pdf"
    printed = await asyncio.to_thread(cli.succeeds, "report", reference, "-o", str(output))
    assert str(output) in printed
    text = _text(output)
    assert reference in text
    assert "Nene Valley Builders Ltd" in text


async def test_a_reference_several_councils_use_needs_the_organisation(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    reference = _reference()
    await _tender(session, reference)
    chosen, _ = await _tender(session, reference)
    output = tmp_path / "chosen.pdf"
    refused = await asyncio.to_thread(cli.refuses, "report", reference, "-o", str(output))
    assert "pass --organisation-id" in refused
    assert not output.exists()
    await asyncio.to_thread(
        cli.succeeds, "report", reference, "-o", str(output), "--organisation-id", str(chosen.id)
    )
    assert f"Council {reference}" in _text(output)


async def test_unknown_and_sealed_tenders_have_no_report(
    cli: Cli, session: AsyncSession, tmp_path: Path
) -> None:
    reference = _reference()
    await _tender(session, reference, TenderStatus.OPEN)
    output = str(tmp_path / "none.pdf")
    unknown = await asyncio.to_thread(cli.refuses, "report", "NO/SUCH/REF", "-o", output)
    assert "No tender with reference NO/SUCH/REF" in unknown
    sealed = await asyncio.to_thread(cli.refuses, "report", reference, "-o", output)
    assert "Bids are sealed until the tender closes" in sealed
