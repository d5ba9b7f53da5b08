"""Publications on SQLite and PostgreSQL: the snapshot and its files are stored together, once,
and served byte for byte for ever, across restarts; the public see only what was published
and only awarded contracts' winners.

The programme is the one in tests/publication_support.py.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ConflictError, NotFoundError
from procurement.models import AuditEvent, CapitalProject, Publication, PublicationFile
from procurement.schemas.publication import (
    PublicationCorrection,
    PublicationCreate,
    PublicationFileKind,
    PublicationRead,
)
from procurement.services.publications import PublicationService, PublicRecords
from tests.capital_factories import make_capital_project
from tests.conftest import TEST_SECRET
from tests.factories import make_bid, make_supplier, make_tender, token_for
from tests.integration.report_support import poppler
from tests.integration.support import Council
from tests.publication_support import (
    BUDGET,
    PERIOD,
    SOCIAL_VALUE,
    WINNING_PRICE,
    Programme,
    make_programme,
    sha256_of,
)

WINNER = "Welland Works Ltd"
LOSER = "Ise Valley Roofing Ltd"


@pytest.fixture
def settings(any_database_url: str, tmp_path: Path) -> Settings:
    """Settings for an app on the database under test (SQLite or PostgreSQL)."""
    return Settings(database_url=any_database_url, secret_key=TEST_SECRET, data_dir=tmp_path)


@pytest.fixture
async def programme(session: AsyncSession, council: Council) -> Programme:
    """The known programme in the council's books."""
    winner = await make_supplier(session, council.organisation, WINNER, "NN8 1AA")
    loser = await make_supplier(session, council.organisation, LOSER, "LE1 6ZG", is_sme=False)
    return await make_programme(session, council.organisation, council.officer_user, winner, loser)


def finance(session: AsyncSession, council: Council) -> PublicationService:
    """The council's finance officer's publication service."""
    return PublicationService(session, council.as_role(Role.FINANCE))


async def published(
    session: AsyncSession, council: Council, settings: Settings, period: str = PERIOD
) -> PublicationRead:
    """The period's summary, published by the council's finance officer."""
    publication = await finance(session, council).publish(
        PublicationCreate(period=period), settings
    )
    await session.commit()  # end the read that returned it
    return publication


async def test_the_snapshot_and_every_file_are_stored_with_their_digests(
    session: AsyncSession, council: Council, programme: Programme, settings: Settings
) -> None:
    publication = await published(session, council, settings)
    files = (
        await session.scalars(
            sa.select(PublicationFile).where(col(PublicationFile.publication_id) == publication.id)
        )
    ).all()
    assert {f.kind for f in files} == {kind.value for kind in PublicationFileKind}
    for file in files:
        assert file.sha256 == sha256_of(file.content)
        assert file.size == len(file.content)
    stored = await session.get(Publication, publication.id)
    assert stored is not None
    data = next(f.content for f in files if f.kind == PublicationFileKind.JSON)
    assert json.loads(data) == stored.snapshot
    assert stored.snapshot["totals"]["approved_budget"] == str(BUDGET)
    event = await session.scalar(
        sa.select(AuditEvent).where(col(AuditEvent.entity_id) == str(publication.id))
    )
    assert event is not None and event.action == "publish"
    assert event.after is not None
    assert event.after["files"] == {f.kind: f.sha256 for f in files}


async def test_nothing_is_kept_when_a_variance_is_unexplained(
    session: AsyncSession, council: Council, programme: Programme, settings: Settings
) -> None:
    library = await session.get(CapitalProject, programme.projects["CAP-001"].id)
    assert library is not None
    library.variance_explanation = "  "  # blank is no explanation
    await session.commit()
    with pytest.raises(ConflictError) as refused:
        await finance(session, council).publish(PublicationCreate(period=PERIOD), settings)
    assert refused.value.code == "variance_unexplained"
    assert [p["code"] for p in refused.value.extra["projects"]] == ["CAP-001"]
    await session.rollback()
    for table in (Publication, PublicationFile):
        assert await session.scalar(sa.select(sa.func.count()).select_from(table)) == 0
    events = sa.select(sa.func.count()).where(col(AuditEvent.entity_type) == "publication")
    assert await session.scalar(events) == 0


async def _downloads(
    app: Litestar, token: str, publication_id: str | None
) -> tuple[str, dict[str, bytes]]:
    """Publish (when no id is given) through the API, then download every file."""
    headers = {"Authorization": f"Bearer {token}"}
    async with AsyncTestClient(app=app) as client:
        if publication_id is None:
            response = await client.post(
                "/api/v1/publications", json={"period": PERIOD}, headers=headers
            )
            assert response.status_code == 201, response.text
            publication_id = str(response.json()["id"])
        listed = (
            await client.get(f"/api/v1/publications/{publication_id}", headers=headers)
        ).json()
        contents = {}
        for file in listed["files"]:
            download = await client.get(file["url"], headers=headers)
            assert download.status_code == 200, download.text
            assert download.headers["etag"] == f'"{file["sha256"]}"'
            assert sha256_of(download.content) == file["sha256"]
            contents[file["kind"]] = download.content
    return publication_id, contents


