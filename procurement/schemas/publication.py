"""Published capital-investment summaries: what a finance officer sends to publish a period's
summary or correct one, and how a publication and its files read back. Nothing here edits a
publication: a correction is a new version."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.domain.capital import Period
from procurement.schemas.fields import DecimalString, Name, RequiredText, documented, refusing


class PublicationFileKind(StrEnum):
    """The files every publication is made of."""

    PDF = "pdf"  # the accessible document (PDF/UA-1)
    ARCHIVE_PDF = "archive_pdf"  # the archival copy (PDF/A-3b) with the JSON data attached
    HTML = "html"  # a self-contained web page
    CSV = "csv"  # every scheme, one row each
    JSON = "json"  # the whole snapshot


MEDIA_TYPES = {
    PublicationFileKind.PDF: "application/pdf",
    PublicationFileKind.ARCHIVE_PDF: "application/pdf",
    # Text is UTF-8; the server adds "; charset=utf-8" to these when it serves them.
    PublicationFileKind.HTML: "text/html",
    PublicationFileKind.CSV: "text/csv",
    PublicationFileKind.JSON: "application/json",
}
# The files' types other than JSON, whose answers are documented as files.
FILE_MEDIA_TYPES = sorted(set(MEDIA_TYPES.values()) - {"application/json"})
# The kinds served at `<publication>.<extension>`; the archive has a path of its own.
BY_EXTENSION = {
    "pdf": PublicationFileKind.PDF,
    "html": PublicationFileKind.HTML,
    "csv": PublicationFileKind.CSV,
    "json": PublicationFileKind.JSON,
}


def split_reference(text: str) -> tuple[uuid.UUID, PublicationFileKind | None] | None:
    """A publication named in a path, as `<id>` or `<id>.<pdf|html|csv|json>`: its id and
    the file asked for (None for the publication itself); None when it names neither."""
    stem, dot, extension = text.partition(".")
    kind = BY_EXTENSION.get(extension) if dot else None
    if dot and kind is None:
        return None
    try:
        return uuid.UUID(stem), kind
    except ValueError:
        return None


def _period_label(text: str) -> str:
    # Period.parse names the expected form in its error; "2026/27 q2" is read as Q2.
    return Period.parse(text.upper()).label


# A financial year runs into the next calendar year: "2026/27", never "2026/28".
_YEARS = "|".join(f"{year:02d}/{(year + 1) % 100:02d}" for year in range(100))
PERIOD = rf"^ ?(1[0-9]|20|21)({_YEARS})( [Qq][1-4])? ?$"
PeriodLabel = Annotated[
    str,
    documented(PERIOD, max_length=20),
    refusing(
        PERIOD, 'Write the period as a financial year or one of its quarters, e.g. "2026/27 Q2"'
    ),
    AfterValidator(_period_label),
]
CorrectionNote = RequiredText


class PublicationCreate(SQLModel):
    """A period's summary to publish, made from the capital programme as it stands."""

    period: PeriodLabel = Field(
        description='A financial year or one of its quarters, e.g. "2026/27" or "2026/27 Q2"',
        examples=["2026/27 Q2"],
    )
    title: Name | None = Field(
        default=None, description='Defaults to "Capital programme summary <period>"'
    )


class PublicationCorrection(SQLModel):
    """A correction of the latest version: a new version, made from the programme as it
    stands now, that supersedes it."""

    correction_note: CorrectionNote = Field(
        description="What was wrong with the version corrected, and what changed"
    )
    title: Name | None = Field(default=None, description="Defaults to the corrected version's")


class PublicationFileRead(SQLModel):
    """One file of a publication: served byte for byte as stored, with this digest."""

    kind: PublicationFileKind
    media_type: str
    size: int = Field(description="In bytes")
    sha256: str = Field(description="SHA-256 of the file's bytes, in hex; also its ETag")
    url: str


class PublicationTotals(SQLModel):
    """The programme's totals as published (percentages out of 100)."""

    project_count: int
    approved_budget: DecimalString
    forecast_outturn: DecimalString
    spend_to_date: DecimalString
    variance: DecimalString = Field(description="Forecast outturn less approved budget")
    slippage: DecimalString
    local_spend: DecimalString
    local_share: DecimalString = Field(description="Local spend as a % of spend to date")
    social_value_committed: DecimalString


class PublicationRead(SQLModel):
    """One version of a period's summary, its totals and its files."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    period: str
    period_start: date
    period_end: date
    version: int
    title: str
    correction_note: str
    supersedes_id: uuid.UUID | None
    superseded_by_id: uuid.UUID | None
    superseded_by_version: int | None
    is_latest: bool
    published_at: datetime
    published_by_name: str
    totals: PublicationTotals
    files: list[PublicationFileRead]
