"""Stored files against their recorded SHA-256: a publication file whose bytes were changed in
the database is refused and named; a cached report that was changed is named, then discarded
and rendered again; untouched files verify clean."""

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import FileIntegrityError
from procurement.models import Organisation, Publication, ReportCache, Tender
from procurement.schemas.publication import PublicationFileKind
from procurement.services import file_integrity
from procurement.services.file_integrity import stored_file_findings
from procurement.services.integrity import IntegrityFinding
from procurement.services.publications import PublicRecords
from procurement.services.report_rendering import REPORT_POOL, render_cached, report_fingerprint
from tests.factories import make_organisation, make_tender, make_user
from tests.integration.report_support import SPECIMEN, specimen_context
from tests.publication_support import make_publication, sha256_of

KIND = "specimen"
CSV = PublicationFileKind.CSV
FAKE_CSV = b"code,name\nCAP-001,Nothing to see here\n"


@pytest.fixture(scope="module", autouse=True)
def fresh_pool() -> Iterator[None]:
    """Start and stop the report worker pool with this module."""
    REPORT_POOL.shutdown()
    yield
    REPORT_POOL.shutdown()


@pytest.fixture
async def council(session: AsyncSession) -> Organisation:
    """A council with nothing published yet."""
    return await make_organisation(session)


async def tamper_file(
    session: AsyncSession, publication_id: uuid.UUID, kind: PublicationFileKind, **values: Any
) -> None:
    """Change a publication file's columns with plain SQL, as someone with database access
    could."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    statement = sa.text(
        f"UPDATE publication_file SET {assignments} WHERE publication_id = :id AND kind = :kind"  # noqa: S608
    ).bindparams(
        sa.bindparam("id", publication_id, type_=sa.Uuid()),
        sa.bindparam("kind", kind.value),
        *(
            sa.bindparam(name, value, type_=sa.LargeBinary() if name == "content" else None)
            for name, value in values.items()
        ),
    )
    await session.execute(statement)
    await session.commit()


async def tamper_cache(session: AsyncSession, content: bytes) -> None:
    """Overwrite every cached report's bytes with plain SQL."""
    await session.execute(
        sa.text("UPDATE report_cache SET content = :content").bindparams(
            sa.bindparam("content", content, type_=sa.LargeBinary())
        )
    )
    await session.commit()


def subject(publication: Publication, kind: PublicationFileKind) -> str:
    """How findings name a publication file."""
    return f"{kind.value} file of publication {publication.id} ({publication.title}, version 1)"


async def test_untouched_files_verify_clean(
    session: AsyncSession, council: Organisation, settings: Settings, tender: Tender
) -> None:
    for quarter in ("Q1", "Q2", "Q3", "Q4"):  # 20 files: more than one batch
        await make_publication(session, council, f"2026/27 {quarter}")
    await render_specimen(session, settings, tender)

    assert await stored_file_findings(session) == []


