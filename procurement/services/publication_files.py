"""A publication's files, made once from its snapshot: the accessible PDF (PDF/UA-1), the
archival PDF (PDF/A-3b, with the JSON attached), a self-contained HTML page, a CSV of every
scheme and the JSON snapshot itself.

The documents show summaries and the largest schemes, never every scheme: a programme may
hold thousands, and those belong in the CSV and JSON. The same document context feeds the
public web page, so that the page, the PDF and the HTML file say the same thing.
"""

import asyncio
import csv
import functools
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from procurement.config import Settings
from procurement.domain.capital import FundingSource
from procurement.domain.dates import london_day
from procurement.schemas.publication import MEDIA_TYPES, PublicationFileKind
from procurement.services.assessment_summaries import safe_name
from procurement.services.report_rendering import render_in_pool
from reports.charts import BarRow, stacked_bar_chart, whole_pounds
from reports.pdf import EmbeddedFile, render_archive_pdf, render_html
from scoring.presentation import money

PDF_TEMPLATE = "capital_summary.html"
PAGE_TEMPLATE = "capital_summary_page.html"
# The most rows a document's long tables show; the rest are in the CSV and JSON.
DOCUMENT_ROWS = 50
CHART_HEADROOM = Decimal("1.25")
FLAG_NAMES = {"adverse": "Adverse", "favourable": "Favourable", "on budget": "On budget"}
CSV_FUNDING = [f"funding_{source.value}" for source in FundingSource]
CSV_COLUMNS = [
    "code",
    "name",
    "service_area",
    "ward",
    "status",
    "start_date",
    "end_date",
    "approved_budget",
    *CSV_FUNDING,
    "forecast_outturn",
    "spend_to_date",
    "percent_spent",
    "variance",
    "variance_percent",
    "variance_flag",
    "variance_explanation",
    "slippage",
    "local_spend",
    "sme_vcse_spend",
    "local_share",
    "social_value_committed",
    "contracts",
]
# Text typed by people; a spreadsheet would run a cell starting with one of these as a formula.
CSV_TEXT = {"code", "name", "service_area", "ward", "variance_explanation", "contracts"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class MadeFile:
    """One file of a publication, byte for byte."""

    kind: PublicationFileKind
    content: bytes

    @property
    def media_type(self) -> str:
        """Its Content-Type."""
        return MEDIA_TYPES[self.kind]

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of its bytes."""
        return hashlib.sha256(self.content).hexdigest()


EXTENSIONS = {
    PublicationFileKind.PDF: ".pdf",
    PublicationFileKind.ARCHIVE_PDF: "-archive.pdf",
    PublicationFileKind.HTML: ".html",
    PublicationFileKind.CSV: ".csv",
    PublicationFileKind.JSON: ".json",
}


def file_name(title: str, version: int, kind: PublicationFileKind) -> str:
    """The name a file is saved under: capital-programme-summary-2026-27-q2-v1.pdf."""
    return f"{safe_name(title, 'capital-programme-summary')}-v{version}{EXTENSIONS[kind]}"


def document_title(snapshot: Mapping[str, Any]) -> str:
    """The documents' title: "Capital programme summary 2026/27 Q2, version 1"."""
    return f"{snapshot['title']}, version {snapshot['version']}"


def _money(value: str) -> str:
    return money(Decimal(value))


def _percent(value: str) -> str:
    return f"{value}%"


def _formatted(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of figures with its money and percentages written for people."""
    shown = dict(row)
    for name in (
        "approved_budget",
        "forecast_outturn",
        "spend_to_date",
        "variance",
        "slippage",
        "local_spend",
        "sme_vcse_spend",
        "social_value_committed",
        "amount",
        "contract_value",
        "social_value",
        "profiled_budget",
        "spend",
    ):
        if name in row:
            shown[name] = _money(row[name])
    for name in ("percent_spent", "variance_percent", "local_share", "share"):
        if name in row:
            shown[name] = _percent(row[name])
    if "variance_flag" in row:
        shown["variance_flag"] = FLAG_NAMES[row["variance_flag"]]
    return shown


def _shown(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The first DOCUMENT_ROWS rows, formatted, and how many more there are."""
    return {
        "rows": [_formatted(row) for row in rows[:DOCUMENT_ROWS]],
        "more": max(len(rows) - DOCUMENT_ROWS, 0),
        "total": len(rows),
    }


def chart_svg(chart: Mapping[str, Any]) -> str:
    """A snapshot chart as an accessible SVG (its rows are also given as a table)."""
    rows = [
        BarRow(row["label"], tuple(Decimal(value) for value in row["values"]))
        for row in chart["rows"]
    ]
    largest = max((row.total for row in rows), default=Decimal(0))
    return stacked_bar_chart(
        chart["id"],
        chart["title"],
        chart["series"],
        rows,
        # Room past the longest bar for its total in pounds; a chart of zeros
        # draws no bars but still needs a scale.
        maximum=largest * CHART_HEADROOM or Decimal(1),
        unit="",  # the amounts say £ themselves
        value_text=whole_pounds,
    )


def document_context(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """What the documents and the public page show, as plain strings, lists and dicts."""
    period = snapshot["period"]
    contracts = snapshot["social_value"]["contracts"]
    return {
        "organisation": snapshot["organisation"],
        "heading": snapshot["title"],
        "period": period["label"],
        "period_dates": f"{london_day(date.fromisoformat(period['start']))} to "
        f"{london_day(date.fromisoformat(period['end']))}",
        "as_at": london_day(date.fromisoformat(snapshot["as_at"])),
        "version": snapshot["version"],
        "supersedes_version": snapshot["supersedes_version"],
        "correction_note": snapshot["correction_note"],
        "published_on": london_day(datetime.fromisoformat(snapshot["published_at"])),
        "published_by": snapshot["published_by"],
        "threshold": _percent(snapshot["variance_threshold_percent"]),
        "totals": _formatted(snapshot["totals"]),
        "areas": _shown(snapshot["by_service_area"]),
        "wards": _shown(snapshot["by_ward"]),
        "funding": [_formatted(row) for row in snapshot["by_funding_source"]],
        "years": [_formatted(row) for row in snapshot["by_financial_year"]],
        "variances": _shown(snapshot["variances"]),
        "top_schemes": [_formatted(row) for row in snapshot["top_schemes"]],
        "social_value": _money(snapshot["social_value"]["total"]),
        "contracts": _shown(contracts),
        "charts": {chart["id"]: chart_svg(chart) for chart in snapshot["charts"]},
    }


def snapshot_json(snapshot: Mapping[str, Any]) -> bytes:
    """The JSON file: the snapshot, indented, in UTF-8."""
    return (json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n").encode()


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    if column in CSV_TEXT and text.startswith(FORMULA_STARTS):
        return "'" + text  # shown as typed, never run as a formula
    return text


def schemes_csv(snapshot: Mapping[str, Any]) -> bytes:
    """The CSV file: every scheme, one row each, with its funding by source."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for scheme in snapshot["schemes"]:
        values = {**scheme, **{f"funding_{s}": v for s, v in scheme["funding"].items()}}
        writer.writerow(_cell(column, values.get(column)) for column in CSV_COLUMNS)
    return out.getvalue().encode()


def _text_files(snapshot: Mapping[str, Any], context: Mapping[str, Any]) -> list[MadeFile]:
    page = render_html(PAGE_TEMPLATE, context, title=document_title(snapshot))
    return [
        MadeFile(PublicationFileKind.HTML, page.encode()),
        MadeFile(PublicationFileKind.CSV, schemes_csv(snapshot)),
        MadeFile(PublicationFileKind.JSON, snapshot_json(snapshot)),
    ]


async def make_files(snapshot: Mapping[str, Any], settings: Settings) -> list[MadeFile]:
    """Every file of the publication. The PDFs are rendered in the report worker pool, the
    others in a thread, all at once, so the event loop is never held up."""
    context = document_context(snapshot)
    title = document_title(snapshot)
    text_files = await asyncio.to_thread(_text_files, snapshot, context)
    data = next(f for f in text_files if f.kind is PublicationFileKind.JSON)
    attached = EmbeddedFile(
        name=file_name(snapshot["title"], snapshot["version"], PublicationFileKind.JSON),
        content=data.content,
        description="The figures this document shows, as published (the JSON file)",
        made_at=datetime.fromisoformat(snapshot["published_at"]),
    )
    archive = functools.partial(render_archive_pdf, attachments=(attached,))
    pdf, archive_pdf = await asyncio.gather(
        render_in_pool(settings, PDF_TEMPLATE, context, title),
        render_in_pool(settings, PDF_TEMPLATE, context, title, archive),
    )
    return [
        MadeFile(PublicationFileKind.PDF, pdf),
        MadeFile(PublicationFileKind.ARCHIVE_PDF, archive_pdf),
        *text_files,
    ]
