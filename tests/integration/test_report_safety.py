"""Reports carry text that bidders and evaluators typed: it is printed as text, and nothing in
a report (text or template) can make the renderer fetch from the network or read other files."""

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.ext.asyncio import AsyncSession
from weasyprint import HTML

from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.services.report_rendering import REPORT_POOL, render_cached, report_fingerprint
from reports.fetcher import DATA_URL_LIMIT
from reports.pdf import render_pdf, report_templates
from tests.factories import make_organisation, make_tender, make_user
from tests.integration.report_support import SPECIMEN, poppler, specimen_context

OVERSIZED_DATA_URL = "data:image/png;base64," + "A" * DATA_URL_LIMIT
# Typed text is at most 10,000 characters (LongText), and is printed, never fetched.
TYPED_DATA_URL = "data:image/png;base64," + "A" * 9_000


@dataclass
class Trap:
    """A real HTTP server on a free local port that records every request it is sent."""

    url: str
    paths: list[str] = field(default_factory=list)


@pytest.fixture
def trap() -> Iterator[Trap]:
    """A listening server; any request reaching it means the renderer went to the network."""
    paths: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: Any) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Trap(url=f"http://127.0.0.1:{server.server_address[1]}", paths=paths)
    finally:
        server.shutdown()
        server.server_close()


def hostile_text(trap: Trap) -> str:
    """Markup a bidder might type into an answer or an evaluator into a rationale."""
    return (
        f'<img src="{trap.url}/typed-image.png">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<script>alert(1)</script>"
        f'<img src="{TYPED_DATA_URL}">'
    )


def test_the_trap_records_a_renderer_that_may_fetch(trap: Trap) -> None:
    # Without the report fetcher WeasyPrint does go to the network: the trap would notice.
    HTML(string=f'<img src="{trap.url}/unguarded.png">').write_pdf()
    assert trap.paths == ["/unguarded.png"]


def test_typed_markup_is_printed_as_text_and_fetches_nothing(trap: Trap, tmp_path: Path) -> None:
    typed = hostile_text(trap)
    pdf = render_pdf(SPECIMEN, specimen_context(rows=1, text=typed), title="Evaluation report")
    assert pdf.startswith(b"%PDF-")
    assert trap.paths == []
    text = "".join(poppler("pdftotext", pdf, tmp_path, "-raw").split())
    assert "<script>alert(1)</script>" in text
    assert f'<imgsrc="{trap.url}/typed-image.png">' in text
    assert '<linkrel="stylesheet"href="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text


async def test_typed_markup_fetches_nothing_when_rendered_by_a_worker(
    session: AsyncSession, settings: Settings, trap: Trap, tmp_path: Path
) -> None:
    council = await make_organisation(session)
    officer = await make_user(session, council, Role.PROCUREMENT)
    tender = await make_tender(session, council, officer, status=TenderStatus.CLOSED)
    try:
        context = specimen_context(rows=1, text=hostile_text(trap))

        async def build() -> dict[str, Any]:
            return context

        pdf = await render_cached(
            session,
            settings=settings,
            tender=tender,
            kind="specimen",
            fingerprint=await report_fingerprint(
                session, tender=tender, kind="specimen", key="hostile"
            ),
            template=SPECIMEN,
            build_context=build,
            title="Evaluation report",
        )
    finally:
        REPORT_POOL.shutdown()
    assert trap.paths == []
    assert "<script>alert(1)</script>" in poppler("pdftotext", pdf, tmp_path)


@pytest.fixture
def hostile_template(trap: Trap, monkeypatch: pytest.MonkeyPatch) -> str:
    """A report template that itself asks for the network, system files and a large payload."""
    source = f"""{{% extends "base.html" %}}
{{% block head %}}
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="../../procurement/config.py">
<link rel="stylesheet" href="{trap.url}/linked.css">
<style>
  @import url("{trap.url}/imported.css");
  body {{ background: url("{trap.url}/background.png"); }}
  @font-face {{ font-family: Remote; src: url("{trap.url}/font.ttf"); }}
  p {{ font-family: Remote, "Report Sans"; }}
</style>
{{% endblock %}}
{{% block content %}}
<h1>Hostile</h1>
<p>Still printed.</p>
<img src="{trap.url}/image.png" alt="">
<img src="file:///etc/hostname" alt="">
<img src="{OVERSIZED_DATA_URL}" alt="">
<object data="{trap.url}/object.svg"></object>
<svg width="10" height="10"><image href="{trap.url}/svg-image.png" width="10" height="10"/></svg>
{{% endblock %}}"""
    shipped = report_templates.loader
    assert shipped is not None
    loader = ChoiceLoader([DictLoader({"hostile.html": source}), shipped])
    monkeypatch.setattr(report_templates, "loader", loader)
    return "hostile.html"


def test_a_template_gets_nothing_from_outside_its_folder(
    hostile_template: str, trap: Trap, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(hostile_template, {}, title="Hostile")
    assert trap.paths == []
    assert "Still printed." in poppler("pdftotext", pdf, tmp_path)
    refusals = caplog.text
    assert "file:///etc/passwd" in refusals
    assert "reports may load only their own template assets" in refusals
    assert "data: URL longer than" in refusals
    assert "reports may not load http URLs" in refusals
