"""Reports render to tagged PDF/UA with embedded fonts, in worker processes, cached by the
digest of their inputs and within a time limit."""

import asyncio
import itertools
import re
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.db import session_factory
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ReportTimeoutError
from procurement.models import Award, Bid, Organisation, ReportCache, Supplier, Tender
from procurement.services import audit
from procurement.services.report_rendering import (
    REPORT_POOL,
    RenderDeadlineError,
    ReportPool,
    render_cached,
    render_within,
    report_fingerprint,
)
from procurement.services.report_warming import warm_award_reports
from reports.pdf import render_pdf
from tests.factories import make_bid, make_organisation, make_supplier, make_tender, make_user
from tests.integration.report_support import (
    SPECIMEN,
    catalog_language,
    page_texts,
    poppler,
    specimen_context,
)

KIND = "specimen"
# Characters a council report needs beyond ASCII: pound sign, en dash, ≥, curly quotes.
TYPOGRAPHY = "Money \u00a31,250.00 \u2013 \u2265 60% \u201cquoted\u201d"


@pytest.fixture(scope="module", autouse=True)
def fresh_pool() -> Iterator[None]:
    """Start and stop the worker pool with this module, so its settings are this module's."""
    REPORT_POOL.shutdown()
    yield
    REPORT_POOL.shutdown()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates sent to the worker pool, one entry per render."""
    sent: list[str] = []
    submit = ReportPool.submit

    def counting(
        self: ReportPool, settings: Settings, template: str, context: Any, title: str, *rest: Any
    ) -> "Future[bytes]":
        sent.append(template)
        return submit(self, settings, template, context, title, *rest)

    monkeypatch.setattr(ReportPool, "submit", counting)
    return sent


@pytest.fixture
async def tender(session: AsyncSession) -> Tender:
    """A closed tender with one bid."""
    council = await make_organisation(session)
    officer = await make_user(session, council, Role.PROCUREMENT)
    tender = await make_tender(session, council, officer, status=TenderStatus.CLOSED)
    supplier = await make_supplier(session, council)
    await make_bid(session, tender, supplier, officer)
    return tender


async def render_specimen(
    session: AsyncSession,
    settings: Settings,
    tender: Tender,
    context: dict[str, Any],
    builds: list[dict[str, Any]] | None = None,
) -> bytes:
    """The specimen report for the tender, through the cache; `builds` collects every
    context the cache asked for."""

    async def build() -> dict[str, Any]:
        if builds is not None:
            builds.append(context)
        return context

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


async def cached_rows(session: AsyncSession) -> list[ReportCache]:
    """Every stored report."""
    return list((await session.scalars(sa.select(ReportCache))).all())


def test_a_report_is_tagged_pdf_ua_with_its_title(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(), title="Evaluation report: TST/0001")
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Evaluation report: TST/0001$", info, re.MULTILINE)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.MULTILINE)
    metadata = poppler("pdfinfo", pdf, tmp_path, "-meta")
    assert "pdfuaid:part" in metadata
    assert catalog_language(pdf) == "en-GB"


def test_the_structure_has_headings_in_order_and_table_headers(tmp_path: Path) -> None:
    structure = poppler(
        "pdfinfo", render_pdf(SPECIMEN, specimen_context(), title="T"), tmp_path, "-struct"
    )
    headings = re.findall(r"^\s*(H\d)\b", structure, re.MULTILINE)
    assert headings[0] == "H1"
    assert all(int(b[1]) - int(a[1]) <= 1 for a, b in itertools.pairwise(headings))
    assert re.search(r"^\s*THead$", structure, re.MULTILINE)
    assert re.search(r"^\s*TH\b", structure, re.MULTILINE)


def test_every_font_is_the_shipped_face_and_embedded(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(text=TYPOGRAPHY), title="T")
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts, "the document names no fonts"
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        assert "Report-Sans" in name, f"a font not shipped with the project: {line}"
    text = poppler("pdftotext", pdf, tmp_path)
    assert TYPOGRAPHY in text


def test_every_page_is_numbered_page_x_of_y(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(rows=120, text="Lorem ipsum " * 12), title="T")
    pages = page_texts(pdf, tmp_path)
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_table_headers_repeat_on_every_page_the_table_spans(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(rows=120, text="Lorem ipsum " * 12), title="T")
    pages = page_texts(pdf, tmp_path)
    spanned = [text for text in pages if "Bidder" in text]
    assert len(spanned) > 1
    for text in spanned:
        assert re.search(r"Name\s+Text\s+Score", text), text


def test_the_running_header_names_the_report_after_the_cover(tmp_path: Path) -> None:
    context = specimen_context(rows=60) | {"running_title": "TST/0001 evaluation report"}
    cover, *rest = page_texts(render_pdf(SPECIMEN, context, title="T"), tmp_path)
    assert rest
    assert "TST/0001 evaluation report" not in cover
    assert all("TST/0001 evaluation report" in text for text in rest)


def test_a_draft_says_draft_on_every_page(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(rows=60, draft=True), title="T")
    pages = page_texts(pdf, tmp_path)
    assert len(pages) > 1
    assert all("DRAFT" in "".join(text.split()) for text in pages)


def test_a_final_report_has_no_draft_mark(tmp_path: Path) -> None:
    pdf = render_pdf(SPECIMEN, specimen_context(rows=60, draft=False), title="T")
    assert not any("DRAFT" in "".join(text.split()) for text in page_texts(pdf, tmp_path))


async def test_a_repeat_request_is_served_from_the_cache_without_rendering(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str], tmp_path: Path
) -> None:
    first = await render_specimen(session, settings, tender, specimen_context())
    assert renders == [SPECIMEN]
    started = time.perf_counter()
    second = await render_specimen(session, settings, tender, specimen_context())
    elapsed = time.perf_counter() - started
    assert renders == [SPECIMEN]
    assert second == first
    assert elapsed < 0.05
    [row] = await cached_rows(session)
    assert (row.tender_id, row.kind, row.size) == (tender.id, KIND, len(first))
    assert "Tagged:          yes" in poppler("pdfinfo", first, tmp_path)


async def test_a_new_evaluation_version_renders_again(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    await render_specimen(session, settings, tender, specimen_context())
    tender.evaluation_inputs_changed()
    await session.commit()
    await render_specimen(session, settings, tender, specimen_context())
    assert len(renders) == 2
    assert len(await cached_rows(session)) == 2


async def test_a_repeat_download_builds_no_context(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    builds: list[dict[str, Any]] = []
    await render_specimen(session, settings, tender, specimen_context(), builds)
    await render_specimen(session, settings, tender, specimen_context(), builds)
    assert len(builds) == 1
    assert renders == [SPECIMEN]


async def _audit(session: AsyncSession, tender: Tender, summary: str) -> None:
    """An audited change recorded against `tender`, as the services record one."""
    await audit.record(
        session,
        None,
        organisation_id=tender.organisation_id,
        entity_type="tender",
        entity_id=tender.id,
        action="note",
        summary=summary,
        tender_id=tender.id,
    )
    await session.commit()


async def test_an_audited_change_to_the_tender_renders_again(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    await render_specimen(session, settings, tender, specimen_context(text="Before"))
    # Every audited change (a score, a declaration, a moderation...) is an audit event.
    await _audit(session, tender, "Saved draft scores")
    await render_specimen(session, settings, tender, specimen_context(text="After"))
    assert len(renders) == 2


async def test_work_on_another_tender_keeps_the_report_cached(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    await render_specimen(session, settings, tender, specimen_context())
    council = await session.get(Organisation, tender.organisation_id)
    assert council is not None
    officer = await make_user(session, council, Role.PROCUREMENT)
    other = await make_tender(session, council, officer, reference="OTHER/1")
    await _audit(session, other, "Published tender OTHER/1")
    await render_specimen(session, settings, tender, specimen_context())
    assert renders == [SPECIMEN]


async def test_a_renamed_bidder_renders_again(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    await render_specimen(session, settings, tender, specimen_context(text="Before"))
    bid = await session.scalar(sa.select(Bid).where(col(Bid.tender_id) == tender.id))
    assert bid is not None
    supplier = await session.get(Supplier, bid.supplier_id)
    assert supplier is not None
    supplier.name = "Renamed Ltd"
    supplier.touch()
    await session.commit()
    await render_specimen(session, settings, tender, specimen_context(text="After"))
    assert len(renders) == 2


async def test_the_awarded_report_is_not_the_cached_draft(
    session: AsyncSession, settings: Settings, tender: Tender, renders: list[str]
) -> None:
    await render_specimen(session, settings, tender, specimen_context(draft=True))
    bid = await session.scalar(sa.select(Bid).where(col(Bid.tender_id) == tender.id))
    assert bid is not None
    session.add(
        Award(
            tender_id=tender.id,
            bid_id=bid.id,
            decision_date=date(2026, 11, 1),
            rationale="Highest score",
            standstill_ends=date(2026, 11, 11),
            awarded_by_id=tender.created_by_id,
            evaluation_version=tender.evaluation_version,
        )
    )
    tender.status = TenderStatus.AWARDED
    await session.commit()
    # The same context on purpose: the tender's award alone must make a new document.
    await render_specimen(session, settings, tender, specimen_context(draft=True))
    assert len(renders) == 2


async def test_racing_requests_for_one_report_store_it_once(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, tender: Tender
) -> None:
    async def request() -> bytes:
        async with session_factory(engine)() as own:
            mine = await own.get(Tender, tender.id)
            assert mine is not None
            return await render_specimen(own, settings, mine, specimen_context())

    results = await asyncio.gather(request(), request(), request())
    assert all(pdf.startswith(b"%PDF-") for pdf in results)
    assert len(await cached_rows(session)) == 1


async def test_a_render_over_the_time_limit_answers_report_timeout_and_caches_nothing(
    session: AsyncSession, settings: Settings, tender: Tender
) -> None:
    hurried = settings.model_copy(update={"report_timeout_seconds": 0.3})
    heavy = specimen_context(rows=4000, text="A long rationale. " * 20)
    with pytest.raises(ReportTimeoutError) as raised:
        await render_specimen(session, hurried, tender, heavy)
    assert (raised.value.status_code, raised.value.code) == (503, "report_timeout")
    assert await cached_rows(session) == []


def test_a_worker_abandons_a_render_that_overruns() -> None:
    heavy = specimen_context(rows=4000, text="A long rationale. " * 20)
    started = time.perf_counter()
    with pytest.raises(RenderDeadlineError):
        render_within(0.3, SPECIMEN, heavy, "T")
    assert time.perf_counter() - started < 1


async def test_the_service_answers_while_a_report_renders(
    session: AsyncSession,
    settings: Settings,
    tender: Tender,
    client: AsyncTestClient[Litestar],
    renders: list[str],
) -> None:
    slow = specimen_context(rows=400, text="A long rationale. " * 20)
    started = time.perf_counter()
    rendering = asyncio.create_task(render_specimen(session, settings, tender, slow))
    answers = []
    while not rendering.done():
        asked = time.perf_counter()
        response = await client.get("/health")
        answers.append(time.perf_counter() - asked)
        assert response.status_code == 200
        await asyncio.sleep(0.05)
    assert (await rendering).startswith(b"%PDF-")
    took = time.perf_counter() - started
    assert renders == [SPECIMEN]
    # A render on the event loop would hold one answer back for all of its `took` seconds;
    # the margin allows for a busy machine.
    assert took > 2
    assert statistics.median(answers) < 0.05
    assert max(answers) < min(0.5, took / 4), [round(a, 3) for a in answers]


async def test_a_warm_up_that_fails_is_logged_and_leaves_nothing_cached(
    engine: AsyncEngine,
    session: AsyncSession,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = await make_organisation(session)
    officer = await make_user(session, council, Role.PROCUREMENT)
    sealed = await make_tender(session, council, officer, status=TenderStatus.OPEN)
    await warm_award_reports(session_factory(engine), settings, sealed.id)
    assert f"Could not pre-render the reports of tender {sealed.id}" in caplog.text
    assert await cached_rows(session) == []