async def test_a_publication_file_edited_in_the_database_is_refused_logged_and_named(
    session: AsyncSession, council: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    publication = await make_publication(session, council)
    recorded = sha256_of(f"The csv file of {publication.period}".encode())
    await tamper_file(session, publication.id, CSV, content=FAKE_CSV)

    with caplog.at_level(logging.ERROR), pytest.raises(FileIntegrityError) as raised:
        await PublicRecords(session).file(publication.id, CSV)

    assert (raised.value.status_code, raised.value.code) == (500, "integrity_error")
    [logged] = [r for r in caplog.records if r.name == file_integrity.logger.name]
    assert logged.levelno == logging.ERROR
    message = logged.getMessage()
    assert f"csv file of publication {publication.id}" in message
    assert sha256_of(FAKE_CSV) in message and recorded in message
    assert await stored_file_findings(session) == [
        IntegrityFinding(
            "file",
            subject(publication, CSV),
            f"its bytes hash to {sha256_of(FAKE_CSV)}, not the recorded {recorded}",
            council.id,
        ),
        IntegrityFinding(
            "file",
            subject(publication, CSV),
            f"it is {len(FAKE_CSV)} bytes, not the recorded "
            f"{len(f'The csv file of {publication.period}')}",
            council.id,
        ),
    ]


async def test_the_other_files_of_a_tampered_publication_are_still_served(
    session: AsyncSession, council: Organisation
) -> None:
    publication = await make_publication(session, council)
    await tamper_file(session, publication.id, CSV, content=FAKE_CSV)

    stored = await PublicRecords(session).file(publication.id, PublicationFileKind.JSON)

    assert sha256_of(stored.content) == stored.sha256


async def test_every_batch_of_files_is_checked(
    session: AsyncSession, council: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_integrity, "BATCH_ROWS", 3)
    publications = [
        await make_publication(session, council, f"2026/27 {quarter}")
        for quarter in ("Q1", "Q2", "Q3")
    ]
    # The file that sorts first and the one that sorts last.
    ordered = sorted(publications, key=lambda p: str(p.id))
    first, last = ordered[0], ordered[-1]
    await tamper_file(session, first.id, PublicationFileKind.ARCHIVE_PDF, size=1)
    await tamper_file(session, last.id, PublicationFileKind.PDF, size=2)

    findings = await stored_file_findings(session)

    assert [finding.subject for finding in findings] == [
        subject(first, PublicationFileKind.ARCHIVE_PDF),
        subject(last, PublicationFileKind.PDF),
    ]


# Cached reports


@pytest.fixture
async def tender(session: AsyncSession, council: Organisation) -> Tender:
    """A closed tender for reports to be cached against."""
    officer = await make_user(session, council, Role.PROCUREMENT)
    return await make_tender(session, council, officer, TenderStatus.CLOSED)


async def render_specimen(
    session: AsyncSession, settings: Settings, tender: Tender, text: str = "Plain answer text"
) -> bytes:
    """The specimen report for the tender, through the cache."""

    async def build() -> dict[str, Any]:
        return specimen_context(text=text)

    return await render_cached(
        session,
        settings=settings,
        tender=tender,
        kind=KIND,
        fingerprint=await report_fingerprint(session, tender=tender, kind=KIND, key=""),
        template=SPECIMEN,
        build_context=build,
        title="Specimen report",
    )


async def cached(session: AsyncSession) -> ReportCache:
    """The one cached report, read afresh."""
    row = await session.scalar(sa.select(ReportCache).execution_options(populate_existing=True))
    assert row is not None
    return row


async def test_a_cached_report_is_stored_with_its_digest(
    session: AsyncSession, settings: Settings, tender: Tender
) -> None:
    document = await render_specimen(session, settings, tender)

    row = await cached(session)

    assert row.content == f"sha256:{sha256_of(document)}\n".encode() + document
    assert row.size == len(document)
    assert document.startswith(b"%PDF-")


async def test_a_cached_report_edited_in_the_database_is_named_then_rendered_again(
    session: AsyncSession,
    settings: Settings,
    tender: Tender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    document = await render_specimen(session, settings, tender)
    row = await cached(session)
    stamp = row.content[: -len(document)]
    forged = b"%PDF-1.7 a forged report"
    await tamper_cache(session, stamp + forged)
    name = f"cached report {row.key} ({KIND} of tender {tender.id})"

    assert await stored_file_findings(session) == [
        IntegrityFinding(
            "file",
            name,
            f"its bytes hash to {sha256_of(forged)}, not the recorded {sha256_of(document)}; "
            "it is rendered again when next asked for",
            tender.organisation_id,
        ),
        IntegrityFinding(
            "file",
            name,
            f"it is {len(forged)} bytes, not the recorded {len(document)}",
            tender.organisation_id,
        ),
    ]
    with caplog.at_level(logging.ERROR):
        served = await render_specimen(session, settings, tender)

    assert served.startswith(b"%PDF-") and served != forged
    [logged] = [r for r in caplog.records if r.name == file_integrity.logger.name]
    assert logged.levelno == logging.ERROR
    assert sha256_of(forged) in logged.getMessage()
    assert sha256_of(document) in logged.getMessage()
    replaced = await cached(session)
    assert replaced.content == f"sha256:{sha256_of(served)}\n".encode() + served
    assert await stored_file_findings(session) == []


async def test_a_cached_report_without_a_digest_is_named_then_rendered_again(
    session: AsyncSession, settings: Settings, tender: Tender
) -> None:
    document = await render_specimen(session, settings, tender)
    row = await cached(session)
    await tamper_cache(session, b"%PDF-1.7 a forged report with no digest")

    assert await stored_file_findings(session) == [
        IntegrityFinding(
            "file",
            f"cached report {row.key} ({KIND} of tender {tender.id})",
            "it has no recorded SHA-256; it is rendered again when next asked for",
            tender.organisation_id,
        )
    ]
    served = await render_specimen(session, settings, tender)

    assert served.startswith(b"%PDF-") and len(served) > len(document) // 2
    assert await stored_file_findings(session) == []
