"""Reading rendered PDFs with poppler's tools, a specimen report context, and an award
made through the service for reports to describe."""

import re
import subprocess
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.dates import london_date
from procurement.models import Bid, User
from procurement.models.base import utc_now
from procurement.schemas.award import AwardCreate, AwardRead
from procurement.services.auth import principal_for
from procurement.services.awards import AwardService

SPECIMEN = "specimen.html"


def specimen_context(
    *, rows: int = 3, text: str = "Plain answer text", draft: bool = False
) -> dict[str, Any]:
    """Context for the specimen report: `rows` table rows, each carrying `text`."""
    return {
        "reference": "TST/0001",
        "draft": draft,
        "paragraphs": [text],
        "rows": [{"name": f"Bidder {n}", "text": text, "score": "12.50"} for n in range(rows)],
    }


def poppler(tool: str, pdf: bytes, tmp_path: Path, *options: str) -> str:
    """The output of a poppler tool (pdfinfo, pdffonts, pdftotext) run on the document."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    to_stdout = ["-"] if tool == "pdftotext" else []
    command = [tool, *options, str(path), *to_stdout]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, in order (in content order, so rotated words stay whole)."""
    return poppler("pdftotext", pdf, tmp_path, "-raw").split("\f")[:-1]


def catalog_language(pdf: bytes) -> str | None:
    """The document language (/Lang of the catalog), read from the PDF's compressed objects."""
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            objects = zlib.decompress(stream[1])
        except zlib.error:
            continue
        if found := re.search(rb"/Type /Catalog.*?/Lang \((.*?)\)", objects, re.DOTALL):
            return found[1].decode()
    return None


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text in content order, with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", poppler("pdftotext", pdf, tmp_path, "-raw"))


async def award_to(session: AsyncSession, officer: User, bid: Bid, rationale: str) -> AwardRead:
    """The officer awards the bid's tender to it today, through the award service."""
    decision = AwardCreate(bid_id=bid.id, decision_date=london_date(utc_now()), rationale=rationale)
    awarded = await AwardService(session, principal_for(officer)).create(bid.tender_id, decision)
    await session.commit()  # reading the award back opened a transaction
    return awarded