async def test_the_files_survive_a_restart_byte_for_byte(
    session: AsyncSession, council: Council, programme: Programme, settings: Settings
) -> None:
    token = await token_for(session, council.users[Role.FINANCE])
    await session.commit()  # leave the database to the apps
    publication_id, before = await _downloads(create_app(settings), token, None)
    # A new app on the same database: nothing is kept in memory between the two.
    _, after = await _downloads(create_app(settings), token, publication_id)
    assert after == before
    stored = await session.execute(
        sa.select(col(PublicationFile.kind), col(PublicationFile.sha256))
    )
    assert {row.kind: row.sha256 for row in stored} == {
        kind: sha256_of(content) for kind, content in after.items()
    }


async def test_the_pdf_summarises_and_leaves_every_scheme_to_the_csv(
    session: AsyncSession, council: Council, settings: Settings, tmp_path: Path
) -> None:
    for number in range(1, 46):
        await make_capital_project(
            session, council.organisation, f"BIG-{number:02d}", budget=f"{number * 10000}.00"
        )
    publication = await published(session, council, settings)
    service = finance(session, council)
    pdf = (await service.file(publication.id, PublicationFileKind.PDF)).content
    text = poppler("pdftotext", pdf, tmp_path)
    assert all(f"BIG-{n:02d}" in text for n in range(26, 46))  # the 20 largest
    assert not any(f"BIG-{n:02d}" in text for n in range(1, 26))
    assert "The CSV and JSON files give all 45 schemes." in text.replace("\n", " ")
    pages = int(poppler("pdfinfo", pdf, tmp_path).split("Pages:")[1].split()[0])
    assert pages <= 8
    table = (await service.file(publication.id, PublicationFileKind.CSV)).content.decode()
    assert len(list(csv.DictReader(io.StringIO(table)))) == 45


async def test_public_records_hold_what_was_published_and_nothing_since(
    session: AsyncSession,
    council: Council,
    other_council: Council,
    programme: Programme,
    settings: Settings,
) -> None:
    first = await published(session, council, settings)
    theirs = await published(session, other_council, settings)
    await make_capital_project(session, council.organisation, "CAP-900", name="Secret depot")
    library = await session.get(CapitalProject, programme.projects["CAP-001"].id)
    assert library is not None
    library.approved_budget = Decimal("900000.00")
    await session.commit()

    public = PublicRecords(session)
    shown = await public.publication(first.id)
    assert shown.snapshot["totals"]["approved_budget"] == str(BUDGET)
    assert "Secret depot" not in json.dumps(shown.snapshot)
    assert shown.summary.superseded_by is None and shown.supersedes is None
    data = await public.file(first.id, PublicationFileKind.JSON)
    assert json.loads(data.content) == shown.snapshot
    listed = {(s.organisation, s.version) for s in await public.publications()}
    assert listed == {(council.organisation.name, 1), (other_council.organisation.name, 1)}

    note = "The Castle library budget was raised"
    second = await finance(session, council).correct(
        first.id, PublicationCorrection(correction_note=note), settings
    )
    await session.commit()
    # The budget raised by 400,000 and the new scheme of 100,000 count now.
    assert second.totals.approved_budget == Decimal("2200000.00")
    assert second.totals.project_count == 4
    old = await public.publication(first.id)
    assert old.summary.superseded_by is not None and old.summary.superseded_by.version == 2
    assert old.snapshot == shown.snapshot
    new = await public.publication(second.id)
    assert new.supersedes is not None and new.supersedes.id == first.id
    assert new.snapshot["correction_note"] == note
    assert [s.id for s in await public.newest()][:1] == [second.id]
    assert theirs.id in {s.id for s in await public.newest()}


async def test_another_council_can_neither_read_nor_correct_a_publication(
    session: AsyncSession,
    council: Council,
    other_council: Council,
    programme: Programme,
    settings: Settings,
) -> None:
    publication = await published(session, council, settings)
    outsider = finance(session, other_council)
    with pytest.raises(NotFoundError):
        await outsider.get(publication.id)
    with pytest.raises(NotFoundError):
        await outsider.file(publication.id, PublicationFileKind.CSV)
    with pytest.raises(NotFoundError):
        await outsider.correct(
            publication.id, PublicationCorrection(correction_note="No"), settings
        )


async def test_public_awards_list_only_awarded_contracts_and_only_their_winners(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    hidden = await make_supplier(session, council.organisation, "Hidden Bidder Ltd", "NN8 2BB")
    officer = council.officer_user
    for status in (
        TenderStatus.DRAFT,
        TenderStatus.OPEN,
        TenderStatus.CLOSED,
        TenderStatus.EVALUATING,
        TenderStatus.CANCELLED,
    ):
        tender = await make_tender(
            session, council.organisation, officer, status, title=f"Not awarded: {status.value}"
        )
        if status is not TenderStatus.DRAFT:
            await make_bid(session, tender, hidden, officer, "12345.00")
    awards = await PublicRecords(session).awards(20, 0)
    assert awards.total == 1
    (award,) = awards.items
    assert (award.reference, award.supplier) == (programme.tender.reference, WINNER)
    assert award.contract_value == Decimal(WINNING_PRICE)
    assert (award.is_local, award.is_sme, award.is_vcse) == (True, True, False)
    assert award.social_value == SOCIAL_VALUE
    assert award.awarded_on == date(2026, 5, 1)
    assert award.organisation == council.organisation.name
